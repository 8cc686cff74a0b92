"""Decoded JSON values kept in memory (streaming/decoded_cache.py): decoded again when the stored string changes,
least recently used dropped first."""

from __future__ import annotations

import orjson
import pytest

from newsingest.streaming.decoded_cache import DecodedCache


def test_a_changed_value_is_decoded_again_an_unchanged_one_is_not() -> None:
    cache = DecodedCache(4)
    raw = orjson.dumps({"n": 1}).decode()
    first = cache.decode("s:a", raw)
    assert cache.decode("s:a", raw) is first
    assert cache.decode("s:a", "".join([raw])) is first  # an equal string read again from disk
    changed = orjson.dumps({"n": 2}).decode()
    assert cache.decode("s:a", changed) == {"n": 2}


def test_values_put_without_their_string_are_served_until_dropped() -> None:
    cache = DecodedCache(2)
    cache.put("a", {"x": 1})
    assert cache.get("a") == {"x": 1}
    assert cache.decode("a", '{"x": 5}') == {"x": 5}  # no string to compare with: decoded
    cache.drop("a")
    assert cache.get("a") is None
    assert "a" not in cache


def test_the_least_recently_used_value_leaves_first() -> None:
    cache = DecodedCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "b" is now the least recently used
    cache.put("c", 3)
    assert "b" not in cache
    assert cache.get("a") == 1
    assert cache.get("c") == 3
    assert len(cache) == 2
    with pytest.raises(ValueError, match="size"):
        DecodedCache(0)
