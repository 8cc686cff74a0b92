"""A string map that keeps its bulky keys on disk: the local copy of a large replicated map.

:class:`~newsingest.streaming.replicated_map.ReplicatedMap` holds a local copy of its topic. For the story
state that copy is mostly per-article values (records and centroids of some 5 KB each) that are written once
and read now and then; the rest (the watermark, the expiry lists) is small and read for every article. A
``SpillingMap`` keeps the keys that start with one of ``spill_prefixes`` in a private temporary SQLite database
(:mod:`~newsingest.streaming.local_db`) and every other key in a dict, so the process's memory does not grow
with the articles in the window while the hot keys stay as fast as before.

The spilled values read or written last (``recent`` of them, a few MB) are also kept in memory: the story step
reads the same twenty-odd centroids for article after article. Every write and delete goes through the map, so
that copy is never stale; a value read twice is the same ``str`` object, which lets a caller that caches what
it decoded from a value compare by identity.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping, Sequence

from newsingest.streaming.local_db import DEFAULT_CACHE_MB, LocalDatabase

DEFAULT_RECENT = 512

_SCHEMA = ("CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID",)


class SpillingMap(MutableMapping[str, str]):
    """``MutableMapping[str, str]``: keys starting with one of ``spill_prefixes`` on disk, the others in memory."""

    def __init__(self, spill_prefixes: Sequence[str], *, cache_mb: int = DEFAULT_CACHE_MB,
                 recent: int = DEFAULT_RECENT) -> None:  # fmt: skip
        if not spill_prefixes:
            raise ValueError("spill_prefixes: at least one prefix (else use a dict)")
        self.spill_prefixes = tuple(spill_prefixes)
        self._memory: dict[str, str] = {}
        self._recent: dict[str, str] = {}  # spilled values read or written last, oldest first
        self._recent_max = max(0, recent)
        self._disk = LocalDatabase(_SCHEMA, cache_mb=cache_mb)

    def _spills(self, key: str) -> bool:
        return key.startswith(self.spill_prefixes)

    def __getitem__(self, key: str) -> str:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def get(self, key: str, default: str | None = None) -> str | None:  # type: ignore[override]
        if not self._spills(key):
            return self._memory.get(key, default)
        found = self._recent.get(key)
        if found is not None:
            return found
        row = self._disk.one("SELECT v FROM kv WHERE k = ?", (key,))
        if row is None:
            return default
        value = str(row[0])
        self._remember(key, value)
        return value

    def _remember(self, key: str, value: str) -> None:
        if self._recent_max:
            self._recent.pop(key, None)
            if len(self._recent) >= self._recent_max:
                del self._recent[next(iter(self._recent))]
            self._recent[key] = value

    def __setitem__(self, key: str, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError(f"values are str, not {type(value).__name__}")
        if self._spills(key):
            self._disk.run("INSERT OR REPLACE INTO kv (k, v) VALUES (?, ?)", (key, value))
            self._remember(key, value)
        else:
            self._memory[key] = value

    def __delitem__(self, key: str) -> None:
        if not self._spills(key):
            del self._memory[key]
            return
        self._recent.pop(key, None)
        if not self._disk.run("DELETE FROM kv WHERE k = ?", (key,)):
            raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        if not self._spills(key):
            return key in self._memory
        return self._disk.one("SELECT 1 FROM kv WHERE k = ?", (key,)) is not None

    def __iter__(self) -> Iterator[str]:
        """A snapshot of the keys (the map may change while the caller iterates)."""
        spilled = [str(row[0]) for row in self._disk.all("SELECT k FROM kv")]
        return iter([*self._memory, *spilled])

    def __len__(self) -> int:
        row = self._disk.one("SELECT count(*) FROM kv")
        return len(self._memory) + (int(row[0]) if row else 0)
