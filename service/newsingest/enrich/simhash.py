"""64-bit SimHash over word shingles: near-identical texts get hashes a few bits apart.

Shingles are runs of ``SHINGLE`` consecutive lower-cased words, hashed with BLAKE2b (stable across processes,
unlike ``hash()``). A copy with a few words changed, a different agency suffix or other whitespace stays
within :data:`NEAR_DUPLICATE_BITS`; unrelated texts are ~32 bits apart.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence

SHINGLE = 3
BITS = 64
NEAR_DUPLICATE_BITS = 4
BANDS = NEAR_DUPLICATE_BITS + 1  # pigeonhole: hashes within 4 bits agree exactly on at least one of 5 bands
_MASK = (1 << BITS) - 1


def shingles(tokens: Sequence[str], size: int = SHINGLE) -> Counter[str]:
    if len(tokens) < size:
        return Counter([" ".join(tokens)]) if tokens else Counter()
    return Counter(" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1))


def simhash(tokens: Sequence[str]) -> int:
    """SimHash of the word shingles of ``tokens`` (0 for no tokens).

    Bits are tallied per byte value (8 counter updates per shingle instead of 64 bit tests).
    """
    per_byte: list[Counter[int]] = [Counter() for _ in range(BITS // 8)]
    total = 0
    for shingle, weight in shingles(tokens).items():
        digest = hashlib.blake2b(shingle.encode("utf-8"), digest_size=BITS // 8).digest()
        for position, byte in enumerate(digest):
            per_byte[position][byte] += weight
        total += weight
    value = 0
    for position, counts in enumerate(per_byte):
        shift = BITS - 8 * (position + 1)  # big-endian: the first byte holds the highest bits
        for bit in range(8):
            ones = sum(count for byte, count in counts.items() if (byte >> bit) & 1)
            if 2 * ones > total:
                value |= 1 << (shift + bit)
    return value & _MASK


def to_hex(value: int) -> str:
    return f"{value:016x}"


def from_hex(value: str) -> int:
    return int(value, 16)


def distance(a: int, b: int) -> int:
    return (a ^ b).bit_count()


def bands(value: int, count: int = BANDS) -> list[str]:
    """``count`` disjoint bit ranges of the hash as ``"<band>:<hex>"`` keys (for lookup by exact band match)."""
    width, extra = divmod(BITS, count)
    keys, offset = [], 0
    for band in range(count):
        size = width + (1 if band < extra else 0)
        keys.append(f"{band}:{(value >> offset) & ((1 << size) - 1):x}")
        offset += size
    return keys
