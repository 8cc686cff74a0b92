"""The indexer's poll: a steady trickle of messages becomes one bulk per linger, not one bulk per message."""

from __future__ import annotations

import asyncio
from typing import Any

from newsingest.config import Settings
from newsingest.index.indexer import Indexer


class Trickle:
    """A consumer whose messages arrive one every ``every_s`` seconds (getmany's contract: it returns at once
    when something is there, else waits up to ``timeout_ms`` for the first message)."""

    def __init__(self, count: int, every_s: float) -> None:
        self.count, self.every_s = count, every_s
        self.start = asyncio.get_running_loop().time()
        self.taken = 0
        self.polls: list[int] = []

    def _arrived(self) -> int:
        elapsed = asyncio.get_running_loop().time() - self.start
        return min(self.count, int(elapsed / self.every_s) + 1)

    async def getmany(self, timeout_ms: int, max_records: int) -> dict[str, list[Any]]:
        deadline = asyncio.get_running_loop().time() + timeout_ms / 1000
        while self._arrived() <= self.taken and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.002)
        new = list(range(self.taken, min(self._arrived(), self.taken + max_records)))
        self.taken += len(new)
        self.polls.append(len(new))
        return {"tp": new} if new else {}


def indexer(consumer: Trickle, **overrides: Any) -> Indexer:
    settings = Settings(**overrides)
    return Indexer(settings, es=None, dlq_producer=None, stop=asyncio.Event(), consumer=consumer)  # type: ignore[arg-type]


async def test_a_trickle_is_collected_for_the_linger() -> None:
    consumer = Trickle(count=30, every_s=0.01)
    batch = await indexer(consumer, bulk_linger_s=0.2, bulk_max_docs=500)._next_batch()
    assert batch == list(range(len(batch)))  # in arrival order, nothing skipped
    assert len(batch) >= 10  # not the first message alone
    assert len(consumer.polls) > 1


async def test_no_linger_takes_what_the_first_poll_gives() -> None:
    consumer = Trickle(count=30, every_s=0.01)
    batch = await indexer(consumer, bulk_linger_s=0.0)._next_batch()
    assert batch == [0]
    assert consumer.polls == [1]


async def test_the_linger_stops_at_bulk_max_docs() -> None:
    consumer = Trickle(count=100, every_s=0.001)
    await asyncio.sleep(0.05)  # a backlog is there already
    ix = indexer(consumer, bulk_linger_s=5.0, bulk_max_docs=20)
    started = asyncio.get_running_loop().time()
    assert await ix._next_batch() == list(range(20))
    assert asyncio.get_running_loop().time() - started < 2.0  # full: no waiting for the rest of the linger
    assert await ix._next_batch() == list(range(20, 40))


async def test_an_empty_poll_does_not_linger() -> None:
    consumer = Trickle(count=0, every_s=1.0)
    ix = indexer(consumer, bulk_linger_s=5.0, bulk_max_wait_s=0.05)
    assert await ix._next_batch() == []
    assert consumer.polls == [0]
