"""Same story: near-duplicates (SimHash) and articles reporting one event in other words (an article joins
the story whose centroid it is most similar to, weighing the evidence by how rare it is in the recent stream).

State lives in a ``MutableMapping[str, str]`` the caller provides (in the service a ``ReplicatedMap`` kept in
a compacted topic, so it survives restarts and every worker sees it; an in-memory dict elsewhere). Values are
JSON strings. Keys:

- ``d:<ref>`` (``ref``: the first 16 hex digits of the article id): the article's record: full id, event
  interval, ingest time, sequence number, story id, duplicate_of, SimHash, content terms, title terms, entity
  keys and its blocking keys;
- ``s:<ref of the story id>``: the story's centroid (see :mod:`~newsingest.enrich.story_centroid`);
- (no ``b:`` keys any more: the blocking lists that find the candidates are derived from the live records,
  :mod:`~newsingest.enrich.story_blocks`; ``b:`` values an older release wrote are deleted once);
- ``x:<bucket>``, ``x:<bucket>:1``...: refs of the articles first seen in that bucket of ingest time (the expiry
  schedule; a bucket is ``bs`` s: an hour, or a 24th of a shorter window), ``SCHEDULE_CHUNK`` refs per list;
- ``m``: the watermark (latest ingest time seen), the sequence counter, the live buckets (``hours``), their
  number of schedule lists (``xc``) and ``bs`` (state written before either: one list per bucket of an hour).

The IDF of terms and entity keys and the blocking index are derived from the live article records; the parts
of them that grow with the articles of the window are kept in private temporary SQLite databases, and a
service store keeps the ``SPILL_PREFIXES`` keys on disk too (``streaming/spilling_map.py``), so a worker's
memory does not grow with the window.

Decision: a near-duplicate of an earlier article joins that article's story. Otherwise the article is compared
with the centroid of every candidate story whose event interval is within the window: ``score = (w_text *
text + w_title * title + w_entity * entity) * (1 - time_decay * gap / window)`` (cosines of IDF-weighted
vectors; ``gap`` between the event intervals). The best story is joined when its score is at least the
threshold and leads the runner-up by the margin, or (weaker evidence of its own) when it is the one candidate
story quoting the same statement (:mod:`~newsingest.enrich.story_quotes`); else the article starts a story of its
own (its id is the article's id). The weights and threshold are chosen on a development set (docs/stories.md).
Precision first: a story wrongly merged is worse than one story split.

Expiry: articles ingested more than the window before the watermark are removed with their list entries,
and a story with them once its latest article is gone. Redelivery of an article still in the store returns
its stored decision and writes nothing (idempotent).

Time: an article's event time is an interval: ``published_at`` widened to its stated precision (a month for
"2023-09"), or, with no date, "at or before ``received_at``" (two undated articles compare their
``received_at``). Articles further apart than the window never share a story.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass
from itertools import chain, islice
from typing import Any

import orjson

from newsingest.enrich import simhash as sh
from newsingest.enrich.story_blocks import MIN_DUP_TOKENS, BlockingIndex, blocking_keys
from newsingest.enrich.story_blocks import SCHEMA as BLOCKS_SCHEMA
from newsingest.enrich.story_centroid import (
    Similarity,
    Weighted,
    add_member,
    new_centroid,
    relabel,
    similarity,
    weigh_article,
    weigh_record,
)
from newsingest.enrich.story_features import StoryFeatures, entity_keys, event_gap, event_interval, story_features
from newsingest.enrich.story_idf import LEDGER, StreamIdf
from newsingest.enrich.story_model import MergeModel, pair_features
from newsingest.enrich.story_quotes import quote_choice, shared_passages
from newsingest.enrich.terms import cosine
from newsingest.streaming.decoded_cache import DecodedCache
from newsingest.streaming.local_db import LocalDatabase

__all__ = ["StoryDecision", "StoryFeatures", "StoryIndex", "Thresholds", "entity_keys", "event_interval",
           "story_features"]  # fmt: skip

REF_CHARS = 16
SCHEDULE_CHUNK = 64  # refs per expiry-schedule list (rewritten per article: ~1.2 KB at most)
RECORD_CACHE = 2048  # decoded article records kept (~10 KB each), least recently used dropped first
CENTROID_CACHE = 1024  # decoded story centroids kept (~5 KB each, with their stored string)
SPILL_PREFIXES = ("d:", "s:")  # keys of the store with one value per article or story: bulky, read now and then
LEGACY_BUCKET_S = 3600.0  # expiry bucket of state written without "bs" (and the largest one)


@dataclass(frozen=True)
class StoryDecision:
    story_id: str
    duplicate_of: str | None
    label: str | None = None  # the story's readable label once the article is in it (the central headline)


@dataclass(frozen=True)
class Thresholds:
    """When two articles are near-duplicates (``StoryIndex._duplicate``) and when an article joins a story."""

    dup_exact_bits: int = 3
    dup_exact_cosine: float = 0.6
    dup_bits: int = 12
    dup_cosine: float = 0.85
    story: float = 0.36  # least score to join a story on its own (chosen on the development set: docs/stories.md)
    margin: float = 0.08  # least lead of the best story over the runner-up
    story_low: float = 0.24  # a score from here up to ``story`` joins when it is ``ratio`` times the runner-up's
    ratio: float = 2.0
    cross_text: float = 0.15  # below this content cosine with every candidate, the article is in another language:
    cross_entity: float = 0.6  # it joins the story whose rarity-weighted entities match this well
    cross_shared: int = 4  # and that names at least this many of its specific entities
    cross_margin: float = 0.2  # and whose entity cosine leads the runner-up's by this much
    quotes: int = 2  # else the one candidate story sharing this many quote passages (story_quotes.py; 0: off)
    time_decay: float = 0.3  # score lost at a gap of the whole window (linear in between)
    w_text: float = 0.6
    w_title: float = 0.2
    w_entity: float = 0.2
    model: MergeModel | None = None  # a learned merge decision (story_model.py): ``story`` is then a probability


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
        max_candidates: int = 24,
        thresholds: Thresholds | None = None,
    ) -> None:
        self.store = store
        self.window = window_hours * 3600.0
        self.max_per_key = max_per_key
        self.max_candidates = max_candidates
        self.thresholds = thresholds or Thresholds()
        self._scratch = LocalDatabase((*BLOCKS_SCHEMA, *LEDGER))  # the derived views' rows, off the heap
        self.blocks = BlockingIndex(max_per_key, db=self._scratch)
        self.idf = StreamIdf(tau_s=self.window, on_count=self._block, on_forget=self._unindex, db=self._scratch)
        self._swept = False  # b: values of an older release deleted from the store
        self.bucket_s = min(LEGACY_BUCKET_S, self.window / 24)  # expiry granularity: a 24th of the window at most
        self._lock = threading.Lock()
        self._decoded = DecodedCache(RECORD_CACHE)  # ref -> decoded record
        self._centroids = DecodedCache(CENTROID_CACHE)  # story key -> decoded centroid

    # --- public ---------------------------------------------------------------------------------------
    def assign(self, features: StoryFeatures) -> StoryDecision:
        with self._lock, self._scratch.transaction():
            known = self._get(f"d:{_ref(features.article_id)}")  # the store itself: the cache may hold expired ones
            if known is not None and known["id"] == features.article_id:  # redelivery
                return StoryDecision(known["story"], known.get("dup"), self.label(known["story"]) or features.title)
            if not self._swept:
                self._sweep()
            meta = self._get("m") or {"wm": features.seen, "seq": 0, "hours": [], "bs": self.bucket_s}
            meta["wm"] = max(meta["wm"], features.seen)
            self._expire(meta)
            lists = {hour: self._schedule_keys(meta, hour) for hour in meta["hours"]}
            self.idf.reconcile(lists, self.store.get, orjson.loads, self._record, meta["wm"])
            keys = blocking_keys(features)
            decision = self._decide(features, keys)
            label = self._insert(features, decision, meta, keys)
            self._put("m", meta)
            return StoryDecision(decision.story_id, decision.duplicate_of, label or None)

    def story(self, story_id: str) -> dict[str, Any] | None:
        """The story's centroid record (read-only), if the story is still in the window."""
        key = f"s:{_ref(story_id)}"
        raw = self.store.get(key)
        found = None if raw is None else self._centroids.decode(key, raw)  # decoded again only when changed
        return found if found is not None and found["id"] == story_id else None

    def label(self, story_id: str) -> str | None:
        """The story's readable label: the headline of its most central article (None once it has expired)."""
        return (self.story(story_id) or {}).get("lb")

    def __len__(self) -> int:
        """Articles currently held (iterates the store: for tests and diagnostics)."""
        return sum(1 for key in self.store if key.startswith("d:"))

    # --- decision -------------------------------------------------------------------------------------
    def _candidates(self, f: StoryFeatures, keys: list[str]) -> Iterator[dict[str, Any]]:
        """Records of the articles sharing blocking keys with ``f`` within the window, most hits first."""
        for ref in self.blocks.candidates(keys, f.start, f.end, self.window):  # decoded as needed: rarely all
            record = self._record(ref)
            if record is not None and record["id"] != f.article_id:
                yield record

    def _decide(self, f: StoryFeatures, keys: list[str]) -> StoryDecision:
        found = self._candidates(f, keys)
        first = list(islice(found, self.max_candidates))
        duplicate = self._duplicate(f, first)
        if duplicate is not None:
            return StoryDecision(duplicate["story"], duplicate["id"])
        candidates = chain(first, found)
        scores: dict[str, float] = {}
        names: dict[str, float] = {}  # entity cosine of the stories naming enough of the article's entities
        words_shared: set[str] = set()  # the stories whose words the article shares
        quoted: dict[str, list[int]] = {}  # the quote passages of each candidate story's articles
        mine = weigh_article(f, self.idf)
        for record in candidates:
            story_id = record["story"]
            if f.quotes and record.get("qp"):
                quoted.setdefault(story_id, []).extend(record["qp"])
            if story_id in scores:
                continue
            if len(scores) >= self.max_candidates:
                break
            scores[story_id], sim = self._story_score(f, mine, story_id)
            if sim is not None:
                names[story_id] = sim.entity if sim.shared_entities >= self.thresholds.cross_shared else 0.0
                if sim.text >= self.thresholds.cross_text:
                    words_shared.add(story_id)
        chosen = self._choose(scores, names, words_shared, shared_passages(f.quotes, quoted))
        return StoryDecision(chosen or f.article_id, None)

    def _choose(self, scores: dict[str, float], names: dict[str, float], words_shared: set[str],
                quoted: dict[str, int] | None = None) -> str | None:  # fmt: skip
        """The story to join: the best score if it clears the threshold (or, above ``story_low``, is ``ratio``
        times the runner-up's) and leads the runner-up by the margin; else the one story sharing ``quotes``
        quote passages with the article; else the story that names the article's specific entities best
        (``cross_entity``, ``cross_shared``, leading the runner-up by ``cross_margin``) when the article shares
        almost none of its words (another language)."""
        t = self.thresholds
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
        if ranked and ranked[0][1] >= min(t.story, t.story_low):
            best, runner_up = ranked[0][1], (ranked[1][1] if len(ranked) > 1 else 0.0)
            if best - runner_up >= t.margin and (best >= t.story or best >= t.ratio * runner_up):
                return ranked[0][0]
        if (by_quote := quote_choice(quoted or {}, t.quotes)) is not None:
            return by_quote
        by_names = sorted(names.items(), key=lambda kv: (-kv[1], kv[0]))
        if not by_names or by_names[0][0] in words_shared:
            return None
        runner_up = by_names[1][1] if len(by_names) > 1 else 0.0
        if by_names[0][1] >= t.cross_entity and by_names[0][1] - runner_up >= t.cross_margin:
            return by_names[0][0]
        return None

    def _story_score(self, f: StoryFeatures, mine: Weighted, story_id: str) -> tuple[float, Similarity | None]:
        centroid = self.story(story_id)
        if centroid is None:
            return 0.0, None
        gap = event_gap((f.start, f.end), (centroid["s"], centroid["e"]))
        if gap > self.window:
            return 0.0, None
        sim = similarity(mine, centroid, self.idf)
        if self.thresholds.model is not None:
            return self.thresholds.model.probability(
                pair_features(mine, centroid, self.idf, sim, gap / self.window)
            ), sim
        return self.score(sim) * (1.0 - self.thresholds.time_decay * gap / self.window), sim

    def score(self, s: Similarity) -> float:
        t = self.thresholds
        return t.w_text * s.text + t.w_title * s.title + t.w_entity * s.entity

    def _duplicate(self, f: StoryFeatures, records: list[dict[str, Any]]) -> dict[str, Any] | None:
        """The earliest candidate whose text is nearly the same as the article's."""
        t = self.thresholds
        found = []
        for record in records:
            distance = sh.distance(f.simhash, sh.from_hex(record["h"]))
            if distance > max(t.dup_bits, t.dup_exact_bits, 2):
                continue
            text = cosine(f.terms, record["t"])
            if min(f.tokens, record.get("k", 0)) < MIN_DUP_TOKENS:  # short texts: nearly exact copies only
                near = distance <= 2 and text >= 0.95
            else:
                near = (distance <= t.dup_exact_bits and text >= t.dup_exact_cosine) or (
                    distance <= t.dup_bits and text >= t.dup_cosine
                )
            if near:
                found.append(record)
        return min(found, key=lambda r: r["q"]) if found else None

    # --- state ----------------------------------------------------------------------------------------
    def _insert(self, f: StoryFeatures, decision: StoryDecision, meta: dict[str, Any], keys: list[str]) -> str:
        """Store the article, its story's centroid and its blocking entries; returns the story's label."""
        meta["seq"] += 1
        ref = _ref(f.article_id)
        self._put(f"d:{ref}", {
            "id": f.article_id, "s": f.start, "e": f.end, "n": f.seen, "q": meta["seq"],
            "story": decision.story_id, "dup": decision.duplicate_of, "h": f.simhash_hex, "k": f.tokens,
            "t": f.terms, "tt": f.title_terms, "x": f.entities, "g": sorted(f.generic), "bk": keys,
            **({"qp": list(f.quotes)} if f.quotes else {}),
        })  # fmt: skip
        key = f"s:{_ref(decision.story_id)}"
        centroid = self._get(key)  # a private copy to change (story() returns the shared decoded one)
        if centroid is None or centroid["id"] != decision.story_id:
            centroid = new_centroid(decision.story_id, ref, f)
            self._put(key, centroid)
        elif add_member(centroid, ref, f, self.window):
            self._relabel(centroid, ref, f)
            self._put(key, centroid)
        self.blocks.add(ref, keys, f.start, f.end, meta["seq"])
        hour = int(f.seen // meta.get("bs", LEGACY_BUCKET_S))  # "hours" are expiry buckets of meta["bs"] seconds
        chunks = meta.setdefault("xc", {})
        last = chunks.get(str(hour), 1) - 1
        bucket = self._get(_schedule_key(hour, last)) or []
        if len(bucket) >= SCHEDULE_CHUNK:
            last, bucket = last + 1, []
        if ref not in bucket:
            bucket.append(ref)
        self._put(_schedule_key(hour, last), bucket)
        chunks[str(hour)] = last + 1
        if hour not in meta["hours"]:
            meta["hours"] = sorted([*meta["hours"], hour])
        return str(centroid.get("lb") or f.title)

    def _relabel(self, centroid: dict[str, Any], ref: str, f: StoryFeatures) -> None:
        """After ``f`` joined: its headline becomes the label if it is now closer to the centroid than the
        current label's article (both compared with the updated centroid, as a join is scored); a real headline
        beats a derived one."""
        holder = self._record(centroid["lr"]) if centroid.get("lr") else None
        mine = self.score(similarity(weigh_article(f, self.idf), centroid, self.idf))
        theirs = None if holder is None else self.score(similarity(weigh_record(holder, self.idf), centroid, self.idf))
        relabel(centroid, ref, f.title, mine, theirs, f.title_derived)

    def _expire(self, meta: dict[str, Any]) -> None:
        """Drop every article first seen in a bucket that ended more than the window before the watermark."""
        horizon, size = meta["wm"] - self.window, meta.get("bs", LEGACY_BUCKET_S)
        live = []
        for hour in meta["hours"]:
            if (hour + 1) * size > horizon:
                live.append(hour)
                continue
            for key in self._schedule_keys(meta, hour):
                for ref in self._get(key) or []:
                    self._remove(ref, horizon, size)
                self._delete(key)
            meta.get("xc", {}).pop(str(hour), None)
        meta["hours"] = live

    def _remove(self, ref: str, horizon: float, size: float) -> None:
        self._unindex(ref)
        record = self._record(ref)
        if record is None:
            return
        centroid = self.story(record["story"])
        if centroid is not None and (int(centroid["l"] // size) + 1) * size <= horizon:  # its latest one too
            self._delete(f"s:{_ref(record['story'])}")
        self._delete(f"d:{ref}")

    def _unindex(self, ref: str) -> None:
        """A record leaves the derived views (expired here, or removed by another worker)."""
        self.blocks.remove(ref)
        self._decoded.drop(ref)

    def _block(self, ref: str, record: dict[str, Any]) -> None:
        """A record counted by the stream IDF (another worker's, or one recovered) joins the blocking index."""
        self.blocks.add(ref, record.get("bk", ()), record["s"], record["e"], record["q"])

    def _sweep(self) -> None:
        """Delete the ``b:`` values an older release kept in the store (the index is derived now)."""
        for key in [key for key in self.store if key.startswith("b:")]:
            self._delete(key)
        self._swept = True

    @staticmethod
    def _schedule_keys(meta: dict[str, Any], hour: int) -> list[str]:
        return [_schedule_key(hour, n) for n in range(meta.get("xc", {}).get(str(hour), 1))]

    def _record(self, ref: str) -> dict[str, Any] | None:
        """An article's record (read-only). Records are written once and never changed in place, so a decoded
        record is served from the cache (most recently used kept) until the record leaves the views
        (:meth:`_unindex`: expired here or forgotten after another worker removed it): most candidates are
        recent articles, and reading and decoding them again cost more than the rest of their comparison."""
        cached: dict[str, Any] | None = self._decoded.get(ref)
        if cached is not None:
            return cached
        value = self.store.get(f"d:{ref}")
        if value is None:
            return None
        record: dict[str, Any] = orjson.loads(value)
        self._decoded.put(ref, record)
        return record

    def _get(self, key: str) -> Any:
        value = self.store.get(key)
        return None if value is None else orjson.loads(value)

    def _put(self, key: str, value: Any) -> None:
        self.store[key] = orjson.dumps(value).decode()

    def _delete(self, key: str) -> None:
        self.store.pop(key, None)


def _schedule_key(hour: int, n: int) -> str:
    return f"x:{hour}" if n == 0 else f"x:{hour}:{n}"


def _ref(article_id: str) -> str:
    """Short key of an article or a story in the store (the first 64 bits of its SHA-256 id)."""
    return article_id[:REF_CHARS]

