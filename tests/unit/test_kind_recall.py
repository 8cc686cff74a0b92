"""German organisations the model missed are found after the noun that says what they are."""

from __future__ import annotations

from newsingest.enrich.kind_recall import find_after_kinds
from newsingest.enrich.normalise import normalise_entities
from newsingest.models import EntityType
from tests.fixtures.enrich.fakes import ORG, mentions


def found(text: str, known: set[str] = frozenset()) -> list[str]:
    return [m.text for m in find_after_kinds([], {"body": text}, lambda name: name in known, "de")]


def test_names_after_organisation_kind_nouns() -> None:
    text = ("Ein Interview des Fernsehsenders TVN24 gab es. Das Geld geht an die Wohltätigkeitsorganisation Glide. "
            "Er spielte für den Klub Schachtjor Karagandy, sagt er. Fünf Mandate für die Partei \"Klartext\". "
            "Die Miliz Ansar Dine griff an. Das Magazin Vangardist Die Sonderausgabe")
    assert found(text) == ["TVN24", "Glide", "Schachtjor Karagandy", "Klartext", "Ansar Dine", "Vangardist"]


def test_common_nouns_letters_places_and_kinds_of_works_are_no_names() -> None:
    text = "Der Konzern Anfang Mai. In der Gruppe C. Die Partei Europas. Der Film Titanic. die Zeitschrift 270 Seiten"
    assert found(text, known={"Europas"}) == []


def test_a_name_the_model_tagged_is_not_found_twice() -> None:
    body = "Die Gewerkschaft Verdi streikt."
    tagged = normalise_entities([("body", body, mentions(body, [("Verdi", ORG)]))], language="de")
    assert [(e.name, e.count) for e in tagged] == [("Verdi", 1)]
    untagged = normalise_entities([("body", body, [])], language="de")
    assert [(e.name, e.type) for e in untagged] == [("Verdi", EntityType.ORGANISATION)]
    french = normalise_entities([("body", "Le syndicat CGT et la banque BNP.", [])], language="fr")
    assert french == []  # German and English only


def test_english_names_after_a_lower_case_kind_noun() -> None:
    body = ("Awards went to the band Razorlight, the group Liberty X. It is owned by the UK food group Vestey. "
            "The band The Streets and the band Korn's album. The firm said. A bank in Paris.")
    entities = normalise_entities([("body", body, [])], language="en", known=lambda name: name == "Paris")
    assert {e.name: e.type for e in entities} == {
        "Razorlight": EntityType.ORGANISATION, "Liberty X": EntityType.ORGANISATION,
        "Vestey": EntityType.ORGANISATION, "The Streets": EntityType.ORGANISATION, "Korn": EntityType.ORGANISATION,
    }  # fmt: skip
