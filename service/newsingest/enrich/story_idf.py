"""Document frequencies of content terms and entity keys in the recent stream, decayed over time.

The frequencies are not stored separately: every article record in the shared story state (``d:<ref>``)
already holds its terms and entity keys, and the expiry lists (``x:<hour>``, ``x:<hour>:<n>``) say which
records are live. Each worker derives the same table from them (a materialised view), which makes it

- **shared**: records written by other workers count as soon as the replicated map has applied them;
- **idempotent**: an article counts once per ref, however often it is enriched or its records are re-read;
- **bounded by the window**: a record leaves the table when its hour leaves the state;
- **crash-safe**: after ``kill -9`` it is rebuilt from the recovered records; nothing extra is written.

Decay: an article seen at ingest time ``t`` weighs ``exp(-(now - t) / tau)``. Weights are kept scaled by
``exp((t - t0) / tau)`` so adding and removing stay O(1) per key; ``t0`` is moved forward now and then.
IDF is the smoothed ``1 + c * ln((N + 1) / (df + 1))``, with ``c = N / (N + PRIOR_DOCS)``: in an empty or young
stream every key weighs about 1 (a handful of documents say little about which words are rare; with two
documents every shared word would look common and every other one rare).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

PRIOR_DOCS = 20.0  # the stream's IDF counts fully once it holds many more documents than this
REBASE_AT = 30.0  # rebase t0 when the scale exponent exceeds this (exp(30) ~ 1e13: far from overflow)


class StreamIdf:
    """Decayed document frequencies of the article records in a story store."""

    def __init__(
        self,
        tau_s: float,
        *,
        on_count: Callable[[str, dict[str, Any]], None] | None = None,
        on_forget: Callable[[str], None] | None = None,
    ) -> None:
        """``on_count(ref, record)`` and ``on_forget(ref)`` are told of every record counted and forgotten,
        so other views derived from the live records (the blocking index) follow the same ones."""
        self.tau = tau_s
        self._on_count, self._on_forget = on_count, on_forget
        self.t0: float | None = None
        self.now = 0.0
        self.total = 0.0  # scaled document count
        self.df: dict[str, float] = {}
        self._counted: dict[str, tuple[float, tuple[str, ...]]] = {}  # ref -> (scaled weight, keys)
        self._by_hour: dict[int, set[str]] = {}  # hour -> keys of its lists read so far
        self._by_list: dict[str, set[str]] = {}  # list key -> refs counted from it
        self._seen_lists: dict[str, object] = {}  # list key -> identity of the last value reconciled
        self._lists_read: dict[int, int] = {}  # hour -> how many lists it had when last reconciled
        self._memo: dict[str, float] = {}  # IDF by key, valid until the next reconcile
        self._scale = 1.0
        self._log_total = 0.0
        self._confidence = 0.0

    def __len__(self) -> int:
        return len(self._counted)

    # --- reading --------------------------------------------------------------------------------------
    def idf(self, key: str) -> float:
        return self.weigh({key: 1.0})[key]

    def weigh(self, vector: Mapping[str, float], prefix: str = "") -> dict[str, float]:
        """``vector`` with every weight multiplied by the IDF of its key (``prefix`` + key).

        The one place of the IDF formula (:meth:`idf` asks it for one key), inline in the story step's hottest
        loop: every candidate story's centroid is weighed for every article."""
        memo, df_get, log = self._memo, self.df.get, math.log
        confidence, log_total, scale = self._confidence, self._log_total, self._scale
        weighted = {}
        for k, w in vector.items():
            key = prefix + k if prefix else k
            found = memo.get(key)
            if found is None:
                found = 1.0 + confidence * (log_total - log(df_get(key, 0.0) * scale + 1.0))
                memo[key] = found
            weighted[k] = w * found
        return weighted

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
        value, compared by identity (an unchanged list is skipped without decoding it), ``decode(value)`` the
        refs it holds and ``record(ref)`` the decoded article record. Lists of an hour before its last two that
        were read once are not read again, so a call costs the lists that changed, not the window."""
        self.now = max(self.now, now)
        for hour in [h for h in self._by_hour if h not in lists]:
            for key in self._by_hour.pop(hour):
                for ref in self._by_list.pop(key, ()):
                    self._forget(ref)
                self._seen_lists.pop(key, None)
            self._lists_read.pop(hour, None)
        for hour, keys in lists.items():
            start = max(0, min(len(keys), self._lists_read.get(hour, 0)) - 2)
            self._lists_read[hour] = len(keys)
            hour_keys = self._by_hour.setdefault(hour, set())
            for key in keys[start:]:
                value = raw(key)
                if value is not None and self._seen_lists.get(key) is value:
                    continue
                self._seen_lists[key] = value
                hour_keys.add(key)
                refs = [] if value is None else decode(value)
                counted = self._by_list.setdefault(key, set())
                for ref in counted - set(refs):  # removed by another worker
                    self._forget(ref)
                    counted.discard(ref)
                for ref in refs:
                    if ref in self._counted:
                        continue
                    found = record(ref)
                    if found is not None:
                        self._count(ref, found)
                        counted.add(ref)
        self._memo.clear()
        self._scale = 1.0 if self.t0 is None else math.exp(-(self.now - self.t0) / self.tau)
        self._log_total = math.log(self.total * self._scale + 1.0)
        self._confidence = self.total * self._scale / (self.total * self._scale + PRIOR_DOCS)

    def _count(self, ref: str, record: dict[str, Any]) -> None:
        seen = float(record["n"])
        if self.t0 is None:
            self.t0 = seen
        if (self.now - self.t0) / self.tau > REBASE_AT:
            self._rebase(self.now)
        assert self.t0 is not None
        weight = math.exp((seen - self.t0) / self.tau)
        keys = (*record["t"], *(f"e:{k}" for k in record["x"]))
        for key in keys:
            self.df[key] = self.df.get(key, 0.0) + weight
        self.total += weight
        self._counted[ref] = (weight, keys)
        if self._on_count is not None:
            self._on_count(ref, record)

    def _forget(self, ref: str) -> None:
        found = self._counted.pop(ref, None)
        if found is None:
            return
        if self._on_forget is not None:
            self._on_forget(ref)
        weight, keys = found
        for key in keys:
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
        self._counted = {r: (w * factor, keys) for r, (w, keys) in self._counted.items()}
        self.total *= factor
        self.t0 = t0
