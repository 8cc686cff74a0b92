"""Drop the mentions the engine itself is unsure of (:class:`ConfidenceFilter`).

CoreNLP's CRF gives every mention the probability of its type. Its errors outside Reuters news — titles of
works and shows typed as organisations or persons ("Titanic", "Desperate Housewives"), single capitalised common
words ("Christmas", "Union"), bands typed as persons — come with low probabilities far more often than right
names do. Mentions under ``ner_min_confidence`` are dropped before anything else sees them; mentions between
that and ``ner_vote_below_confidence`` go to the second model where a language has one (``voting.py``).
Engines that give no confidence report 1.0 and are never filtered. Measured in docs/ner.md, "Round 3".
"""

from __future__ import annotations

from collections.abc import Iterable

from newsingest.enrich.ner.base import EngineWrapper, NerEngine, RawMention


def confident(mentions: Iterable[RawMention], min_confidence: float) -> list[RawMention]:
    """The mentions whose confidence is at least ``min_confidence``."""
    return [m for m in mentions if m.confidence >= min_confidence]


class ConfidenceFilter(EngineWrapper):
    """Wraps an engine; mentions under ``min_confidence`` are left out."""

    def __init__(self, inner: NerEngine, min_confidence: float) -> None:
        super().__init__(inner)
        self.min_confidence = min_confidence

    async def recognise(self, text: str, language: str) -> list[RawMention]:
        return confident(await self.inner.recognise(text, language), self.min_confidence)
