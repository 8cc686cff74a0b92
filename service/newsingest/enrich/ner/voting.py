"""Two-model agreement for English names (:class:`VotingEngine`).

CoreNLP ships three English CRF models. The CoNLL 4-class model (the engine's own) is the best tagger on Reuters
news, but on other news it types titles of works, shows and awards as organisations ("Million Dollar Baby",
"Desperate Housewives") and single capitalised words as persons or places ("Christmas", "Ocean"). The 3-class
model (``english.all.3class.distsim``, trained on CoNLL, MUC-6/7 and ACE newswire and broadcast text) errs
differently. A mention of a voted type is kept only when the second model tags an overlapping span with the same
type; other mentions are kept as they are. The second model sees only a window of words around each voted
mention (the windows, joined as paragraphs, in one request), not the whole text: the same decisions on the facet
development set at a fraction of the cost (docs/ner.md, "Round 2"). Only mentions the main model is less sure of
than ``vote_below`` are voted on (a fifth of them at the default): most of the precision for a fifth of the
second model's work (docs/ner.md, "Round 3").
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from newsingest.enrich.ner.base import EngineWrapper, NerEngine, RawMention
from newsingest.models import EntityType

# language -> the second model whose agreement a mention needs (in the CoreNLP models jar)
VOTER_MODELS: dict[str, str] = {
    "en": "edu/stanford/nlp/models/ner/english.all.3class.distsim.crf.ser.gz",
}
ALL_TYPES = frozenset({EntityType.PERSON, EntityType.ORGANISATION, EntityType.LOCATION})
WINDOW_CHARS = 12  # context on each side of a voted mention, widened to whole words


def agreed(
    mentions: Sequence[RawMention], votes: Sequence[RawMention], types: Collection[EntityType]
) -> list[RawMention]:
    """``mentions`` without those of ``types`` that no vote of the same type overlaps."""
    by_type: dict[EntityType, list[tuple[int, int]]] = {}
    for vote in votes:
        by_type.setdefault(vote.type, []).append((vote.start, vote.end))
    kept = []
    for m in mentions:
        spans = by_type.get(m.type, [])
        if m.type not in types or any(start < m.end and m.start < end for start, end in spans):
            kept.append(m)
    return kept


def windows(text: str, mentions: Sequence[RawMention], pad: int = WINDOW_CHARS) -> list[tuple[int, int]]:
    """Merged spans of ``text`` around ``mentions``: ``pad`` characters each side, widened to whole words."""
    spans: list[list[int]] = []
    for m in sorted(mentions, key=lambda x: x.start):
        start = text.rfind(" ", 0, m.start - pad) + 1 if m.start > pad else 0
        end = text.find(" ", min(len(text), m.end + pad))
        end = len(text) if end < 0 else end
        if spans and start <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([start, end])
    return [(start, end) for start, end in spans]


async def vote_in_windows(
    voter: NerEngine, text: str, language: str, mentions: Sequence[RawMention]
) -> list[RawMention]:
    """The voter's mentions in windows around ``mentions``, with offsets into ``text``."""
    spans = windows(text, mentions)
    if not spans:
        return []
    parts = [" ".join(text[start:end].split("\n")).replace("\r", " ") for start, end in spans]
    joined = "\n\n".join(parts)
    bases: list[tuple[int, int, int]] = []  # (offset in joined, length, offset in text)
    offset = 0
    for (start, _), part in zip(spans, parts, strict=True):
        bases.append((offset, len(part), start))
        offset += len(part) + 2
    result = []
    for v in await voter.recognise(joined, language):
        for base, length, start in bases:
            if base <= v.start < base + length:
                shift = start - base
                end = min(v.end, base + length) + shift
                result.append(RawMention(v.start + shift, end, text[v.start + shift : end], v.type))
                break
    return result


class VotingEngine(EngineWrapper):
    """Wraps the main engine; in languages with a voter, mentions of ``types`` need the voter's agreement."""

    def __init__(
        self,
        main: NerEngine,
        voters: Mapping[str, NerEngine],
        types: Collection[EntityType] = ALL_TYPES,
        vote_below: float = 2.0,
    ) -> None:
        super().__init__(main)
        self.main = main
        self.voters = dict(voters)
        self.types = frozenset(types)
        self.vote_below = vote_below  # only mentions the main model is less sure of are voted on

    async def recognise(self, text: str, language: str) -> list[RawMention]:
        mentions = await self.main.recognise(text, language)
        voter = self.voters.get(language)
        voted = [m for m in mentions if m.type in self.types and m.confidence < self.vote_below]
        if voter is None or not voter.supports(language) or not voted:
            return mentions
        rejected = set(voted) - set(agreed(voted, await vote_in_windows(voter, text, language, voted), self.types))
        return [m for m in mentions if m not in rejected]

    async def aclose(self) -> None:
        closed: set[int] = set()
        for engine in (self.main, *self.voters.values()):
            if id(engine) not in closed:
                closed.add(id(engine))
                await engine.aclose()
