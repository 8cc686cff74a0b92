from __future__ import annotations

from newsingest.enrich.compound_orgs import compound_organisations
from newsingest.enrich.ner.base import RawMention
from newsingest.models import EntityType

PLACES = frozenset({"US", "USA", "Wien", "Bayern"})


def found(text: str, mentions: list[RawMention] | None = None) -> list[str]:
    return [m.text for m in compound_organisations(text, mentions or [], PLACES.__contains__)]


def person(text: str, name: str) -> RawMention:
    start = text.index(name)
    return RawMention(start=start, end=start + len(name), text=name, type=EntityType.PERSON)


def test_the_organisation_of_a_role_compound_is_a_mention() -> None:
    text = "Es sprachen FPÖ-Chef Heinz-Christian Strache, Siemens-Chef Joe Kaeser und ein CSU-Politiker. Siemens wuchs."
    got = compound_organisations(text, [person(text, "Heinz-Christian Strache")], PLACES.__contains__)
    assert [(m.text, m.type) for m in got] == [("FPÖ", EntityType.ORGANISATION), ("Siemens", EntityType.ORGANISATION),
                                               ("CSU", EntityType.ORGANISATION)]
    assert all(text[m.start : m.end] == m.text for m in got)
    assert found("Die EU-Kommission und die SPD-Bundestagsfraktion.") == ["EU", "SPD"]


def test_a_name_that_is_no_acronym_must_also_stand_alone() -> None:
    assert found("Die Online-Führung und ein Top-Manager. Siemens-Chef Joe Kaeser.") == []
    assert found("Siemens-Chef Joe Kaeser sagte, Siemens wachse.") == ["Siemens"]


def test_places_persons_and_common_nouns_are_no_organisations() -> None:
    text = "Der US-Präsident, der Wien-Sprecher, Merkel-Sprecher Steffen Seibert, der Partei-Chef und die Liga-Spitze."
    assert found(text, [person(text, "Steffen Seibert"), person("Angela Merkel", "Angela Merkel")]) == []


def test_only_role_heads_count() -> None:
    assert found("Das Apple-Hauptquartier, die ORF-Gala und der US-Dollar.") == []
    assert found("Der Bluetooth-Lautsprecher, ein IT-Manager, ein NS-Funktionär.") == []  # no role; common nouns
    assert found("Der Bayern-Vorstand tagte.") == []  # a place: the gazetteer's, whatever the club


def test_a_compound_inside_a_mention_is_left_to_the_engine() -> None:
    text = "Der FPÖ-Chef sprach."
    tagged = RawMention(start=4, end=12, text="FPÖ-Chef", type=EntityType.ORGANISATION)
    assert found(text, [tagged]) == []
