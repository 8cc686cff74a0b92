"""Organisations named after a person, tagged as a person by the model, get the organisation type."""

from __future__ import annotations

import pytest

from newsingest.enrich.institution_names import institution_type
from newsingest.enrich.normalise import normalise_entities
from newsingest.models import EntityType
from tests.fixtures.enrich.fakes import PER, mentions


@pytest.mark.parametrize(("form", "expected"), [
    ("Hubert Burda Media", EntityType.ORGANISATION),
    ("Melinda Gates Foundation", EntityType.ORGANISATION),
    ("Robert-Koch-Institut", EntityType.ORGANISATION),
    ("Robert Bosch Stiftung", EntityType.ORGANISATION),
    ("Lehman Brothers", EntityType.ORGANISATION),
    ("Georg-Büchner-Preis", EntityType.MISC),
    ("Nobel Prize", EntityType.MISC),
    ("Rob Da Bank", None),  # a stage name: "Bank" is no institution noun here
    ("Media", None),  # one word: a name on its own
    ("Jean-Paul Sartre", None),
    ("Karl Kraus", None),
    ("Peter media", None),  # lower case: not a name's head
])  # fmt: skip
def test_institution_type(form: str, expected: EntityType | None) -> None:
    assert institution_type(form) is expected


def test_a_person_span_ending_in_an_institution_noun_is_an_organisation() -> None:
    body = "Robert Schneider folgt Ulrich Reitz, wie Hubert Burda Media mitteilte."
    spans = [("Robert Schneider", PER), ("Ulrich Reitz", PER), ("Hubert Burda Media", PER)]
    entities = {e.name: e.type for e in normalise_entities([("body", body, mentions(body, spans))], language="de")}
    assert entities == {"Robert Schneider": EntityType.PERSON, "Ulrich Reitz": EntityType.PERSON,
                        "Hubert Burda Media": EntityType.ORGANISATION}  # fmt: skip
