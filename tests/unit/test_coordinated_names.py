"""Two names the model joined over "and"/"und" or a spaced dash are cut apart, only on evidence."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from newsingest.enrich.normalise import normalise_entities
from newsingest.models import EntityType
from tests.fixtures.enrich.fakes import LOC, ORG, PER, mentions


def names(body: str, spans: Sequence[tuple[str, EntityType]], language: str = "en",
          known: set[str] | None = None) -> dict[str, EntityType]:
    found = normalise_entities([("body", body, mentions(body, spans))], language=language,
                               known=(known or set()).__contains__)
    return {e.name: e.type for e in found}


def test_the_last_pair_of_an_enumeration_is_two_names() -> None:
    body = "Pixies, Foo Fighters and Iron Maiden will headline the festival."
    spans = [("Pixies", ORG), ("Foo Fighters and Iron Maiden", ORG)]
    assert names(body, spans) == {"Pixies": ORG, "Foo Fighters": ORG, "Iron Maiden": ORG}


def test_a_one_word_part_of_an_enumeration_needs_to_stand_alone() -> None:
    body = "Shares in Tesco, Marks and Spencer and Sainsbury rose."
    spans = [("Tesco", ORG), ("Marks and Spencer", ORG)]
    assert names(body, spans) == {"Tesco": ORG, "Marks and Spencer": ORG}


def test_parts_that_stand_alone_elsewhere_are_two_names() -> None:
    body = "Leeds and Reading will host the festival. Tickets for Reading sold out; Leeds has some left."
    spans = [("Leeds and Reading", LOC), ("Reading", LOC), ("Leeds", LOC)]
    assert names(body, spans) == {"Leeds": LOC, "Reading": LOC}


def test_two_institutions_are_two_names() -> None:
    body = "The New York State Department of Health and State University of New York studied it."
    spans = [("New York State Department of Health and State University of New York", ORG)]
    assert names(body, spans) == {"New York State Department of Health": ORG, "State University of New York": ORG}


@pytest.mark.parametrize(("body", "name", "kind"), [
    ("The Department of the Environment, Food and Rural Affairs said so.",
     "Department of the Environment, Food and Rural Affairs", ORG),  # conjoined complements of one head
    ("Profits at Procter and Gamble rose.", "Procter and Gamble", ORG),
    ("Investors Bank and Trust rose.", "Investors Bank and Trust", ORG),  # one head with two words: one name
    ("Standard and Poor said so; Standard & Poor's is an agency.", "Standard and Poor", ORG),  # no mention alone
    ("Fighting in Bosnia and Herzegovina went on. Bosnia was tense.", "Bosnia and Herzegovina", LOC),
])  # fmt: skip
def test_names_with_a_conjunction_stay_whole(body: str, name: str, kind: EntityType) -> None:
    assert names(body, [(name, kind)], known={"Bosnia and Herzegovina", "Bosnia"}) == {name: kind}


def test_a_spaced_dash_is_never_part_of_a_name() -> None:
    body = "Ergebnisse: Montreal Canadiens – Boston Bruins 3:2 n.V., Columbus Blue Jackets - Los Angeles Kings 1:4"
    spans = [("Montreal Canadiens – Boston Bruins", ORG), ("Columbus Blue Jackets - Los Angeles Kings", ORG)]
    assert names(body, spans, "de") == {n: ORG for n in ("Montreal Canadiens", "Boston Bruins",
                                                        "Columbus Blue Jackets", "Los Angeles Kings")}


def test_hyphenated_names_and_german_conjunctions() -> None:
    body = "Die Gewerkschaft und Arbeiterkammer Wien sowie Coca-Cola Hellenic äußerten sich, ebenso das Finanzamt " \
           "Wels und Bezirksgericht Linz."
    spans = [("Coca-Cola Hellenic", ORG), ("Finanzamt Wels und Bezirksgericht Linz", ORG)]
    assert names(body, spans, "de") == {"Coca-Cola Hellenic": ORG, "Finanzamt Wels": ORG, "Bezirksgericht Linz": ORG}


def test_persons_joined_in_a_list() -> None:
    body = "Guests included Tony Blair, Gordon Brown and John Prescott."
    spans = [("Tony Blair", PER), ("Gordon Brown and John Prescott", PER)]
    assert names(body, spans) == {"Tony Blair": PER, "Gordon Brown": PER, "John Prescott": PER}
