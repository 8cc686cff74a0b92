"""The named-entity engine interface every other part of enrichment builds on.

An engine finds raw mentions (character spans with a type) in one text of one language. Everything after
that (normalisation, places, stories) works on :class:`RawMention` only and never sees the engine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from newsingest.models import EntityType

_NON_BMP = re.compile("[\U00010000-\U0010ffff]")

__all__ = [
    "Chunk",
    "EngineWrapper",
    "EntityType",
    "NerEngine",
    "NullEngine",
    "RawMention",
    "entity_type",
    "split_chunks",
    "split_tag",
    "utf16_to_index",
]


@dataclass(frozen=True)
class RawMention:
    """One entity mention as found by an engine."""

    start: int  # character offsets into the text passed to recognise()
    end: int
    text: str  # == text[start:end]
    type: EntityType
    # the engine's probability that the span has this type (CoreNLP: the CRF's marginal of its least sure token);
    # 1.0 where the engine gives none
    confidence: float = 1.0


@runtime_checkable
class NerEngine(Protocol):
    """Finds named entities. Unsupported languages get ``[]`` rather than wrong entities."""

    name: str

    def supports(self, language: str) -> bool: ...

    async def recognise(self, text: str, language: str) -> list[RawMention]: ...

    async def aclose(self) -> None: ...


class NullEngine:
    """The engine when NER is disabled: supports nothing, finds nothing."""

    name = "null"

    def supports(self, language: str) -> bool:
        return False

    async def recognise(self, text: str, language: str) -> list[RawMention]:
        return []

    async def aclose(self) -> None:
        return None


class EngineWrapper:
    """Base of the engines that post-process another engine's mentions: everything but ``recognise`` is the
    wrapped engine's."""

    def __init__(self, inner: NerEngine) -> None:
        self.inner = inner
        self.name = inner.name

    def __getattr__(self, name: str) -> Any:  # warm_up, languages, ... of the wrapped engine
        return getattr(self.inner, name)

    def supports(self, language: str) -> bool:
        return self.inner.supports(language)

    async def recognise(self, text: str, language: str) -> list[RawMention]:
        return await self.inner.recognise(text, language)

    async def aclose(self) -> None:
        await self.inner.aclose()


# --- helpers every engine shares -------------------------------------------------------------------------
# Labels of the usual NER tag sets (CoNLL, GermEval, CoreNLP, OntoNotes/spaCy) -> EntityType. Labels not listed
# (DATE, NUMBER, MONEY, TITLE, ...) are dropped; GermEval *deriv / *part are adjectives or parts of words,
# not names, and are dropped too.
_LABELS: dict[str, EntityType] = {
    "PER": EntityType.PERSON,
    "PERS": EntityType.PERSON,
    "PERSON": EntityType.PERSON,
    "ORG": EntityType.ORGANISATION,
    "ORGANIZATION": EntityType.ORGANISATION,
    "ORGANISATION": EntityType.ORGANISATION,
    "LOC": EntityType.LOCATION,
    "LOCATION": EntityType.LOCATION,
    "GPE": EntityType.LOCATION,
    "MISC": EntityType.MISC,
    "OTH": EntityType.MISC,
    "LUG": EntityType.LOCATION,
    "OTROS": EntityType.MISC,
}
_PREFIXES = ("B-", "I-", "E-", "S-", "L-", "U-")


def split_tag(tag: str) -> tuple[str, str]:
    """``"B-PER"`` -> ``("B", "PER")``; ``"PERSON"`` -> ``("", "PERSON")``; ``"O"`` -> ``("", "O")``."""
    if tag[:2].upper() in _PREFIXES:
        return tag[0].upper(), tag[2:]
    return "", tag


def entity_type(label: str) -> EntityType | None:
    """The EntityType of a tag or label of any common tag set (IOB prefixes allowed), or None to drop it."""
    return _LABELS.get(split_tag(label.strip())[1].upper())


@dataclass(frozen=True)
class Chunk:
    """A piece of a longer text; ``start`` is its offset in that text."""

    start: int
    text: str


_PARAGRAPH = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_SENTENCE = re.compile(r"[.!?…:;][\"'“”„»«’)\]]*\s+")
_LINE = re.compile(r"\n\s*")
_SPACE = re.compile(r"\s+")


def split_chunks(text: str, max_chars: int) -> list[Chunk]:
    """Cut ``text`` into pieces of at most ``max_chars`` on paragraph, else sentence, else line, else word
    boundaries (a hard cut only inside an overlong word). The pieces cover the whole text; pieces that are
    only whitespace are left out."""
    if max_chars < 1:
        raise ValueError("max_chars must be positive")
    chunks: list[Chunk] = []
    start = 0
    while len(text) - start > max_chars:
        cut = _best_cut(text, start, start + max_chars)
        chunks.append(Chunk(start, text[start:cut]))
        start = cut
    chunks.append(Chunk(start, text[start:]))
    return [c for c in chunks if c.text.strip()]


def _best_cut(text: str, start: int, limit: int) -> int:
    """End of the last boundary (with its trailing whitespace) within text[start:limit]; prefers the
    strongest boundary that still leaves a reasonably full chunk."""
    floor = start + (limit - start) // 3
    for pattern in (_PARAGRAPH, _SENTENCE, _LINE, _SPACE):
        best = -1
        for match in pattern.finditer(text, start, limit):
            # the whitespace after a boundary may run past the limit: cut at the limit then
            best = min(match.end(), limit)
        if best > floor:
            return best
    for pattern in (_SENTENCE, _LINE, _SPACE):
        best = max((min(m.end(), limit) for m in pattern.finditer(text, start, limit)), default=-1)
        if best > start:
            return best
    return limit


def utf16_to_index(text: str) -> list[int] | None:
    """Map UTF-16 code-unit offsets (what Java servers report) to ``str`` indices; None when they are equal
    (the text has no characters outside the Basic Multilingual Plane)."""
    if text.isascii() or not _NON_BMP.search(text):
        return None
    table: list[int] = []
    for i, char in enumerate(text):
        table.append(i)
        if ord(char) >= 0x10000:
            table.append(i)  # offset pointing into the middle of a surrogate pair -> the character itself
    table.append(len(text))
    return table
