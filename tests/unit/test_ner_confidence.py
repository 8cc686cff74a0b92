"""Mention confidences: from CoreNLP's entity mentions onto the mentions built from tokens, and the filter."""

from __future__ import annotations

from newsingest.enrich.ner.base import EntityType, RawMention
from newsingest.enrich.ner.confidence import ConfidenceFilter, confident
from newsingest.enrich.ner.corenlp import mentions_from_tokens

PER, ORG = EntityType.PERSON, EntityType.ORGANISATION


def token(begin: int, end: int, ner: str) -> dict[str, object]:
    return {"characterOffsetBegin": begin, "characterOffsetEnd": end, "ner": ner}


def test_a_mention_gets_the_lowest_confidence_of_the_entity_mentions_it_overlaps() -> None:
    text = "Tony Blair saw Titanic"
    tokens = [token(0, 4, "PERSON"), token(5, 10, "PERSON"), token(11, 14, "O"), token(15, 22, "PERSON")]
    entity_mentions = [
        {"characterOffsetBegin": 0, "characterOffsetEnd": 10, "ner": "PERSON", "nerConfidences": {"PERSON": 0.99}},
        {"characterOffsetBegin": 15, "characterOffsetEnd": 22, "ner": "PERSON", "nerConfidences": {"PERSON": 0.49}},
    ]
    mentions = mentions_from_tokens(text, tokens, entity_mentions)
    assert [(m.text, m.confidence) for m in mentions] == [("Tony Blair", 0.99), ("Titanic", 0.49)]
    # a mention CoreNLP cut into two entity mentions is as sure as its less sure part
    split = [
        {"characterOffsetBegin": 0, "characterOffsetEnd": 4, "ner": "PERSON", "nerConfidences": {"PERSON": 0.9}},
        {"characterOffsetBegin": 5, "characterOffsetEnd": 10, "ner": "PERSON", "nerConfidences": {"PERSON": 0.6}},
    ]
    assert mentions_from_tokens(text, tokens[:2], split)[0].confidence == 0.6


def test_missing_or_malformed_confidences_count_as_sure() -> None:
    text = "Tony Blair"
    tokens = [token(0, 4, "PERSON"), token(5, 10, "PERSON")]
    assert mentions_from_tokens(text, tokens)[0].confidence == 1.0
    bad = [
        {"characterOffsetBegin": 0, "characterOffsetEnd": 10, "ner": "PERSON"},
        {"characterOffsetBegin": 0, "characterOffsetEnd": 10, "ner": "PERSON", "nerConfidences": {"PERSON": "x"}},
        {"characterOffsetBegin": 0, "ner": "PERSON", "nerConfidences": {"PERSON": 0.2}},
        {"characterOffsetBegin": 0, "characterOffsetEnd": 10, "nerConfidences": []},
    ]
    assert mentions_from_tokens(text, tokens, bad)[0].confidence == 1.0
    # a probability for another type than the mention's: the best one given; out-of-range values are clamped
    other = [{"characterOffsetBegin": 0, "characterOffsetEnd": 10, "ner": "PERSON", "nerConfidences": {"X": 1.5}}]
    assert mentions_from_tokens(text, tokens, other)[0].confidence == 1.0


def test_confidence_offsets_are_utf16_like_the_tokens() -> None:
    text = "😀 Ada Lovelace"  # the emoji is two UTF-16 code units
    tokens = [token(3, 6, "PERSON"), token(7, 15, "PERSON")]
    entity_mentions = [
        {"characterOffsetBegin": 3, "characterOffsetEnd": 15, "ner": "PERSON", "nerConfidences": {"PERSON": 0.7}},
        {"characterOffsetBegin": 3, "characterOffsetEnd": 99, "ner": "PERSON", "nerConfidences": {"PERSON": 0.1}},
    ]
    [mention] = mentions_from_tokens(text, tokens, entity_mentions)
    assert (mention.text, mention.confidence) == ("Ada Lovelace", 0.7)  # the out-of-range one is ignored


class Fixed:
    name = "fixed"

    def __init__(self, mentions: list[RawMention]) -> None:
        self.mentions, self.closed = mentions, 0

    def supports(self, language: str) -> bool:
        return language == "en"

    async def recognise(self, text: str, language: str) -> list[RawMention]:
        return list(self.mentions)

    async def aclose(self) -> None:
        self.closed += 1


async def test_the_filter_drops_mentions_under_the_threshold_only() -> None:
    sure, edge = RawMention(0, 1, "A", PER, 0.9), RawMention(2, 3, "B", ORG, 0.5)
    unsure = RawMention(4, 5, "C", ORG, 0.49)
    assert confident([sure, edge, unsure], 0.5) == [sure, edge]
    assert confident([sure, edge, unsure], 0.0) == [sure, edge, unsure]
    inner = Fixed([sure, edge, unsure])
    engine = ConfidenceFilter(inner, 0.5)
    assert engine.name == "fixed"
    assert engine.supports("en")
    assert not engine.supports("de")
    assert await engine.recognise("A B C", "en") == [sure, edge]
    assert engine.mentions == inner.mentions  # other attributes are the wrapped engine's
    await engine.aclose()
    assert inner.closed == 1


def test_one_word_mentions_need_the_higher_threshold() -> None:
    one = RawMention(0, 5, "Union", ORG, 0.7)
    two = RawMention(6, 16, "Tony Blair", PER, 0.7)
    hyphen = RawMention(17, 29, "Baden-Baden", ORG, 0.85)
    assert confident([one, two, hyphen], 0.5, 0.8) == [two, hyphen]
    assert confident([one, two, hyphen], 0.5) == [one, two, hyphen]
    assert confident([one, two, hyphen], 0.75, 0.6) == [hyphen]  # the higher of the two applies to one word
