"""Scoring of document-level facets against the hand-annotated gold set (pure functions, no I/O).

A predicted (type, value) matches a gold entity when ``fold(value)`` equals the fold of its name or of a variant
(case-, diacritic- and punctuation-insensitive) and the type is the entity's type or one of its ``also`` types.
Each gold entity is matched at most once; a second prediction for an already matched entity is a false positive
(a duplicate facet). Predictions matching an ``optional`` entity are ignored. The malformed-label checks are
measurement heuristics over the false positives only (word lists are fine here: this is the ruler, not the
system).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from newsingest.text.folding import fold, fold_tokens

TYPES = ("PER", "ORG", "LOC")
EDGE_WORDS = {
    "de": {"am", "im", "vom", "zum", "zur", "beim", "ins", "in", "an", "auf", "aus", "bei", "mit", "nach", "von", "vor",
           "für", "fur", "gegen", "über", "uber", "unter", "der", "die", "das", "des", "dem", "den", "ein", "eine",
           "einer", "eines", "einem", "und", "oder", "montag", "dienstag", "mittwoch", "donnerstag", "freitag",
           "samstag", "sonntag", "heute", "gestern", "morgen", "seit", "laut"},
    "en": {"the", "a", "an", "of", "in", "on", "at", "by", "for", "from", "to", "with", "and", "or", "monday",
           "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today", "yesterday", "mr", "mrs",
           "ms", "says", "said"},
}
_ADJECTIVE = {"de": re.compile(r"(?:isch|ische|ischen|ischer|ischem|isches)$"),
              "en": re.compile(r"(?:ian|ese|ish|ic)$")}
_TICKER = re.compile(r"^(?:\^?[A-Z0-9]{1,6}[.:][A-Z0-9]{1,6}|[A-Z]{1,5}\d{0,2})$")
_INFLECTION = re.compile(r"(?:en|em|er|es|e|n|s)$")


@dataclass(frozen=True)
class GoldEntity:
    type: str
    name: str
    variants: tuple[str, ...] = ()
    also: tuple[str, ...] = ()
    optional: bool = False

    @property
    def keys(self) -> set[str]:
        return {fold(form) for form in (self.name, *self.variants)}

    def accepts(self, kind: str) -> bool:
        return kind == self.type or kind in self.also


def gold_entity(data: dict[str, object]) -> GoldEntity:
    return GoldEntity(
        type=str(data["type"]), name=str(data["name"]), variants=tuple(data.get("variants", ())),  # type: ignore[arg-type]
        also=tuple(data.get("also", ())), optional=bool(data.get("optional", False)),  # type: ignore[arg-type]
    )


@dataclass
class DocScore:
    tp: Counter[str] = field(default_factory=Counter)
    fp: Counter[str] = field(default_factory=Counter)
    fn: Counter[str] = field(default_factory=Counter)
    duplicates: int = 0
    splits: int = 0
    malformed: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)

    def add(self, other: DocScore) -> None:
        self.tp.update(other.tp)
        self.fp.update(other.fp)
        self.fn.update(other.fn)
        self.duplicates += other.duplicates
        self.splits += other.splits
        self.malformed.update(other.malformed)
        self.errors.extend(other.errors)


def _loose(tokens: Sequence[str]) -> tuple[str, ...]:
    return tuple(_INFLECTION.sub("", token) if len(token) > 4 else token for token in tokens)


def malformed_kind(value: str, language: str, gold: Sequence[GoldEntity]) -> str | None:
    """Why an unmatched label is malformed (None: it is just wrong or missing from the gold set)."""
    words = value.split()
    if not words:
        return "empty"
    folded = [fold(w) for w in words]
    edges = EDGE_WORDS.get(language, set())
    if folded[0] in edges or folded[-1] in edges:
        return "edge word"
    if _TICKER.match(value) and not any(fold(value) in g.keys for g in gold) and any(c.isdigit() or c in ".:^"
                                                                                     for c in value):
        return "ticker"
    if words[0][:1].islower() and folded[0] not in {"van", "von", "de", "der", "den", "da", "di", "le", "la", "al"}:
        return "lowercase"
    adjective = _ADJECTIVE.get(language)
    if adjective and len(words) == 1 and adjective.search(folded[0]) and not any(
        fold(value) in g.keys for g in gold
    ):
        return "adjective"
    loose = _loose(fold_tokens(value))
    for entity in gold:
        if any(_loose(fold_tokens(form)) == loose for form in (entity.name, *entity.variants)):
            return "inflected"
    return None


def _splits(predicted: Iterable[str], gold: Sequence[GoldEntity]) -> int:
    """Gold entities with two or more predicted values that are each a proper part of one of its forms."""
    values = {fold_tokens(v) for v in predicted}
    count = 0
    for entity in gold:
        for form in (entity.name, *entity.variants):
            tokens = fold_tokens(form)
            if len(tokens) < 2 or tokens in values:
                continue
            parts = [v for v in values if 0 < len(v) < len(tokens) and _contains(tokens, v)]
            if len(parts) >= 2:
                count += 1
                break
    return count


def _contains(tokens: tuple[str, ...], part: tuple[str, ...]) -> bool:
    return any(tokens[i : i + len(part)] == part for i in range(len(tokens) - len(part) + 1))


def score_document(predicted: Sequence[tuple[str, str]], gold: Sequence[GoldEntity], language: str) -> DocScore:
    """Score one article's (type, value) facets against its gold entities."""
    result = DocScore()
    matched: set[int] = set()
    for kind, value in predicted:
        key = fold(value)
        candidates = [i for i, g in enumerate(gold) if key in g.keys and g.accepts(kind)]
        free = [i for i in candidates if i not in matched]
        if free:
            best = min(free, key=lambda i: (gold[i].optional, gold[i].type != kind))
            matched.add(best)
            if not gold[best].optional:
                result.tp[kind] += 1
            continue
        if candidates and all(gold[i].optional for i in candidates):
            continue
        result.fp[kind] += 1
        if candidates:
            result.duplicates += 1
            result.errors.append(f"duplicate {kind} {value}")
            continue
        other_type = [g for g in gold if key in g.keys]
        problem = "type" if other_type else malformed_kind(value, language, gold)
        if problem and problem != "type":
            result.malformed[problem] += 1
        result.errors.append(f"FP {kind} {value}" + (f" [{problem}]" if problem else ""))
    for i, entity in enumerate(gold):
        if i not in matched and not entity.optional:
            result.fn[entity.type] += 1
            result.errors.append(f"FN {entity.type} {entity.name}")
    result.splits = _splits([v for _, v in predicted], gold)
    return result


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
