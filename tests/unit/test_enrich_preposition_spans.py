from __future__ import annotations

from newsingest.enrich.normalise import normalise_entities
from newsingest.models import EntityType
from tests.fixtures.enrich.fakes import LOC, ORG, PER, mentions

KNOWN = {"Westjordanland", "Ariel", "Frankfurt am Main", "London", "Deutschland", "Wien", "Burgenland"}.__contains__


def names(body: str, spans: list[tuple[str, EntityType]]) -> dict[str, EntityType]:
    entities = normalise_entities([("body", body, mentions(body, spans))], language="de", known=KNOWN)
    return {e.name: e.type for e in entities}


def test_a_span_is_cut_before_a_time_word_and_goes_on_after_the_next_preposition() -> None:
    body = "Die Lufthansa am Dienstagabend vom Arbeitsgericht Frankfurt verklagt. Der STANDARD am Samstagnachmittag."
    spans = [("Lufthansa am Dienstagabend vom Arbeitsgericht Frankfurt", ORG), ("STANDARD am Samstagnachmittag", ORG)]
    assert names(body, spans) == {"Lufthansa": ORG, "Arbeitsgericht Frankfurt": ORG, "STANDARD": ORG}


def test_a_proper_name_before_the_preposition_ends_the_name() -> None:
    body = "Chelsea im Achtelfinale. Massimo Maccarone vom FC Empoli traf, die PKK im Burgenland auch."
    spans = [("Chelsea im Achtelfinale", ORG), ("Massimo Maccarone vom FC Empoli", ORG), ("PKK im Burgenland", ORG)]
    found = names(body, spans)
    assert found == {"Chelsea": ORG, "Massimo Maccarone": ORG, "FC Empoli": ORG, "PKK": ORG, "Burgenland": LOC}


def test_ins_and_beim_never_belong_to_a_name_and_common_noun_tails_go() -> None:
    body = "Studio DontNod Spieler ins London. Die Veterinärmedizinische Universität im STANDARD-Interview."
    spans = [("DontNod Spieler ins London", ORG), ("Veterinärmedizinische Universität im STANDARD-Interview", ORG)]
    found = names(body, spans)
    assert found == {"DontNod Spieler": ORG, "London": LOC, "Veterinärmedizinische Universität": ORG}


def test_names_with_a_preposition_stay_whole() -> None:
    body = (
        "Das Institut für Höhere Studien, die Alternative für Deutschland, die Evangelische Kirche in Deutschland, "
        "der Bund für Umwelt und Naturschutz, Ursula von der Leyen und Mathias Müller von Blumencron in "
        "Frankfurt am Main, Zell am See und St. Johann im Pongau, das Max-Planck-Institut für Astronomie."
    )
    spans = [
        ("Institut für Höhere Studien", ORG), ("Alternative für Deutschland", ORG),
        ("Evangelische Kirche in Deutschland", ORG), ("Bund für Umwelt und Naturschutz", ORG),
        ("Ursula von der Leyen", PER), ("Mathias Müller von Blumencron", PER), ("Frankfurt am Main", LOC),
        ("Zell am See", LOC), ("St. Johann im Pongau", ORG), ("Max-Planck-Institut für Astronomie", ORG),
    ]  # fmt: skip
    assert set(names(body, spans)) == {name for name, _ in spans}


def test_places_split_only_into_known_places_and_persons_only_at_an_organisation() -> None:
    body = "Ariel im Westjordanland, Neuhaus am Inn; Lea Maričić von ADRA und Petra Hauser von media.at."
    spans = [("Ariel im Westjordanland", LOC), ("Neuhaus am Inn", LOC), ("Lea Maričić von ADRA", PER),
             ("Petra Hauser von media.at", PER)]  # fmt: skip
    found = names(body, spans)
    assert found == {"Ariel": LOC, "Westjordanland": LOC, "Neuhaus am Inn": LOC, "Lea Maričić": PER, "ADRA": ORG,
                     "Petra Hauser": PER}  # fmt: skip


def test_english_spans_over_in_and_at() -> None:
    body = "Jamie Foxx played Ray Charles in Ray. Fans met at Hylands Park in Essex; the Bank of England in London."
    spans = [("Jamie Foxx", PER), ("Ray Charles in Ray", PER), ("Hylands Park in Essex", LOC),
             ("Bank of England in London", ORG)]  # fmt: skip
    known = {"Essex", "London"}.__contains__
    entities = normalise_entities([("body", body, mentions(body, spans))], language="en", known=known)
    assert {e.name: e.type for e in entities} == {
        "Jamie Foxx": PER, "Ray Charles": PER, "Hylands Park": LOC, "Essex": LOC, "Bank of England": ORG,
        "London": LOC,
    }  # fmt: skip
