"""Decoded JSON values of a string store, kept in memory so hot values are not read and decoded again.

The story step compares every article with some twenty candidate stories and their recent articles; reading
each from the store's disk copy and decoding its JSON again costs more than the comparison itself. Two kinds
of values are cached here, least recently used dropped first:

- values that never change once written (article records): :meth:`DecodedCache.get` serves them without
  touching the store until :meth:`DecodedCache.drop` says they left it;
- values that change (story centroids, also written by other workers through the replicated map):
  :meth:`DecodedCache.decode` is handed the stored string and decodes it only when it differs from the one
  last decoded, so a stale value is never served.

Decoded values are shared: callers treat them as read-only (decode a private copy to change one).
"""

from __future__ import annotations

from typing import Any

import orjson


class DecodedCache:
    """At most ``size`` decoded values by key, least recently used dropped first."""

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("size: at least 1")
        self.size = size
        self._items: dict[str, tuple[str | None, Any]] = {}  # key -> (stored string or None, decoded)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def get(self, key: str) -> Any:
        """The cached value of ``key`` (None when not cached), now the most recently used."""
        found = self._items.pop(key, None)
        if found is None:
            return None
        self._items[key] = found
        return found[1]

    def put(self, key: str, value: Any, raw: str | None = None) -> None:
        """Cache ``value`` (decoded from ``raw``, when given, for :meth:`decode` to compare)."""
        self._items.pop(key, None)
        if len(self._items) >= self.size:
            del self._items[next(iter(self._items))]
        self._items[key] = (raw, value)

    def decode(self, key: str, raw: str) -> Any:
        """``raw`` decoded: the cached value when ``raw`` is the string it was decoded from."""
        found = self._items.pop(key, None)
        if found is not None and found[0] is not None and (found[0] is raw or found[0] == raw):
            self._items[key] = found
            return found[1]
        value = orjson.loads(raw)
        self.put(key, value, raw)
        return value

    def drop(self, key: str) -> None:
        self._items.pop(key, None)
