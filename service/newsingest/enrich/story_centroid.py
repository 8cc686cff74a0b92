"""A story's centroid: the decayed sum of its articles' term, title-term and entity vectors, bounded.

An article is compared with the centroid, not with the story's single nearest article (Miranda et al.,
EMNLP 2018, "Multilingual Clustering of Streaming News"): one article that happens to share a name or a few
words with another cannot pull a third story in, and a story keeps the vocabulary all its articles share.

Record (JSON, key ``s:<ref of the story id>``): ``id`` story id, ``n`` article count, ``t``/``tt``/``x`` term,
title-term and entity sums (top :data:`TERMS`/:data:`TITLE_TERMS`/:data:`ENTITIES`), ``g`` generic entity keys,
``s``/``e`` the union of the members' event intervals, ``f``/``l`` first and last ingest time, ``m`` member
refs (the latest :data:`MEMBERS`; an article already a member is never added twice: redelivery-idempotent),
``lb``/``lr``/``ld`` the story's label, the ref of the article it is the headline of (the most central member
with a real headline: see :func:`relabel`) and whether that headline was derived from the text.
Older contributions decay with ``exp(-age / tau)`` of ingest time when a new article joins.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Set
from dataclasses import dataclass
from typing import Any

from newsingest.enrich.story_features import StoryFeatures
from newsingest.enrich.story_idf import StreamIdf

TERMS = 128
TITLE_TERMS = 32
ENTITIES = 48
MEMBERS = 256
GENERIC_WEIGHT = 0.3  # countries and continents are weak evidence of one event


@dataclass(frozen=True)
class Similarity:
    text: float  # cosine of IDF-weighted content terms
    title: float  # cosine of IDF-weighted title terms
    entity: float  # cosine of rarity-weighted entity keys
    shared_entities: int  # specific (non-generic) entity keys in both


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if not a or not b:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    dot = sum(w * b.get(k, 0.0) for k, w in a.items())
    if dot <= 0.0:
        return 0.0
    return dot / (math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values())))


def _top(vector: Mapping[str, float], limit: int) -> dict[str, float]:
    kept = sorted(vector.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    return {k: round(w, 5) for k, w in kept}


def _merge(old: Mapping[str, float], new: Mapping[str, float], decay: float, limit: int) -> dict[str, float]:
    merged = {k: w * decay for k, w in old.items()}
    for k, w in new.items():
        merged[k] = merged.get(k, 0.0) + w
    return _top(merged, limit)


def new_centroid(story_id: str, ref: str, f: StoryFeatures) -> dict[str, Any]:
    return {
        "id": story_id, "n": 1, "t": _top(f.terms, TERMS), "tt": _top(f.title_terms, TITLE_TERMS),
        "x": _top(f.entities, ENTITIES), "g": sorted(f.generic)[:ENTITIES], "s": f.start, "e": f.end,
        "f": f.seen, "l": f.seen, "m": [ref], "lb": f.title, "lr": ref,
        "ld": f.title_derived,
    }  # fmt: skip


def add_member(centroid: dict[str, Any], ref: str, f: StoryFeatures, tau_s: float) -> bool:
    """Add the article to the centroid in place; False (nothing changed) when it is a member already."""
    if ref in centroid["m"]:
        return False
    decay = math.exp(-max(0.0, f.seen - centroid["l"]) / tau_s)
    centroid["t"] = _merge(centroid["t"], f.terms, decay, TERMS)
    centroid["tt"] = _merge(centroid["tt"], f.title_terms, decay, TITLE_TERMS)
    centroid["x"] = _merge(centroid["x"], f.entities, decay, ENTITIES)
    centroid["g"] = sorted(set(centroid["g"]) | f.generic)[:ENTITIES]
    centroid["n"] += 1
    starts = [s for s in (centroid["s"], f.start) if s is not None]
    centroid["s"] = min(starts) if len(starts) == 2 else None
    centroid["e"] = max(centroid["e"], f.end)
    centroid["l"] = max(centroid["l"], f.seen)
    centroid["m"] = [*centroid["m"], ref][-MEMBERS:]
    return True


@dataclass(frozen=True)
class Weighted:
    """An article's vectors weighted once per decision (IDF of terms, rarity of entities)."""

    terms: dict[str, float]
    title: dict[str, float]
    entities: dict[str, float]
    generic: frozenset[str]
    terms_norm: float = 0.0  # Euclidean norms, once per article, not once per candidate story
    title_norm: float = 0.0
    entities_norm: float = 0.0


def _weighted(terms: dict[str, float], title: dict[str, float], entities: dict[str, float],
              generic: frozenset[str]) -> Weighted:  # fmt: skip
    return Weighted(terms, title, entities, generic, _norm(terms), _norm(title), _norm(entities))


def _norm(vector: Mapping[str, float]) -> float:
    return math.sqrt(sum(w * w for w in vector.values()))


def weigh_article(f: StoryFeatures, idf: StreamIdf) -> Weighted:
    return _weighted(idf.weigh(f.terms), idf.weigh(f.title_terms), _entity_weights(f.entities, f.generic, idf),
                     f.generic)  # fmt: skip


def _entity_weights(entities: Mapping[str, float], generic: Set[str], idf: StreamIdf) -> dict[str, float]:
    return {k: w * GENERIC_WEIGHT if k in generic else w for k, w in idf.weigh(entities, "e:").items()}


def similarity(mine: Weighted, centroid: Mapping[str, Any], idf: StreamIdf) -> Similarity:
    generic = mine.generic.union(centroid["g"])
    other: Mapping[str, float] = centroid["x"]
    entities, entities_norm = mine.entities, mine.entities_norm
    if generic is not mine.generic and any(k in generic for k in entities):
        entities = {k: w * GENERIC_WEIGHT if k in generic and k not in mine.generic else w for k, w in entities.items()}
        entities_norm = _norm(entities)
    return Similarity(
        text=idf.weighted_cosine(mine.terms, mine.terms_norm, centroid["t"]),
        title=idf.weighted_cosine(mine.title, mine.title_norm, centroid["tt"]),
        entity=idf.weighted_cosine(entities, entities_norm, other, "e:", generic, GENERIC_WEIGHT),
        shared_entities=sum(1 for k in entities if k in other and k not in generic),
    )


def weigh_record(record: Mapping[str, Any], idf: StreamIdf) -> Weighted:
    """The vectors of a stored article record (``t``, ``tt``, ``x``, ``g``), weighted like :func:`weigh_article`."""
    generic = frozenset(record.get("g", ()))
    return _weighted(idf.weigh(record["t"]), idf.weigh(record["tt"]), _entity_weights(record["x"], generic, idf),
                     generic)  # fmt: skip


def relabel(centroid: dict[str, Any], ref: str, title: str, centrality: float, holder: float | None,
            derived: bool = False) -> bool:
    """Make the article ``ref`` the story's label when it is closer to the centroid than the current label's
    article (``holder``: that article's centrality, None when it has left the window). A real headline always
    beats one derived from the text (``derived``: the file had none), whatever their centrality. In place; True
    when the label changed. Ties keep the current label (a label does not flicker between equal headlines)."""
    if not title or centroid.get("lr") == ref:
        return False
    if holder is not None and centroid.get("lb"):
        current_derived = bool(centroid.get("ld"))
        if derived and not current_derived:
            return False
        if derived == current_derived and centrality <= holder:
            return False
    centroid["lb"], centroid["lr"], centroid["ld"] = title, ref, derived
    return True
