"""InOrderCompleter: concurrent work, completion (acks) strictly in arrival order."""

from __future__ import annotations

import asyncio
import random

import pytest

from newsingest.streaming.ordered import InOrderCompleter


async def test_completes_in_arrival_order_whatever_order_the_work_finishes_in() -> None:
    done: list[int] = []
    finished: list[int] = []

    async def work(i: int) -> None:
        await asyncio.sleep(random.uniform(0, 0.02))
        finished.append(i)

    async with InOrderCompleter[int](4, on_done=done.append) as completer:
        for i in range(50):
            await completer.submit(i, work(i))
    assert done == list(range(50))
    assert sorted(finished) == list(range(50))
    assert finished != list(range(50))  # the work really ran out of order


async def test_a_late_earlier_item_holds_back_the_completion_of_later_ones() -> None:
    done: list[str] = []
    gate = asyncio.Event()

    async def slow() -> None:
        await gate.wait()

    async def fast() -> None:
        return None

    async with InOrderCompleter[str](4, on_done=done.append) as completer:
        await completer.submit("first", slow())
        await completer.submit("second", fast())
        await asyncio.sleep(0.05)
        assert done == []  # second finished, but is not completed before first
        gate.set()
    assert done == ["first", "second"]


async def test_limit_bounds_the_work_in_flight() -> None:
    running = 0
    peak = 0

    async def work() -> None:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.01)
        running -= 1

    async with InOrderCompleter[int](3, on_done=lambda _: None) as completer:
        for i in range(30):
            await completer.submit(i, work())
    assert peak == 3


async def test_a_failure_stops_completion_after_it() -> None:
    done: list[int] = []

    async def work(i: int) -> None:
        if i == 2:
            raise RuntimeError("boom")

    async def run() -> None:
        async with InOrderCompleter[int](8, on_done=done.append) as completer:
            for i in range(5):
                await completer.submit(i, work(i))

    with pytest.raises(RuntimeError, match="boom"):
        await run()
    assert done == [0, 1]


async def test_cancellation_abandons_work_in_flight_without_completing_it() -> None:
    done: list[int] = []

    async def forever() -> None:
        await asyncio.sleep(3600)

    async def agent() -> None:
        async with InOrderCompleter[int](4, on_done=done.append) as completer:
            for i in range(3):
                await completer.submit(i, forever())
            await asyncio.sleep(3600)

    task = asyncio.create_task(agent())
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert done == []
