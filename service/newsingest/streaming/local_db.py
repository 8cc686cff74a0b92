"""A process's private scratch database: SQLite on a temporary file, for state too large to keep on the heap.

The story state grows with every article of its window (72 hours by default: hundreds of thousands of article
records, centroids and index entries). Kept in Python objects, a worker's memory grew by about 11 KB per
article without bound within the window (docs/benchmarks.md). The large parts now live here instead:

- ``sqlite3.connect("")`` opens a *private temporary database*: SQLite creates its file in the temporary
  directory (``SQLITE_TMPDIR``, else ``TMPDIR``, else ``/var/tmp`` or ``/tmp``), already unlinked, and it is gone
  when the connection closes or the process dies (``kill -9`` included): nothing to clean up, nothing stale
  to recover from. The durable copy of the state is always the compacted topic it is rebuilt from;
- the page cache is bounded (``cache_mb``): beyond it pages go to the file and the operating system's page
  cache, which is not the process's memory;
- no journal and no syncs: a crash loses the file anyway, so durability would buy nothing.

Every statement holds :attr:`LocalDatabase.lock`: the metrics endpoint reads sizes from its own thread.
Standard library only (``sqlite3``); no server, no extra dependency.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

DEFAULT_CACHE_MB = 16


class LocalDatabase:
    """One private temporary SQLite database; see the module docstring."""

    def __init__(self, schema: Sequence[str], *, cache_mb: int = DEFAULT_CACHE_MB, commit_every: int = 256) -> None:
        self.lock = threading.Lock()
        self.connection = sqlite3.connect("", isolation_level=None, check_same_thread=False)
        for pragma in (f"cache_size = -{max(1, cache_mb) * 1024}", "journal_mode = OFF", "synchronous = OFF",
                       "temp_store = FILE"):
            self.connection.execute(f"PRAGMA {pragma}")
        for statement in schema:
            self.connection.execute(statement)
        self.commit_every = commit_every
        self._units = 0
        self.connection.execute("BEGIN")  # always in a transaction: see transaction()

    def one(self, sql: str, parameters: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        with self.lock:
            row: tuple[Any, ...] | None = self.connection.execute(sql, parameters).fetchone()
            return row

    def all(self, sql: str, parameters: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self.lock:
            return self.connection.execute(sql, parameters).fetchall()

    def run(self, sql: str, parameters: Sequence[Any] = ()) -> int:
        """Execute a statement; returns the number of rows it changed."""
        with self.lock:
            return self.connection.execute(sql, parameters).rowcount

    def run_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        with self.lock:
            self.connection.executemany(sql, rows)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """One unit of work. Units are grouped into transactions of ``commit_every`` (a commit writes the dirty
        pages out: once per unit, that cost more than the unit itself); nothing is durable anyway. There is no
        rollback (no journal): an error leaves what was written, as it would in memory."""
        try:
            yield
        finally:
            self._units += 1
            if self._units >= self.commit_every:
                self._units = 0
                with self.lock:
                    self.connection.execute("COMMIT")
                    self.connection.execute("BEGIN")

    def close(self) -> None:
        with self.lock:
            self.connection.close()
