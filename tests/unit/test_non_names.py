"""Weekdays and the nation codes of results lists are no facets; organisations in parentheses are."""

from __future__ import annotations

from newsingest.enrich.non_names import IOC_CODES, nation_codes
from newsingest.enrich.normalise import normalise_entities
from tests.fixtures.enrich.fakes import LOC, ORG, PER, mentions


def names(body: str, spans: list) -> set[str]:
    return {e.name for e in normalise_entities([("body", body, mentions(body, spans))], language="de")}


def test_a_weekday_is_no_organisation_but_may_be_a_surname() -> None:
    body = "Der Klub bezwang am Sonntag den FC Genua. Trainer Sonntag war zufrieden."
    spans = [("Sonntag", ORG), ("FC Genua", ORG), ("Sonntag", PER)]
    entities = normalise_entities([("body", body, mentions(body, spans))], language="de")
    assert [(e.name, e.type, e.count) for e in entities] == [("FC Genua", ORG, 1), ("Sonntag", PER, 1)]


def test_nation_codes_of_a_results_list_are_dropped() -> None:
    body = "1. Hermann Maier (AUT) 54 2. Aksel Lund Svindal (NOR) 28 3. Didier Cuche (SUI) 20"
    spans = [("Hermann Maier", PER), ("AUT", ORG), ("Aksel Lund Svindal", PER), ("NOR", ORG),
             ("Didier Cuche", PER), ("SUI", LOC)]  # fmt: skip
    assert names(body, spans) == {"Hermann Maier", "Aksel Lund Svindal", "Didier Cuche"}


def test_an_organisation_in_parentheses_outside_a_results_list_stays() -> None:
    body = "Ulrich Grillo (BDI) und Martin Schulz (SPD) sprachen."
    spans = [("Ulrich Grillo", PER), ("BDI", ORG), ("Martin Schulz", PER), ("SPD", ORG)]
    assert names(body, spans) == {"Ulrich Grillo", "BDI", "Martin Schulz", "SPD"}


def test_the_code_table_has_iso_and_the_differing_ioc_codes() -> None:
    codes = nation_codes()
    assert {"AUT", "NOR", "USA", "DEU", "CHE"} <= codes
    assert {"GER", "SUI", "NED", "CRO"} <= IOC_CODES <= codes
    assert not {"SPD", "CDU", "FDP", "ORF", "APA"} & codes


def test_a_legal_form_standing_alone_is_no_name() -> None:
    body = "Die AG war von der Volksbank Wien-Baden übernommen worden. Die Deutsche Bank AG meldete, die SA nicht."
    spans = [("AG", ORG), ("Volksbank Wien-Baden", ORG), ("Deutsche Bank AG", ORG), ("SA", ORG)]
    assert names(body, spans) == {"Volksbank Wien-Baden", "Deutsche Bank AG", "SA"}
