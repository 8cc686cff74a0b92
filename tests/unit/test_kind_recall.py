"""German organisations the model missed are found after the noun that says what they are."""

from __future__ import annotations

from newsingest.enrich.kind_recall import find_after_kinds
from newsingest.enrich.normalise import normalise_entities
from newsingest.models import EntityType
from tests.fixtures.enrich.fakes import ORG, mentions


def found(text: str, known: set[str] = frozenset()) -> list[str]:
    return [m.text for m in find_after_kinds([], {"body": text}, lambda name: name in known)]


def test_names_after_organisation_kind_nouns() -> None:
    text = ("Ein Interview des Fernsehsenders TVN24 gab es. Das Geld geht an die Wohltätigkeitsorganisation Glide. "
            "Er spielte für den Klub Schachtjor Karagandy, sagt er. Fünf Mandate für die Partei \"Klartext\". "
            "Die Miliz Ansar Dine griff an. Das Magazin Vangardist Die Sonderausgabe")
    assert found(text) == ["TVN24", "Glide", "Schachtjor Karagandy", "Klartext", "Ansar Dine", "Vangardist"]


def test_common_nouns_letters_places_and_kinds_of_works_are_no_names() -> None:
    text = "Der Konzern Anfang Mai. In der Gruppe C. Die Partei Europas. Der Film Titanic. die Zeitschrift 270 Seiten"
    assert found(text, known={"Europas"}) == []


def test_a_name_the_model_tagged_is_not_found_twice_and_english_is_left_alone() -> None:
    body = "Die Gewerkschaft Verdi streikt."
    tagged = normalise_entities([("body", body, mentions(body, [("Verdi", ORG)]))], language="de")
    assert [(e.name, e.count) for e in tagged] == [("Verdi", 1)]
    untagged = normalise_entities([("body", body, [])], language="de")
    assert [(e.name, e.type) for e in untagged] == [("Verdi", EntityType.ORGANISATION)]
    english = normalise_entities([("body", "The union Unite struck.", [])], language="en")
    assert english == []
