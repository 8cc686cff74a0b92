from __future__ import annotations

from newsingest.enrich.normalise import normalise_entities
from tests.fixtures.enrich.fakes import LOC, ORG, PER, mentions


def names(body: str, spans: list, language: str = "de") -> dict[str, int]:
    entities = normalise_entities([("body", body, mentions(body, spans))], language=language)
    return {e.name: e.count for e in entities}


def test_a_cut_person_name_is_completed_by_the_following_proper_noun() -> None:
    body = "Der Staatschef Kim Jong Un wird bald Russland besuchen. Kim werde kommen, sagte Kim Jong."
    spans = [("Kim Jong", PER), ("Russland", LOC), ("Kim", PER), ("Kim Jong", PER)]
    assert names(body, spans) == {"Kim Jong Un": 3, "Russland": 1}


def test_a_person_is_not_extended_by_a_common_noun_or_another_name() -> None:
    body = "Angela Merkel Montag in Berlin. Das sagte Merkel Russland gegenüber."
    spans = [("Angela Merkel", PER), ("Berlin", LOC), ("Merkel", PER), ("Russland", LOC)]
    assert names(body, spans) == {"Angela Merkel": 2, "Berlin": 1, "Russland": 1}


def test_an_abbreviation_joins_the_long_form_it_was_introduced_with() -> None:
    body = "Die Internationale Atomenergiebehörde (IAEA) prüft. Die IAEA sagte, die Agentur prüfe weiter."
    spans = [("Internationale Atomenergiebehörde", ORG), ("IAEA", ORG)]
    assert names(body, spans) == {"Internationale Atomenergiebehörde": 2}


def test_an_abbreviation_for_two_names_joins_neither() -> None:
    body = "Die Alpha Partei (AP) und die Anders Presse (AP) streiten; AP bleibt offen."
    spans = [("Alpha Partei", ORG), ("Anders Presse", ORG), ("AP", ORG)]
    assert set(names(body, spans)) == {"Alpha Partei", "Anders Presse", "AP"}


def test_a_party_after_a_proper_name_is_no_abbreviation_of_it() -> None:
    # the model took the (glued) person for an organisation; "(ÖVP)" is the party, not the name's abbreviation
    body = "Kritik kam von BürgermeisterThomas Steiner (ÖVP). Die ÖVP widersprach."
    spans = [("BürgermeisterThomas Steiner", ORG), ("ÖVP", ORG)]
    assert names(body, spans) == {"BürgermeisterThomas Steiner": 1, "ÖVP": 1}


def test_a_translated_name_introduces_the_original_abbreviation() -> None:
    body = "Die Sozialistische Arbeiterpartei (PSOE) gewann, die PSOE regiert."
    spans = [("Sozialistische Arbeiterpartei", ORG), ("PSOE", ORG)]
    assert names(body, spans) == {"Sozialistische Arbeiterpartei": 2}
    english = "The Tourism Council (WTTC) said the WTTC expects growth."  # a cut long form: English keeps the pair
    assert names(english, [("Tourism Council", ORG), ("WTTC", ORG)], language="en") == {"Tourism Council": 2}


def test_a_person_span_ending_in_a_name_particle_takes_the_rest_of_the_surname() -> None:
    from newsingest.enrich.normalise import normalise_entities
    from tests.fixtures.enrich.fakes import PER, mentions

    body = ("Alle Städte wählten Alexander Van der Bellen. Ursula von der Leyen gratulierte. Peter von sagte nichts. "
            "Marine Le Pen schwieg.")
    spans = [("Alexander Van", PER), ("Ursula von", PER), ("Peter von", PER), ("Marine Le", PER)]
    found = normalise_entities([("body", body, mentions(body, spans))], language="de")
    names = {e.name for e in found}
    assert {"Alexander Van der Bellen", "Ursula von der Leyen", "Marine Le Pen"} <= names
    assert not any("sagte" in name for name in names)  # the word after the particle must be a name
