"""Same story: near-duplicates (SimHash) and articles reporting one event in other words (shared entities
plus content-word similarity within a time window).

State lives in a ``MutableMapping[str, str]`` the caller provides (in the service a ``ReplicatedMap`` kept in
a compacted topic, so it survives restarts; an in-memory dict elsewhere). Values are JSON strings. Keys:

- ``d:<ref>`` (``ref``: the first 16 hex digits of the article id): the article's record: full id, event
  interval, ingest time, sequence number, story id, duplicate_of, SimHash, content terms, entity keys and its
  blocking keys;
- ``b:<blocking key>``: the most recent ``max_per_key`` articles having that key, as
  ``[[ref, start, end, seq], ...]``. Blocking keys: 16-bit SimHash bands (``h:<band>:<bits>``), the
  article's strongest entity keys (``e:p:putin``, ``e:g:524901``...) and its top content terms
  (``t:waffen``), so a lookup reads a few dozen small lists instead of the whole store. An entity key whose
  list is full is a "hub" ("USA", "Reuters") and does not count as shared evidence;
- ``x:<hour>``: refs of the articles first seen in that hour of ingest time (the expiry schedule);
- ``m``: the watermark (latest ingest time seen), the sequence counter and the list of live hours.

Expiry: articles ingested more than the window before the watermark are removed with their list entries,
so the store holds one window of articles. Redelivery of an article still in the store returns its stored
decision (idempotent).

Time: an article's event time is an interval: ``published_at`` widened to its stated precision (a month for
"2023-09"), or, with no date, "at or before ``received_at``" (two undated articles compare their
``received_at``). Articles whose intervals are further apart than the window never share a story.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import MutableMapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import orjson

from newsingest.enrich import simhash as sh
from newsingest.enrich.folding import fold
from newsingest.enrich.terms import content_terms, cosine, words
from newsingest.ingest.formats.agencies import canonical_agency
from newsingest.models import DatePrecision, Entity, EntityType, Place, RawArticle

BLOCKING_TERMS = 8
BLOCKING_ENTITIES = 12
REF_CHARS = 16
RECORD_CACHE = 4096  # decoded article records kept (~8 KB each): the recent ones, most often candidates
EXACT_BANDS = 4  # 16-bit bands: hashes within 3 bits share one
MIN_DUP_TOKENS = 20
_TYPE_WEIGHT = {EntityType.PERSON: 3.0, EntityType.ORGANISATION: 2.0, EntityType.MISC: 1.0,
                EntityType.LOCATION: 1.5}  # fmt: skip
_PLACE_WEIGHT = {"city": 2.0, "region": 1.5, "country": 0.5, "other": 0.5}


# --- features -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class StoryFeatures:
    article_id: str
    simhash: int
    tokens: int
    terms: dict[str, float]
    entities: dict[str, float]  # entity key -> weight
    generic: frozenset[str]  # entity keys that never make a story on their own (countries, continents)
    start: float | None  # event interval (epoch seconds); None: open towards the past
    end: float
    seen: float  # ingest time; drives expiry

    @property
    def simhash_hex(self) -> str:
        return sh.to_hex(self.simhash)


@dataclass(frozen=True)
class StoryDecision:
    story_id: str
    duplicate_of: str | None


def _add_precision(moment: datetime, precision: DatePrecision | None) -> datetime:
    if precision is DatePrecision.YEAR:
        return moment + timedelta(days=366 if moment.month <= 2 and moment.year % 4 == 0 else 365)
    if precision is DatePrecision.MONTH:
        return (moment.replace(day=1) + timedelta(days=32)).replace(day=1)
    if precision is DatePrecision.DAY:
        return moment + timedelta(days=1)
    return moment


def event_interval(raw: RawArticle) -> tuple[float | None, float]:
    """When the article's event happened, as far as the article says."""
    if raw.published_at is None:
        return None, raw.provenance.received_at.timestamp()
    start = raw.published_at
    return start.timestamp(), _add_precision(start, raw.published_precision).timestamp()


def _place_key(place: Place) -> str:
    return f"g:{place.geonames_id}" if place.geonames_id else f"g:{place.country_code}:{fold(place.resolved_name)}"


