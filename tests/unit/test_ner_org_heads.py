from __future__ import annotations

from newsingest.enrich.ner.base import RawMention
from newsingest.enrich.ner.org_heads import OrgHeadEngine, organisation_heads
from tests.fixtures.enrich.fakes import LOC, ORG, PER, mentions


def spans(text: str, raw: list[RawMention]) -> list[tuple[str, object]]:
    return [(m.text, m.type) for m in organisation_heads(text, raw)]


def test_institution_head_and_place_are_one_organisation() -> None:
    text = "Das Landgericht Köln und die Universität Łódź urteilten, das Verteidigungsministerium schwieg in Köln."
    raw = mentions(text, [("Köln", LOC), ("Łódź", LOC), ("Köln", LOC)])
    assert spans(text, raw) == [("Landgericht Köln", ORG), ("Universität Łódź", ORG), ("Köln", LOC)]


def test_a_place_after_a_common_noun_or_a_person_stays_a_place() -> None:
    text = "Die Stadt Köln und Landrat Heinz Meier in Bonn."
    raw = mentions(text, [("Köln", LOC), ("Heinz Meier", PER), ("Bonn", LOC)])
    assert spans(text, raw) == [("Köln", LOC), ("Heinz Meier", PER), ("Bonn", LOC)]


def test_legal_form_makes_an_organisation() -> None:
    text = "Die Graphitwerke Buhl GmbH und Siemens AG, sagte Peter Kraus AG-Chef."
    raw = mentions(text, [("Graphitwerke Buhl", LOC), ("Siemens", ORG), ("Peter Kraus", PER)])
    assert spans(text, raw) == [("Graphitwerke Buhl GmbH", ORG), ("Siemens AG", ORG), ("Peter Kraus", PER)]


class _Fixed:
    name = "fixed"

    def __init__(self, found: list[RawMention]) -> None:
        self.found = found

    def supports(self, language: str) -> bool:
        return True

    async def recognise(self, text: str, language: str) -> list[RawMention]:
        return list(self.found)

    async def aclose(self) -> None:
        return None


async def test_the_engine_applies_the_rules_to_german_only() -> None:
    text = "Das Landgericht Köln"
    raw = mentions(text, [("Köln", LOC)])
    engine = OrgHeadEngine(_Fixed(raw))
    assert [m.text for m in await engine.recognise(text, "de")] == ["Landgericht Köln"]
    assert [m.text for m in await engine.recognise(text, "en")] == ["Köln"]
    assert engine.name == "fixed"
