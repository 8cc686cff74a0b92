"""64-bit SimHash over word shingles: near-identical texts get hashes a few bits apart.

Shingles are runs of ``SHINGLE`` consecutive lower-cased words, hashed with BLAKE2b (stable across processes,
unlike ``hash()``). A copy with a few words changed, a different agency suffix or other whitespace stays
within :data:`NEAR_DUPLICATE_BITS`; unrelated texts are ~32 bits apart.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence

import numpy as np

SHINGLE = 3
BITS = 64
NEAR_DUPLICATE_BITS = 4
BANDS = NEAR_DUPLICATE_BITS + 1  # pigeonhole: hashes within 4 bits agree exactly on at least one of 5 bands
_MASK = (1 << BITS) - 1


def shingles(tokens: Sequence[str], size: int = SHINGLE) -> Counter[str]:
    if len(tokens) < size:
        return Counter([" ".join(tokens)]) if tokens else Counter()
    starts = [tokens[i : len(tokens) - size + 1 + i] for i in range(size)]  # equal lengths: one per position
    return Counter(map(" ".join, zip(*starts, strict=True)))  # in C: some 300 shingles per article


def simhash(tokens: Sequence[str]) -> int:
    """SimHash of the word shingles of ``tokens`` (0 for no tokens).

    Each shingle's 64-bit digest is read big-endian (the first byte holds the highest bits); a bit of the
    result is set when more than half of the shingles' weight has it set. The tally is one matrix product
    over the unpacked digest bits.
    """
    counted = shingles(tokens)
    if not counted:
        return 0
    blake2b, size = hashlib.blake2b, BITS // 8
    digests = b"".join([blake2b(shingle.encode("utf-8"), digest_size=size).digest() for shingle in counted])
    bits = np.unpackbits(np.frombuffer(digests, dtype=np.uint8).reshape(len(counted), BITS // 8), axis=1)
    weights = np.fromiter(counted.values(), dtype=np.int64, count=len(counted))
    ones = weights @ bits  # per bit (most significant first): the weight of the shingles that have it set
    majority = (2 * ones > int(weights.sum())).astype(np.uint8)
    return int.from_bytes(np.packbits(majority).tobytes(), "big") & _MASK


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