def entity_keys(
    entities: Sequence[Entity], places: Sequence[Place], source: str | None = None
) -> tuple[dict[str, float], frozenset[str]]:
    """Language-neutral keys of an article's entities with weights; and which of them are generic."""
    by_name = {place.name: place for place in places}
    own_agency = canonical_agency(source) if source else None
    keys: dict[str, float] = {}
    generic: set[str] = set()

    def add(key: str, weight: float, is_generic: bool = False) -> None:
        keys[key[:120]] = max(keys.get(key[:120], 0.0), weight)
        if is_generic:
            generic.add(key[:120])

    for entity in entities:
        boost = 1.0 + math.log(entity.count)
        name = fold(entity.name)
        if not name:
            continue
        place = by_name.get(entity.name)
        if place is not None:
            add(_place_key(place), _PLACE_WEIGHT[place.kind] * boost, place.kind in ("country", "other"))
            continue
        if entity.type is EntityType.PERSON:  # by family name: "Putin" and "Vladimir Putin" are one key
            tokens = name.split()
            add(
                f"p:{tokens[-1] if len(tokens) > 1 and len(tokens[-1]) >= 3 else name}",
                _TYPE_WEIGHT[entity.type] * boost,
            )
            continue
        if own_agency and canonical_agency(entity.name) == own_agency:
            continue  # the article's own agency says nothing about its story
        add(f"{entity.type.value.lower()}:{name}", _TYPE_WEIGHT[entity.type] * boost)
    named = {entity.name for entity in entities}
    for place in places:  # dateline places not named in the text
        if place.name not in named:
            add(_place_key(place), _PLACE_WEIGHT[place.kind], place.kind in ("country", "other"))
    return keys, frozenset(generic)


def story_features(raw: RawArticle, entities: Sequence[Entity], places: Sequence[Place]) -> StoryFeatures:
    """Everything the story index compares, computed from the article alone (pure; CPU-bound on long texts)."""
    tokens = words(raw.body or raw.title)
    keys, generic = entity_keys(entities, places, raw.source)
    start, end = event_interval(raw)
    return StoryFeatures(
        article_id=raw.article_id,
        simhash=sh.simhash(tokens),
        tokens=len(tokens),
        terms=content_terms(raw.title, raw.body),
        entities=keys,
        generic=generic,
        start=start,
        end=end,
        seen=raw.provenance.received_at.timestamp(),
    )


# --- matching ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Thresholds:
    """When two articles are near-duplicates or one story (see ``StoryIndex._duplicate`` and ``_same_story``)."""

    dup_exact_bits: int = 3
    dup_exact_cosine: float = 0.6
    dup_bits: int = 12
    dup_cosine: float = 0.85
    story_rules: tuple[tuple[int, float], ...] = ((3, 0.25), (2, 0.33), (1, 0.5))  # (shared entities, cosine)
    seed_cosine: float = 0.15  # a joining article's least similarity to the story's first article
    text_only_cosine: float = 0.8
    text_only_min_terms: int = 30


@dataclass(frozen=True)
class _Comparison:
    candidate_id: str
    record: dict[str, Any]
    distance: int
    text: float
    shared: int  # shared specific (non-generic, non-hub) entity keys
    entity: float  # weighted overlap of entity keys


def _gap(a: tuple[float | None, float], b: tuple[float | None, float]) -> float:
    """Seconds between two event intervals (0 when they overlap); a ``None`` start (an undated article) is open
    to the past, except between two undated articles, which compare their ingest times."""
    a_start, a_end = a
    b_start, b_end = b
    if a_start is None and b_start is None:
        return abs(a_end - b_end)
    gaps = [0.0]
    if a_start is not None:
        gaps.append(a_start - b_end)
    if b_start is not None:
        gaps.append(b_start - a_end)
    return max(gaps)


