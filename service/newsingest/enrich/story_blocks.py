"""Blocking for story grouping: which earlier articles are worth comparing with a new one.

An article's blocking keys are its 16-bit SimHash bands (``h:<band>:<bits>``, texts long enough to be
near-duplicates only), its strongest specific entity keys (``e:p:putin``, ``e:g:524901``...) and its top
content terms (``t:waffen``). :class:`BlockingIndex` keeps, per key, the most recent ``max_per_key`` articles
having it; a lookup reads a few dozen short lists (one SQL query, which also drops the articles outside the
window and ranks the rest by keys shared), and the stories of the articles found are the candidates. Its rows
are in the process's private scratch database (:mod:`~newsingest.streaming.local_db`), not on the heap.

The index is derived, never written to the state: every article record (``d:<ref>``) holds its blocking keys
(``bk``), its event interval and its sequence number, so each worker builds the same index from the live
records it counts (:class:`~newsingest.enrich.story_idf.StreamIdf` calls :meth:`BlockingIndex.add` for every
record it counts and :meth:`BlockingIndex.remove` for every record it forgets), including after a restart.
Before, the lists were values of the story state (``b:<key>``): some two dozen rewritten per article and sent to
Kafka, which cost more than the article's own record.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from newsingest.enrich import simhash as sh
from newsingest.streaming.local_db import LocalDatabase

if TYPE_CHECKING:
    from newsingest.enrich.story_features import StoryFeatures

BLOCKING_TERMS = 8
BLOCKING_ENTITIES = 12
EXACT_BANDS = 4  # 16-bit bands: hashes within 3 bits share one
MIN_DUP_TOKENS = 20

Entry = tuple[str, float | None, float, int]
"""(ref, event start, event end, sequence number) of one article in a blocking list."""


def blocking_keys(f: StoryFeatures) -> list[str]:
    """The article's blocking keys."""
    keys = [f"h:{band}" for band in sh.bands(f.simhash, EXACT_BANDS)] if f.tokens >= MIN_DUP_TOKENS else []
    specific = sorted((k for k in f.entities if k not in f.generic), key=lambda k: (-f.entities[k], k))
    keys += [f"e:{key}" for key in specific[:BLOCKING_ENTITIES]]
    keys += [f"t:{term}" for term in list(f.terms)[:BLOCKING_TERMS]]
    return keys


class BlockingIndex:
    """Blocking key -> the most recent ``max_per_key`` entries having it, in sequence order.

    Kept in a private temporary SQLite database (:mod:`~newsingest.streaming.local_db`): it holds some two
    dozen entries for every article of the window, which on the heap grew the worker's memory with the window."""

    def __init__(self, max_per_key: int, *, db: LocalDatabase | None = None) -> None:
        """``db``: a scratch database holding :data:`SCHEMA` (shared with the stream IDF, so that one transaction
        covers an article); a database of its own by default."""
        self.max_per_key = max_per_key
        self._db = LocalDatabase(SCHEMA) if db is None else db

    def __len__(self) -> int:
        """Articles in the index."""
        row = self._db.one("SELECT count(*) FROM refs")
        return int(row[0]) if row else 0

    def __contains__(self, ref: object) -> bool:
        return isinstance(ref, str) and self._db.one("SELECT 1 FROM refs WHERE ref = ?", (ref,)) is not None

    def get(self, key: str) -> Sequence[Entry]:
        return self.find([key]).get(key, [])

    def find(self, keys: Sequence[str]) -> dict[str, list[Entry]]:
        """The list of every key that has one, each in sequence order (for tests and diagnostics)."""
        keys = list(dict.fromkeys(keys))
        rows = self._db.all(f"SELECT key, ref, start, end_, seq FROM blocks WHERE key IN ({_marks(len(keys))})"
                            " ORDER BY key, seq", keys) if keys else []
        found: dict[str, list[Entry]] = {}
        for key, ref, start, end, seq in rows:
            found.setdefault(key, []).append((ref, start, end, seq))
        return found

    def candidates(self, keys: Sequence[str], start: float | None, end: float, window_s: float) -> list[str]:
        """The articles listed under any of ``keys`` whose event interval is at most ``window_s`` from
        ``(start, end)`` (``story_features.event_gap``, written in SQL), the most keys shared first, then the most
        recent: one query, and only the candidates reach Python."""
        keys = list(dict.fromkeys(keys))
        if not keys:
            return []
        rows = self._db.all(_CANDIDATES.format(keys=",".join(f"?{n}" for n in range(4, 4 + len(keys)))),
                            [start, end, window_s, *keys])
        hits: dict[str, int] = {}
        latest: dict[str, int] = {}
        for ref, seq in rows:
            hits[ref] = hits.get(ref, 0) + 1
            latest[ref] = seq
        return sorted(hits, key=lambda r: (-hits[r], -latest[r]))

    def lists(self) -> dict[str, list[str]]:
        """Every list as its refs in order (for tests and diagnostics)."""
        keys = [str(row[0]) for row in self._db.all("SELECT DISTINCT key FROM blocks")]
        return {key: [entry[0] for entry in entries] for key, entries in self.find(keys).items()}

    def add(self, ref: str, keys: Iterable[str], start: float | None, end: float, seq: int) -> None:
        """Add an article under its keys (again: nothing changes, so a record counted twice is harmless); a
        list then longer than ``max_per_key`` loses its oldest entries (by sequence number)."""
        if not self._db.run("INSERT OR IGNORE INTO refs (ref) VALUES (?)", (ref,)):
            return
        keys = list(dict.fromkeys(keys))
        self._db.run_many("INSERT OR IGNORE INTO blocks (key, seq, ref, start, end_) VALUES (?, ?, ?, ?, ?)",
                          [(key, seq, ref, start, end) for key in keys])
        self._db.run_many("DELETE FROM blocks WHERE key = ?1 AND seq < (SELECT seq FROM blocks WHERE key = ?1"
                          " ORDER BY seq DESC LIMIT 1 OFFSET ?2)", [(key, self.max_per_key - 1) for key in keys])

    def remove(self, ref: str) -> None:
        """Take an article out of every list (unknown refs are ignored)."""
        if self._db.run("DELETE FROM refs WHERE ref = ?", (ref,)):
            self._db.run("DELETE FROM blocks WHERE ref = ?", (ref,))



SCHEMA = (
    "CREATE TABLE refs (ref TEXT PRIMARY KEY) WITHOUT ROWID",
    "CREATE TABLE blocks (key TEXT NOT NULL, seq INTEGER NOT NULL, ref TEXT NOT NULL, start REAL, end_ REAL NOT NULL,"
    " PRIMARY KEY (key, seq, ref)) WITHOUT ROWID",
    "CREATE INDEX blocks_by_ref ON blocks (ref)",
)


# ?1, ?2: the article's event start (NULL: undated) and end; ?3: the window; the keys from ?4 on
_CANDIDATES = """
SELECT ref, seq FROM blocks
WHERE key IN ({keys}) AND (CASE WHEN ?1 IS NULL AND start IS NULL THEN abs(?2 - end_)
                           ELSE max(0.0, coalesce(?1 - end_, 0.0), coalesce(start - ?2, 0.0)) END) <= ?3
"""


def _marks(n: int) -> str:
    return ",".join("?" * n)
