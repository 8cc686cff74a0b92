from __future__ import annotations

import pytest

from newsingest.enrich.normalise import normalise_entities
from newsingest.enrich.spans import is_adjective_phrase, trim_edges
from tests.fixtures.enrich.fakes import LOC, MISC, ORG, mentions


@pytest.mark.parametrize(
    ("form", "language", "expected"),
    [
        ("Japanische", "de", True),
        ("US-amerikanische", "de", True),
        ("südkoreanischen Wiedervereinigungsministeriums", "de", True),
        ("Bayerischer Rundfunk", "de", False),  # a capitalised adjective starting a multi-word name
        ("Tische", "de", False),  # a noun: the stem before -isch is too short
        ("Fisch", "de", False),
        ("Paris", "de", False),
        ("Japanische", "en", False),
    ],
)
def test_adjective_phrases(form: str, language: str, expected: bool) -> None:
    assert is_adjective_phrase(form, language) is expected


def test_adjectives_are_no_entities_but_adjective_led_names_stay() -> None:
    body = "Japanische Medien und der Bayerische Rundfunk berichten aus Japan."
    spans = [("Japanische", MISC), ("Bayerische Rundfunk", ORG), ("Japan", LOC)]
    names = {e.name for e in normalise_entities([("body", body, mentions(body, spans))], language="de")}
    assert names == {"Bayerischer Rundfunk", "Japan"}  # "der Bayerische": the nominative standing alone


@pytest.mark.parametrize(
    ("span", "person", "expected"),
    [
        ("vom Landgericht Köln", False, "Landgericht Köln"),
        ("IG Metall am Dienstag", False, "IG Metall"),
        ("am University College London", False, "University College London"),
        ("Der Österreichische Naturschutzbund", False, "Österreichische Naturschutzbund"),
        ("An Electoral Commission", False, "Electoral Commission"),
        ("Der Spiegel", False, "Der Spiegel"),  # an article with one word after it is part of the name
        ("Golf von Mexiko", False, "Golf von Mexiko"),  # inner words stay
        ("Frankfurt am Main", False, "Frankfurt am Main"),
        ("von der Leyen", True, "von der Leyen"),  # name particles of persons stay
        ("Bank of England on Monday", False, "Bank of England"),
        ("Labour MPs", False, "Labour"),  # the member's role is no part of the party's name
        ("UKIP MEP", False, "UKIP"),
        ("MP", False, "MP"),  # one word is always kept
    ],
)
def test_trim_edges(span: str, person: bool, expected: str) -> None:
    text = f"Gestern sagte {span}, es sei so."
    start = text.index(span)
    a, b = trim_edges(text, start, start + len(span), person=person)
    assert text[a:b] == expected


def test_a_particle_is_never_split_off_the_name_it_begins() -> None:
    body = "Vor der Zentrale in La Defense bei Paris, dann nach Den Haag."
    spans = [("La Defense", LOC), ("Paris", LOC), ("Den Haag", LOC)]
    known = {"La", "Defense", "Paris", "Den", "Haag"}.__contains__
    names = {e.name for e in normalise_entities([("body", body, mentions(body, spans))], language="de", known=known)}
    assert names == {"La Defense", "Paris", "Den Haag"}