class StoryIndex:
    """Assigns ``story_id`` and ``duplicate_of``, keeping bounded state in ``store``.

    ``assign`` is synchronous and holds a lock for its read-modify-write, so concurrent enrichments stay
    consistent; in the service call it on the event loop (the replicated map is not thread-safe), after
    computing :func:`story_features` wherever convenient.
    """

    def __init__(
        self,
        store: MutableMapping[str, str],
        *,
        window_hours: float,
        max_per_key: int = 32,
        hub_size: int = 24,
        max_candidates: int = 40,
        thresholds: Thresholds | None = None,
    ) -> None:
        self.store = store
        self.window = window_hours * 3600.0
        self.max_per_key = max_per_key
        self.hub_size = hub_size
        self.max_candidates = max_candidates
        self.thresholds = thresholds or Thresholds()
        self._lock = threading.Lock()
        self._decoded: dict[str, tuple[str, dict[str, Any]]] = {}

    # --- public ---------------------------------------------------------------------------------------
    def assign(self, features: StoryFeatures) -> StoryDecision:
        with self._lock:
            known = self._record(_ref(features.article_id))
            if known is not None and known["id"] == features.article_id:  # redelivery
                return StoryDecision(known["story"], known.get("dup"))
            meta = self._get("m") or {"wm": features.seen, "seq": 0, "hours": []}
            meta["wm"] = max(meta["wm"], features.seen)
            self._expire(meta)
            decision = self._decide(features)
            self._insert(features, decision, meta)
            self._put("m", meta)
            return decision

    def __len__(self) -> int:
        """Articles currently held (iterates the store: for tests and diagnostics)."""
        return sum(1 for key in self.store if key.startswith("d:"))

    # --- decision -------------------------------------------------------------------------------------
    def _blocking_keys(self, f: StoryFeatures) -> list[str]:
        keys = [f"h:{band}" for band in sh.bands(f.simhash, EXACT_BANDS)] if f.tokens >= MIN_DUP_TOKENS else []
        specific = sorted((k for k in f.entities if k not in f.generic), key=lambda k: (-f.entities[k], k))
        keys += [f"e:{key}" for key in specific[:BLOCKING_ENTITIES]]
        keys += [f"t:{term}" for term in list(f.terms)[:BLOCKING_TERMS]]
        return keys

    def _decide(self, f: StoryFeatures) -> StoryDecision:
        mine = (f.start, f.end)
        hits: Counter[str] = Counter()
        latest: dict[str, int] = {}
        in_window: set[str] = set()
        hubs: set[str] = set()
        for key in self._blocking_keys(f):
            entries = self._get(f"b:{key}") or []
            if key.startswith("e:") and len(entries) >= self.hub_size:
                hubs.add(key[2:])
            for ref, start, end, seq in entries:
                hits[ref] += 1
                latest[ref] = seq
                if _gap(mine, (start, end)) <= self.window:
                    in_window.add(ref)
        ranked = sorted(hits, key=lambda r: (r not in in_window, -hits[r], -latest[r]))[: self.max_candidates]
        comparisons = [c for c in (self._compare(f, ref, hubs) for ref in ranked) if c is not None]

        duplicate = self._duplicate(f, comparisons)
        if duplicate is not None and _gap(mine, _interval(duplicate.record)) <= self.window:
            return StoryDecision(duplicate.record["story"], duplicate.candidate_id)
        matches = [c for c in comparisons if _gap(mine, _interval(c.record)) <= self.window and self._same_story(c, f)]
        story = f.article_id
        for match in sorted(matches, key=lambda c: (-(c.text + 0.5 * c.entity), c.record["q"])):
            if self._near_seed(f, match, hubs):
                story = match.record["story"]
                break
        return StoryDecision(story, duplicate.candidate_id if duplicate else None)

    def _same_story(self, comparison: _Comparison, mine: StoryFeatures) -> bool:
        t = self.thresholds
        if not mine.entities or not comparison.record["x"]:
            return (
                comparison.text >= t.text_only_cosine
                and min(len(mine.terms), len(comparison.record["t"])) >= t.text_only_min_terms
            )
        return any(comparison.shared >= shared and comparison.text >= text for shared, text in t.story_rules)

    def _near_seed(self, f: StoryFeatures, match: _Comparison, hubs: set[str]) -> bool:
        """Whether the article is still about the story's first article (stops stories drifting by chaining)."""
        seed_id = match.record["story"]
        if seed_id == match.candidate_id:
            return True
        seed = self._compare(f, _ref(seed_id), hubs)
        if seed is None or seed.candidate_id != seed_id:  # the first article expired: the match alone decides
            return True
        return seed.text >= self.thresholds.seed_cosine and (seed.shared >= 1 or not f.entities)

    def _compare(self, f: StoryFeatures, ref: str, hubs: set[str]) -> _Comparison | None:
        record = self._record(ref)
        if record is None or record["id"] == f.article_id:
            return None
        other: dict[str, float] = record["x"]
        shared = [k for k in f.entities if k in other]
        generic = set(record.get("g", ())) | f.generic
        specific = [k for k in shared if k not in generic and k not in hubs]
        overlap = sum(min(f.entities[k], other[k]) for k in shared)
        smaller = min(sum(f.entities.values()), sum(other.values())) or 1.0
        return _Comparison(
            candidate_id=record["id"],
            record=record,
            distance=sh.distance(f.simhash, sh.from_hex(record["h"])),
            text=cosine(f.terms, record["t"]),
            shared=len(specific),
            entity=overlap / smaller,
        )

    def _duplicate(self, f: StoryFeatures, comparisons: list[_Comparison]) -> _Comparison | None:
        t = self.thresholds
        found = []
        for c in comparisons:
            if min(f.tokens, c.record.get("k", 0)) < MIN_DUP_TOKENS:  # short texts: nearly exact copies only
                near = c.distance <= 2 and c.text >= 0.95
            else:
                near = (c.distance <= t.dup_exact_bits and c.text >= t.dup_exact_cosine) or (
                    c.distance <= t.dup_bits and c.text >= t.dup_cosine
                )
            if near:
                found.append(c)
        return min(found, key=lambda c: c.record["q"]) if found else None  # the earliest copy

    # --- state ----------------------------------------------------------------------------------------
    def _insert(self, f: StoryFeatures, decision: StoryDecision, meta: dict[str, Any]) -> None:
        meta["seq"] += 1
        ref = _ref(f.article_id)
        keys = self._blocking_keys(f)
        self._put(f"d:{ref}", {
            "id": f.article_id, "s": f.start, "e": f.end, "n": f.seen, "q": meta["seq"],
            "story": decision.story_id, "dup": decision.duplicate_of, "h": f.simhash_hex, "k": f.tokens,
            "t": f.terms, "x": f.entities, "g": sorted(f.generic), "bk": keys,
        })  # fmt: skip
        entry = [ref, f.start, f.end, meta["seq"]]
        for key in keys:
            entries = [e for e in self._get(f"b:{key}") or [] if e[0] != ref]
            entries.append(entry)
            self._put(f"b:{key}", entries[-self.max_per_key :])
        hour = int(f.seen // 3600)
        bucket = self._get(f"x:{hour}") or []
        bucket.append(ref)
        self._put(f"x:{hour}", bucket)
        if hour not in meta["hours"]:
            meta["hours"] = sorted([*meta["hours"], hour])

    def _expire(self, meta: dict[str, Any]) -> None:
        """Drop every article first seen in an hour that ended more than the window before the watermark."""
        horizon = meta["wm"] - self.window
        live = []
        for hour in meta["hours"]:
            if (hour + 1) * 3600 > horizon:
                live.append(hour)
                continue
            for ref in self._get(f"x:{hour}") or []:
                self._remove(ref)
            self._delete(f"x:{hour}")
        meta["hours"] = live

    def _remove(self, ref: str) -> None:
        record = self._record(ref)
        if record is None:
            return
        for key in record.get("bk", ()):
            entries = self._get(f"b:{key}")
            if entries is None:
                continue
            kept = [e for e in entries if e[0] != ref]
            if not kept:
                self._delete(f"b:{key}")
            elif len(kept) != len(entries):
                self._put(f"b:{key}", kept)
        self._delete(f"d:{ref}")

    def _record(self, ref: str) -> dict[str, Any] | None:
        """An article's record (read-only: records are written once and never changed in place). Decoded
        records are cached by the identity of the stored string, so a replaced value is decoded afresh."""
        value = self.store.get(f"d:{ref}")
        if value is None:
            return None
        cached = self._decoded.get(ref)
        if cached is not None and cached[0] is value:
            return cached[1]
        record: dict[str, Any] = orjson.loads(value)
        if len(self._decoded) >= RECORD_CACHE:
            self._decoded.clear()
        self._decoded[ref] = (value, record)
        return record

    def _get(self, key: str) -> Any:
        value = self.store.get(key)
        return None if value is None else orjson.loads(value)

    def _put(self, key: str, value: Any) -> None:
        self.store[key] = orjson.dumps(value).decode()

    def _delete(self, key: str) -> None:
        if key in self.store:
            del self.store[key]


def _ref(article_id: str) -> str:
    """Short key of an article in the store (the first 64 bits of its SHA-256 id)."""
    return article_id[:REF_CHARS]


def _interval(record: dict[str, Any]) -> tuple[float | None, float]:
    return record["s"], record["e"]
