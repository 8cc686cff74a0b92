from __future__ import annotations

from newsingest.enrich.normalise import normalise_entities
from newsingest.models import EntityType
from tests.fixtures.enrich.fakes import LOC, MISC, ORG, PER, mentions


def types(body: str, spans: list, language: str) -> dict[str, EntityType]:
    entities = normalise_entities([("body", body, mentions(body, spans))], language=language)
    return {e.name: e.type for e in entities}


def test_a_name_after_an_organisation_kind_noun_is_an_organisation() -> None:
    body = "Gernot Rainer, Chef der Ärztegewerkschaft Asklepios, sagt: Asklepios will mehr Ärzte in Wien."
    spans = [("Gernot Rainer", PER), ("Asklepios", PER), ("Asklepios", PER), ("Wien", LOC)]
    assert types(body, spans, "de") == {"Gernot Rainer": PER, "Asklepios": ORG, "Wien": LOC}


def test_a_compound_kind_noun_inside_the_span_is_cut_off_but_a_bare_one_begins_a_name() -> None:
    body = "Die Linkspartei Podemos verhandelt mit der Bank Austria. Podemos hatte sich geweigert."
    spans = [("Linkspartei Podemos", ORG), ("Bank Austria", ORG), ("Podemos", PER)]
    assert types(body, spans, "de") == {"Podemos": ORG, "Bank Austria": ORG}


def test_a_kind_noun_before_a_places_genitive_is_part_of_the_name() -> None:
    body = "Die Arbeiterpartei Kurdistans (PKK) und die Kommunistische Partei Chinas verhandeln."
    spans = [("Arbeiterpartei Kurdistans", ORG), ("Kommunistische Partei Chinas", ORG)]
    entities = normalise_entities([("body", body, mentions(body, spans))], language="de",
                                  known=lambda name: name in {"Kurdistan", "China"})
    assert {e.name for e in entities} == {"Arbeiterpartei Kurdistans", "Kommunistische Partei Chinas"}


def test_english_appositions() -> None:
    body = "The band Franz Ferdinand played, and Franz Ferdinand thanked Tony Blair in London."
    spans = [("Franz Ferdinand", PER), ("Franz Ferdinand", PER), ("Tony Blair", PER), ("London", LOC)]
    assert types(body, spans, "en") == {"Franz Ferdinand": ORG, "Tony Blair": PER, "London": LOC}


def test_a_name_after_a_kind_of_work_is_no_person_or_organisation() -> None:
    body = "Im Survival-Game Rust und im Film Blade Runner spielt Harrison Ford. The album Hopes and Fears sold."
    spans = [("Survival-Game Rust", ORG), ("Blade Runner", ORG), ("Harrison Ford", PER)]
    assert types(body, spans, "de") == {"Rust": EntityType.MISC, "Blade Runner": EntityType.MISC, "Harrison Ford": PER}


def test_more_english_kinds_of_work() -> None:
    body = ("Oscar-nominated animation Shark Tale has raked in $80m. Shark Tale's cast includes Will Smith. The "
            "cartoon King Kong and the Peter Jackson remake Life & Death.")
    spans = [("Shark Tale", ORG), ("Shark Tale", ORG), ("Will Smith", PER), ("King Kong", LOC),
             ("Peter Jackson", PER), ("Life & Death", ORG)]  # fmt: skip
    assert types(body, spans, "en") == {"Shark Tale": MISC, "Will Smith": PER, "King Kong": MISC, "Peter Jackson": PER,
                                        "Life & Death": MISC}  # fmt: skip


def test_kind_nouns_are_whole_compound_elements_and_known_places_stay() -> None:
    body = "Spencer Gibb, Sohn von Bee-Gees-Mitglied Robin Gibb, sah im Animationsfilm Kanada die Schuld."
    spans = [("Spencer Gibb", PER), ("Robin Gibb", PER), ("Kanada", LOC)]
    entities = normalise_entities([("body", body, mentions(body, spans))], language="de", known={"Kanada"}.__contains__)
    assert {e.name: e.type for e in entities} == {"Spencer Gibb": PER, "Robin Gibb": PER, "Kanada": LOC}


