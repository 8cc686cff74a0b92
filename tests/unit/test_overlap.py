"""run_overlapped: the next batch starts while the one before it finishes; finishes run in order, one at a time;
a failed finish is reported at once and raised; nothing runs on after the end or a cancellation."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from newsingest.runtime.overlap import run_overlapped


async def _batches(n: int, gap_s: float = 0.0, then_wait: asyncio.Event | None = None) -> AsyncIterator[int]:
    for i in range(n):
        yield i
        await asyncio.sleep(gap_s)
    if then_wait is not None:
        await then_wait.wait()  # a stream that goes quiet without ending


class Recorder:
    def __init__(self, finish_s: float = 0.02, fail_on: int | None = None) -> None:
        self.log: list[str] = []
        self.finishing = 0
        self.most_finishing = 0
        self.finish_s, self.fail_on = finish_s, fail_on
        self.failures: list[BaseException] = []
        self.abandoned: list[int] = []

    async def start(self, batch: int) -> int:
        self.log.append(f"start {batch}")
        return batch * 10

    async def finish(self, batch: int, started: int) -> None:
        assert started == batch * 10
        self.finishing += 1
        self.most_finishing = max(self.most_finishing, self.finishing)
        try:
            self.log.append(f"finish {batch} begins")
            await asyncio.sleep(self.finish_s)
            if batch == self.fail_on:
                raise ValueError(f"batch {batch} broke")
            self.log.append(f"finish {batch} ends")
        finally:
            self.finishing -= 1


async def test_the_next_batch_starts_while_the_one_before_finishes_and_finishes_stay_in_order() -> None:
    rec = Recorder()
    await run_overlapped(_batches(4), rec.start, rec.finish, rec.failures.append)
    assert rec.log.index("start 1") < rec.log.index("finish 0 ends")  # overlap
    ends = [entry for entry in rec.log if entry.endswith("ends")]
    assert ends == [f"finish {i} ends" for i in range(4)]
    for i in range(1, 4):  # batch i is finished only after batch i-1
        assert rec.log.index(f"finish {i - 1} ends") < rec.log.index(f"finish {i} begins")
    assert rec.most_finishing == 1
    assert rec.failures == []


async def test_a_failed_finish_raises_when_the_next_batch_is_ready_and_abandons_it() -> None:
    rec = Recorder(fail_on=1)
    with pytest.raises(ValueError, match="batch 1 broke"):
        await run_overlapped(_batches(5), rec.start, rec.finish, rec.failures.append, abandon=rec.abandoned.append)
    assert "finish 2 begins" not in rec.log  # nothing after the failed batch is finished (its events stay unacked)
    assert rec.abandoned == [20]  # batch 2 was started, and its work is stopped
    assert [str(e) for e in rec.failures] == ["batch 1 broke"]


async def test_a_failed_finish_is_reported_at_once_when_no_next_batch_comes() -> None:
    rec = Recorder(fail_on=0)
    quiet = asyncio.Event()
    runner = asyncio.create_task(run_overlapped(_batches(1, then_wait=quiet), rec.start, rec.finish,
                                                rec.failures.append))  # fmt: skip
    for _ in range(100):
        if rec.failures:
            break
        await asyncio.sleep(0.01)
    assert [str(e) for e in rec.failures] == ["batch 0 broke"]  # the caller can fail the process now
    runner.cancel()
    with pytest.raises(asyncio.CancelledError):
        await runner


async def test_cancelling_stops_the_finish_still_running() -> None:
    rec = Recorder(finish_s=10.0)
    runner = asyncio.create_task(run_overlapped(_batches(1, then_wait=asyncio.Event()), rec.start, rec.finish,
                                                rec.failures.append))  # fmt: skip
    while "finish 0 begins" not in rec.log:
        await asyncio.sleep(0.005)
    runner.cancel()
    with pytest.raises(asyncio.CancelledError):
        await runner
    await asyncio.sleep(0)
    assert rec.finishing == 0  # the finish task was cancelled with it, nothing runs on
    assert "finish 0 ends" not in rec.log
    assert rec.failures == []


async def test_the_last_batch_is_finished_when_the_batches_end() -> None:
    rec = Recorder()
    await run_overlapped(_batches(2, gap_s=0.01), rec.start, rec.finish, rec.failures.append)
    assert rec.log[-1] == "finish 1 ends"
