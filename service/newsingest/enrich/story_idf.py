"""Document frequencies of content terms and entity keys in the recent stream, decayed over time.

The frequencies are not stored separately: every article record in the shared story state (``d:<ref>``)
already holds its terms and entity keys, and the expiry lists (``x:<hour>``, ``x:<hour>:<n>``) say which
records are live. Each worker derives the same table from them (a materialised view), which makes it

- **shared**: records written by other workers count as soon as the replicated map has applied them;
- **idempotent**: an article counts once per ref, however often it is enriched or its records are re-read;
- **bounded by the window**: a record leaves the table when its hour leaves the state;
- **crash-safe**: after ``kill -9`` it is rebuilt from the recovered records; nothing extra is written;
- **off the heap** where it grows with the articles: the ledger of counted records (weight and keys, to
  forget them again) is a private temporary SQLite database (:mod:`~newsingest.streaming.local_db`); the
  frequencies themselves grow with the window's vocabulary only.

Decay: an article seen at ingest time ``t`` weighs ``exp(-(now - t) / tau)``. Weights are kept scaled by
``exp((t - t0) / tau)`` so adding and removing stay O(1) per key; ``t0`` is moved forward now and then.
IDF is the smoothed ``1 + c * ln((N + 1) / (df + 1))``, with ``c = N / (N + PRIOR_DOCS)``: in an empty or young
stream every key weighs about 1 (a handful of documents say little about which words are rare; with two
documents every shared word would look common and every other one rare).

Cost: the story step weighs every key of every candidate story's centroid, thousands per article. The per-key
part, ``ln(df + 1)`` of the decayed frequency, is memoised across articles: a key's entry is dropped when a record
holding it is counted or forgotten, and the whole memo when the decay factor moves, which it does in steps of
``tau / DECAY_STEPS`` of stream time (a weight is then off by at most 1/DECAY_STEPS of itself, the same for every
key). ``N`` and ``c`` change with every article and cost nothing per key.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence, Set
from typing import Any

import orjson

from newsingest.streaming.local_db import LocalDatabase

PRIOR_DOCS = 20.0  # the stream's IDF counts fully once it holds many more documents than this
REBASE_AT = 30.0  # rebase t0 when the scale exponent exceeds this (exp(30) ~ 1e13: far from overflow)
DECAY_STEPS = 4096  # the decay factor moves in steps of tau / DECAY_STEPS of stream time (see the docstring)


class StreamIdf:
    """Decayed document frequencies of the article records in a story store."""

    def __init__(
        self,
        tau_s: float,
        *,
        on_count: Callable[[str, dict[str, Any]], None] | None = None,
        on_forget: Callable[[str], None] | None = None,
        db: LocalDatabase | None = None,
    ) -> None:
        """``on_count(ref, record)`` and ``on_forget(ref)`` are told of every record counted and forgotten,
        so other views derived from the live records (the blocking index) follow the same ones. ``db``: a scratch
        database holding :data:`LEDGER` (a database of its own by default)."""
        self.tau = tau_s
        self._on_count, self._on_forget = on_count, on_forget
        self.t0: float | None = None
        self.now = 0.0
        self.total = 0.0  # scaled document count
        self.df: dict[str, float] = {}  # bounded by the vocabulary of the window, not by its articles
        # ref -> (scaled weight, keys) of every record counted: one row per article of the window, so on disk
        self._ledger = LocalDatabase(LEDGER) if db is None else db
        self._by_hour: dict[int, set[str]] = {}  # hour -> keys of its lists read so far
        self._seen_lists: dict[str, object] = {}  # list key -> the value last reconciled
        self._pending: dict[str, set[str]] = {}  # list key -> refs listed before their record arrived
        self._lists_read: dict[int, int] = {}  # hour -> how many lists it had when last reconciled
        self._memo: dict[str, float] = {}  # ln(df * scale + 1) by key: dropped when the key's df or the scale moves
        self._scale = 1.0
        self._offset = 1.0  # IDF = offset - confidence * memo[key], offset = 1 + confidence * ln(N + 1)
        self._confidence = 0.0

    def __len__(self) -> int:
        """Records counted."""
        row = self._ledger.one("SELECT count(*) FROM counted")
        return int(row[0]) if row else 0

    # --- reading --------------------------------------------------------------------------------------
    def idf(self, key: str) -> float:
        return self.weigh({key: 1.0})[key]

    def weigh(self, vector: Mapping[str, float], prefix: str = "") -> dict[str, float]:
        """``vector`` with every weight multiplied by the IDF of its key (``prefix`` + key).

        The memo is read inline (the story step's hottest loop); a key not in it is computed once by
        :meth:`_log_df`, the one place of the per-key formula."""
        memo_get, log_df, offset, c = self._memo.get, self._log_df, self._offset, self._confidence
        weighted = {}
        for k, w in vector.items():
            key = prefix + k if prefix else k
            found = memo_get(key)
            weighted[k] = w * (offset - c * (log_df(key) if found is None else found))
        return weighted

    def _log_df(self, key: str) -> float:
        """``ln(df * scale + 1)`` of ``key``, memoised until the key's frequency or the decay factor moves."""
        found = math.log(self.df.get(key, 0.0) * self._scale + 1.0)
        self._memo[key] = found
        return found

    def weighted_cosine(
        self,
        mine: Mapping[str, float],
        mine_norm: float,
        vector: Mapping[str, float],
        prefix: str = "",
        damped: Set[str] = frozenset(),
        factor: float = 1.0,
    ) -> float:
        """The cosine of ``mine`` (already weighted, Euclidean norm ``mine_norm``) and ``vector`` weighted by the
        IDF of ``prefix`` + key (keys in ``damped`` also by ``factor``), in one pass over ``vector`` without
        building the weighted copy: what :meth:`weigh` followed by a cosine gives, at about half its cost (every
        candidate story's centroid, for every article)."""
        if not mine or not vector or mine_norm <= 0.0:
            return 0.0
        memo_get, log_df, mine_get = self._memo.get, self._log_df, mine.get
        offset, c = self._offset, self._confidence
        dot = norm = 0.0
        for k, w in vector.items():
            key = prefix + k if prefix else k
            found = memo_get(key)
            x = w * (offset - c * (log_df(key) if found is None else found))
            if damped and k in damped:
                x *= factor
            norm += x * x
            m = mine_get(k)
            if m is not None:
                dot += m * x
        if dot <= 0.0:
            return 0.0
        return dot / (mine_norm * math.sqrt(norm))

    # --- keeping up with the store --------------------------------------------------------------------
    def reconcile(
        self,
        lists: Mapping[int, Sequence[str]],
        raw: Callable[[str], object | None],
        decode: Callable[[object], list[str]],
        record: Callable[[str], dict[str, Any] | None],
        now: float,
    ) -> None:
        """Count the records of every live hour not counted yet; forget those of hours no longer live.

        ``lists`` maps each live hour to the store keys of its lists of refs, in order (an hour's articles are
        appended to its last list; a full list is never appended to again). ``raw(key)`` returns the stored
        value, compared with the value last reconciled (an unchanged list is skipped without decoding it; a
        changed one is diffed against it), ``decode(value)`` the refs it holds and ``record(ref)`` the decoded
        article record. Lists of an hour before its last two that were read once are not read again, so a call
        costs the lists that changed, not the window."""
        self.now = max(self.now, now)
        for hour in [h for h in self._by_hour if h not in lists]:
            for key in self._by_hour.pop(hour):
                old = self._seen_lists.pop(key, None)
                for ref in () if old is None else decode(old):
                    self._forget(ref)
                self._pending.pop(key, None)
            self._lists_read.pop(hour, None)
        for hour, keys in lists.items():
            start = max(0, min(len(keys), self._lists_read.get(hour, 0)) - 2)
            self._lists_read[hour] = len(keys)
            hour_keys = self._by_hour.setdefault(hour, set())
            for key in keys[start:]:
                value = raw(key)
                old = self._seen_lists.get(key)
                if value is not None and old is not None and (old is value or old == value):
                    continue
                hour_keys.add(key)
                self._update_list(key, old, value, decode, record)
        scale = 1.0 if self.t0 is None else math.exp(-(self._stepped(self.now) - self.t0) / self.tau)
        if scale != self._scale:
            self._memo.clear()
            self._scale = scale
        self._confidence = self.total * scale / (self.total * scale + PRIOR_DOCS)
        self._offset = 1.0 + self._confidence * math.log(self.total * scale + 1.0)

    def _stepped(self, now: float) -> float:
        """``now`` rounded down to the decay's step (``tau / DECAY_STEPS``), not before ``t0``."""
        step = self.tau / DECAY_STEPS
        return max(self.t0 or 0.0, math.floor(now / step) * step) if step > 0 else now

    def _update_list(
        self,
        key: str,
        old: object | None,
        value: object | None,
        decode: Callable[[object], list[str]],
        record: Callable[[str], dict[str, Any] | None],
    ) -> None:
        """Count the refs a list gained (and those whose record had not arrived yet); forget those it lost."""
        refs = [] if value is None else decode(value)
        before = [] if old is None else decode(old)
        if value is None:
            self._seen_lists.pop(key, None)
        else:
            self._seen_lists[key] = value
        listed = set(refs)
        for ref in before:
            if ref not in listed:  # removed by another worker
                self._forget(ref)
        waiting = self._pending.pop(key, set())
        known = set(before) - waiting
        for ref in refs:
            if ref in known:
                continue
            found = record(ref)
            if found is None:
                waiting.add(ref)
            else:
                self._count(ref, found)
        if waiting & listed:
            self._pending[key] = waiting & listed

    def _count(self, ref: str, record: dict[str, Any]) -> None:
        seen = float(record["n"])
        if self.t0 is None:
            self.t0 = seen
        if (self.now - self.t0) / self.tau > REBASE_AT:
            self._rebase(self.now)
        assert self.t0 is not None
        weight = math.exp((seen - self.t0) / self.tau)
        keys = (*record["t"], *(f"e:{k}" for k in record["x"]))
        if not self._ledger.run("INSERT OR IGNORE INTO counted (ref, weight, keys) VALUES (?, ?, ?)",
                                (ref, weight, orjson.dumps(keys))):
            return  # counted already (listed twice)
        memo = self._memo
        for key in keys:
            self.df[key] = self.df.get(key, 0.0) + weight
            memo.pop(key, None)
        self.total += weight
        if self._on_count is not None:
            self._on_count(ref, record)

    def _forget(self, ref: str) -> None:
        found = self._ledger.one("SELECT weight, keys FROM counted WHERE ref = ?", (ref,))
        if found is None:
            return
        self._ledger.run("DELETE FROM counted WHERE ref = ?", (ref,))
        if self._on_forget is not None:
            self._on_forget(ref)
        weight, keys = found[0], orjson.loads(found[1])
        for key in keys:
            self._memo.pop(key, None)
            left = self.df.get(key, 0.0) - weight
            if left <= weight * 1e-9:
                self.df.pop(key, None)
            else:
                self.df[key] = left
        self.total = max(0.0, self.total - weight)

    def _rebase(self, t0: float) -> None:
        assert self.t0 is not None
        factor = math.exp(-(t0 - self.t0) / self.tau)
        self.df = {k: v * factor for k, v in self.df.items() if v * factor > 1e-12}
        self._ledger.run("UPDATE counted SET weight = weight * ?", (factor,))
        self.total *= factor
        self.t0 = t0
        self._memo.clear()
        self._scale = math.nan  # recomputed by the next reconcile


LEDGER = ("CREATE TABLE counted (ref TEXT PRIMARY KEY, weight REAL NOT NULL, keys BLOB NOT NULL) WITHOUT ROWID",)