def test_inflected_and_plural_kind_nouns_and_lists_of_works() -> None:
    body = (
        "Regisseur von Filmen wie Echo Park, Dominic und Kronprinz Rudolf. Die Rockoper Tommy lief. "
        "Spieler wie Paul Pogba fehlen, Parteien wie SPÖ und ÖVP verhandeln. Stigwood kennt Petra Schmidt."
    )
    spans = [("Echo Park", ORG), ("Dominic", PER), ("Kronprinz Rudolf", PER), ("Tommy", PER), ("Paul Pogba", PER),
             ("SPÖ", ORG), ("ÖVP", PER), ("Stigwood", PER), ("Petra Schmidt", PER)]  # fmt: skip
    assert types(body, spans, "de") == {
        "Echo Park": EntityType.MISC,
        "Dominic": EntityType.MISC,
        "Kronprinz Rudolf": EntityType.MISC,
        "Tommy": EntityType.MISC,
        "Paul Pogba": PER,
        "SPÖ": ORG,
        "ÖVP": ORG,
        "Stigwood": PER,
        "Petra Schmidt": PER,
    }


def test_english_plural_kinds_title_articles_and_example_introducers() -> None:
    body = (
        "Long-running shows Will and Grace and Joey won. The animated fable The Polar Express starred Tom Hanks. "
        "Then films such as Shrek sold, a man known as Jones smiled, and banks including Barclays lent to Tom Hanks. "
        "The Group Menatep, the Gibraltar unit, paid."
    )
    spans = [("Will and Grace", ORG), ("Joey", PER), ("Polar Express", ORG), ("Tom Hanks", PER), ("Shrek", PER),
             ("Jones", PER), ("Barclays", PER), ("Tom Hanks", PER), ("Group Menatep", ORG),
             ("Gibraltar", LOC)]  # fmt: skip
    assert types(body, spans, "en") == {
        "Will and Grace": EntityType.MISC,
        "Joey": EntityType.MISC,
        "Polar Express": EntityType.MISC,
        "Tom Hanks": PER,
        "Shrek": EntityType.MISC,
        "Jones": PER,
        "Barclays": ORG,
        "Group Menatep": ORG,
        "Gibraltar": LOC,
    }


def test_a_kind_noun_before_an_untagged_occurrence_types_the_tagged_one() -> None:
    body = "Samples aus den Filmen Blade Runner und Alien. Später spielten sie bei Terminator und Blade Runner."
    spans = [("Terminator", ORG), ("Blade Runner", ORG)]
    assert types(body, spans, "de") == {"Terminator": ORG, "Blade Runner": EntityType.MISC}


def test_only_a_place_the_model_typed_as_one_survives_a_kind_of_work() -> None:
    body = "Nina Gantz zeigt im Puppenfilm Edmond eine Kindheit, im Animationsfilm Kanada die Schuld. Stürmer " \
        "Roman Kienast fehlt. Er muss absitzen. Roman Weidenfeller auch."
    spans = [("Nina Gantz", PER), ("Edmond", PER), ("Kanada", LOC), ("Kienast", PER), ("Weidenfeller", PER)]
    entities = normalise_entities(
        [("body", body, mentions(body, spans))], language="de", known={"Edmond", "Kanada"}.__contains__
    )
    assert {e.name: e.type for e in entities} == {
        "Nina Gantz": PER, "Edmond": EntityType.MISC, "Kanada": LOC, "Kienast": PER, "Weidenfeller": PER,
    }  # fmt: skip


def test_an_english_span_run_over_a_lower_case_kind_noun_is_cut_after_it() -> None:
    body = "The star of US TV drama Baretta met the UK food group Vestey at the Bank of England."
    spans = [("US TV drama Baretta", ORG), ("UK food group Vestey", ORG), ("Bank of England", ORG)]
    entities = normalise_entities([("body", body, mentions(body, spans))], language="en")
    found = {e.name: e for e in entities}
    assert {name: e.type for name, e in found.items()} == {"Baretta": MISC, "Vestey": ORG, "Bank of England": ORG}
    (baretta,) = found["Baretta"].mentions
    assert body[baretta.start : baretta.end] == "Baretta"
