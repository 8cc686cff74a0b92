"""Drop the mentions the engine itself is unsure of (:class:`ConfidenceFilter`).

CoreNLP's CRF gives every mention the probability of its type. Its errors outside Reuters news — titles of
works and shows typed as organisations or persons ("Titanic", "Desperate Housewives"), single capitalised common
words ("Christmas", "Union"), bands typed as persons — come with low probabilities far more often than right
names do. Mentions under ``ner_min_confidence`` are dropped before anything else sees them, one-word mentions
(where common nouns, lone first names and single title words are) under ``ner_min_confidence_one_word``; mentions
between that and ``ner_vote_below_confidence`` go to the second model where a language has one (``voting.py``).
Engines that give no confidence report 1.0 and are never filtered. Measured in docs/ner.md, "Round 3".
"""

from __future__ import annotations

from collections.abc import Iterable

from newsingest.enrich.ner.base import EngineWrapper, NerEngine, RawMention


def confident(mentions: Iterable[RawMention], min_confidence: float, min_single_word: float = 0.0) -> list[RawMention]:
    """The mentions whose confidence is at least ``min_confidence``, and at least ``min_single_word`` (when
    higher) for a mention of one word."""
    single = max(min_confidence, min_single_word)
    return [m for m in mentions if m.confidence >= (single if _one_word(m.text) else min_confidence)]


def _one_word(text: str) -> bool:
    return len(text.split()) <= 1


class ConfidenceFilter(EngineWrapper):
    """Wraps an engine; mentions under ``min_confidence`` are left out."""

    def __init__(self, inner: NerEngine, min_confidence: float, min_single_word: float = 0.0) -> None:
        super().__init__(inner)
        self.min_confidence = min_confidence
        self.min_single_word = min_single_word

    async def recognise(self, text: str, language: str) -> list[RawMention]:
        return confident(await self.inner.recognise(text, language), self.min_confidence, self.min_single_word)
