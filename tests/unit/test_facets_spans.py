from __future__ import annotations

import pytest

from newsingest.enrich.normalise import normalise_entities
from newsingest.enrich.spans import is_adjective_phrase
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
    assert names == {"Bayerische Rundfunk", "Japan"}
