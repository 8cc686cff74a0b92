"""Packing texts into one NER request and the mentions back into their texts (enrich/ner/request_packing.py)."""

from __future__ import annotations

import asyncio

import pytest

from newsingest.enrich.ner.base import RawMention
from newsingest.enrich.ner.request_packing import SEPARATOR, RequestPacker, pack, unpack
from newsingest.models import EntityType


def test_groups_stay_within_the_limit_and_keep_the_order() -> None:
    assert pack([3, 3, 3], 8) == [[0, 1], [2]]  # 3 + 2 + 3 = 8 fits, a third does not
    assert pack([10, 1, 1], 5) == [[0], [1, 2]]  # a text over the limit goes alone
    assert pack([], 5) == []


def test_mentions_go_back_to_their_texts_with_their_offsets() -> None:
    texts = ["Putin", "in Wladiwostok", "Siemens"]
    joined = SEPARATOR.join(texts)
    spans = [(0, 5, EntityType.PERSON), (10, 21, EntityType.LOCATION), (23, 30, EntityType.ORGANISATION)]
    mentions = [RawMention(a, b, joined[a:b], t) for a, b, t in spans]
    back = unpack(mentions, [len(t) for t in texts])
    assert [[(m.start, m.end, m.text) for m in found] for found in back] == [
        [(0, 5, "Putin")], [(3, 14, "Wladiwostok")], [(0, 7, "Siemens")]]
    for text, found in zip(texts, back, strict=True):
        assert all(text[m.start : m.end] == m.text for m in found)


async def test_a_cancelled_request_leaves_nobody_waiting() -> None:
    started = asyncio.Event()

    async def send(text: str, language: str) -> list[RawMention]:
        started.set()
        await asyncio.sleep(10)
        return []

    packer = RequestPacker(send, 100)
    waiting = [asyncio.ensure_future(packer.recognise(t, "de")) for t in ("a", "b")]
    await started.wait()
    for task in list(packer._tasks):
        task.cancel()
    for future in waiting:
        with pytest.raises(asyncio.CancelledError):
            await future
