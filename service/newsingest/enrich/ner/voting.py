"""Two-model agreement for English names (:class:`VotingEngine`).

CoreNLP ships three English CRF models. The CoNLL 4-class model (the engine's own) is the best tagger on Reuters
news, but on other news it types titles of works, shows and awards as organisations ("Million Dollar Baby",
"Desperate Housewives") and single capitalised words as persons or places ("Christmas", "Ocean"). The 3-class
model (``english.all.3class.distsim``, trained on CoNLL, MUC-6/7 and ACE newswire and broadcast text) errs
differently. A person, organisation or place mention of the main model is kept only when the second model tags
an overlapping span with the same type; MISC mentions are kept as they are (no facet). Measured on the facet
development set and CoNLL-2003 valid (docs/ner.md, "Model voting"). Both requests go out together, so the
article waits for the slower of the two, and the server does twice the tagging work.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any

from newsingest.enrich.ner.base import NerEngine, RawMention
from newsingest.models import EntityType

# language -> the second model whose agreement a PER/ORG/LOC mention needs (in the CoreNLP models jar)
VOTER_MODELS: dict[str, str] = {
    "en": "edu/stanford/nlp/models/ner/english.all.3class.distsim.crf.ser.gz",
}
_VOTED = frozenset({EntityType.PERSON, EntityType.ORGANISATION, EntityType.LOCATION})


def agreed(mentions: Sequence[RawMention], votes: Sequence[RawMention]) -> list[RawMention]:
    """``mentions`` without the PER/ORG/LOC ones that no vote of the same type overlaps."""
    by_type: dict[EntityType, list[tuple[int, int]]] = {}
    for vote in votes:
        by_type.setdefault(vote.type, []).append((vote.start, vote.end))
    kept = []
    for m in mentions:
        spans = by_type.get(m.type, [])
        if m.type not in _VOTED or any(start < m.end and m.start < end for start, end in spans):
            kept.append(m)
    return kept


class VotingEngine:
    """Wraps the main engine; languages with a voter engine keep only the mentions both agree on."""

    def __init__(self, main: NerEngine, voters: Mapping[str, NerEngine]) -> None:
        self.main = main
        self.voters = dict(voters)
        self.name = main.name

    def __getattr__(self, name: str) -> Any:  # languages, ... of the main engine
        return getattr(self.main, name)

    def supports(self, language: str) -> bool:
        return self.main.supports(language)

    async def recognise(self, text: str, language: str) -> list[RawMention]:
        voter = self.voters.get(language)
        if voter is None or not voter.supports(language):
            return await self.main.recognise(text, language)
        mentions, votes = await asyncio.gather(self.main.recognise(text, language), voter.recognise(text, language))
        return agreed(mentions, votes)

    async def aclose(self) -> None:
        closed: set[int] = set()
        for engine in (self.main, *self.voters.values()):
            if id(engine) not in closed:
                closed.add(id(engine))
                await engine.aclose()
