"""Blocking for story grouping: which earlier articles are worth comparing with a new one.

An article's blocking keys are its 16-bit SimHash bands (``h:<band>:<bits>``, texts long enough to be
near-duplicates only), its strongest specific entity keys (``e:p:putin``, ``e:g:524901``...) and its top
content terms (``t:waffen``). :class:`BlockingIndex` keeps, per key, the most recent ``max_per_key`` articles
having it; a lookup reads a few dozen short lists, and the stories of the articles found are the candidates.

The index is derived, never stored: every article record (``d:<ref>``) holds its blocking keys (``bk``), its
event interval and its sequence number, so each worker builds the same index from the live records it counts
(:class:`~newsingest.enrich.story_idf.StreamIdf` calls :meth:`BlockingIndex.add` for every record it counts
and :meth:`BlockingIndex.remove` for every record it forgets), including after a restart. Before, the lists
were values of the story state (``b:<key>``): some two dozen rewritten per article and sent to Kafka, which cost
more than the article's own record.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from newsingest.enrich import simhash as sh

if TYPE_CHECKING:
    from newsingest.enrich.story_features import StoryFeatures

BLOCKING_TERMS = 8
BLOCKING_ENTITIES = 12
EXACT_BANDS = 4  # 16-bit bands: hashes within 3 bits share one
MIN_DUP_TOKENS = 20

Entry = tuple[str, float | None, float, int]
"""(ref, event start, event end, sequence number) of one article in a blocking list."""


def blocking_keys(f: StoryFeatures) -> list[str]:
    """The article's blocking keys (the index interns those it keeps)."""
    keys = [f"h:{band}" for band in sh.bands(f.simhash, EXACT_BANDS)] if f.tokens >= MIN_DUP_TOKENS else []
    specific = sorted((k for k in f.entities if k not in f.generic), key=lambda k: (-f.entities[k], k))
    keys += [f"e:{key}" for key in specific[:BLOCKING_ENTITIES]]
    keys += [f"t:{term}" for term in list(f.terms)[:BLOCKING_TERMS]]
    return keys


class BlockingIndex:
    """Blocking key -> the most recent ``max_per_key`` entries having it, in sequence order."""

    def __init__(self, max_per_key: int) -> None:
        self.max_per_key = max_per_key
        self._lists: dict[str, list[Entry]] = {}
        self._keys: dict[str, tuple[str, ...]] = {}  # ref -> its blocking keys (to remove it again)

    def __len__(self) -> int:
        """Articles in the index."""
        return len(self._keys)

    def __contains__(self, ref: object) -> bool:
        return ref in self._keys

    def get(self, key: str) -> Sequence[Entry]:
        return self._lists.get(key, ())

    def lists(self) -> dict[str, list[str]]:
        """Every list as its refs in order (for tests and diagnostics)."""
        return {key: [entry[0] for entry in entries] for key, entries in self._lists.items()}

    def add(self, ref: str, keys: Iterable[str], start: float | None, end: float, seq: int) -> None:
        """Add an article under its keys (again: nothing changes, so a record counted twice is harmless)."""
        if ref in self._keys:
            return
        keys = tuple(sys.intern(key) for key in keys)  # every list and every article holding a key share one string
        self._keys[ref] = keys
        entry = (ref, start, end, seq)
        for key in keys:
            entries = self._lists.get(key)
            if entries is None:
                self._lists[key] = [entry]
                continue
            entries.append(entry)
            if entries[-2][3] > seq:  # rebuilt from records read out of order (another worker's, a recovery)
                entries.sort(key=_seq)
            if len(entries) > self.max_per_key:
                del entries[0]

    def remove(self, ref: str) -> None:
        """Take an article out of every list (unknown refs are ignored)."""
        for key in self._keys.pop(ref, ()):
            entries = self._lists.get(key)
            if entries is None:
                continue
            kept = [e for e in entries if e[0] != ref]
            if not kept:
                del self._lists[key]
            elif len(kept) != len(entries):
                self._lists[key] = kept


def _seq(entry: Entry) -> int:
    return entry[3]
