"""The alert stage beside the indexer: coalesced rounds, commits in order and only after matches were sent, and
a failure that reaches the indexer (crash-only). The publisher here is a recording stand-in: what is under test
is the stage's ordering, not Elasticsearch (tests/integration/test_alert*.py run the real thing)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiokafka import TopicPartition

from newsingest.alerts.stage import AlertStage, IndexedPoll
from newsingest.index.writer import Stopped

TP = TopicPartition("news.enriched", 0)


class RecordingPublisher:
    def __init__(self, *, gate: asyncio.Event | None = None, fail: BaseException | None = None,
                 stopped: bool = False) -> None:
        self.rounds: list[list[str]] = []
        self.gate = gate
        self.fail = fail
        self.stopped = stopped

    async def publish(self, documents: dict[str, dict[str, Any]], candidates: list[str]) -> bool:
        if self.gate is not None:
            await self.gate.wait()
        if self.fail is not None:
            raise self.fail
        self.rounds.append(list(candidates))
        assert set(candidates) <= set(documents)
        return not self.stopped


def poll(offset: int, *ids: str) -> IndexedPoll:
    return IndexedPoll(documents={i: {"article_id": i} for i in ids}, offsets={TP: offset}, candidates=list(ids))


async def _stage(publisher: RecordingPublisher, commits: list[int], **kw: int) -> AlertStage:
    async def commit(offsets: dict[TopicPartition, int]) -> None:
        commits.append(offsets[TP])

    stage = AlertStage(publisher, commit, max_pending=kw.get("max_pending", 10),  # type: ignore[arg-type]
                       max_docs=kw.get("max_docs", 100))
    stage.start()
    return stage


async def test_waiting_polls_are_matched_in_one_round_and_committed_once_in_order() -> None:
    gate = asyncio.Event()
    publisher = RecordingPublisher(gate=gate)
    commits: list[int] = []
    stage = await _stage(publisher, commits)
    await stage.put(poll(1, "a"))
    await asyncio.sleep(0.01)  # the first round has started and waits at the gate
    for n, ids in [(2, ("b", "c")), (3, ()), (4, ("d",))]:
        await stage.put(poll(n, *ids))
    gate.set()
    await stage.drain()
    assert publisher.rounds == [["a"], ["b", "c", "d"]]
    assert commits == [1, 4]
    await stage.close()


async def test_a_round_is_capped_by_max_docs() -> None:
    gate = asyncio.Event()
    publisher = RecordingPublisher(gate=gate)
    commits: list[int] = []
    stage = await _stage(publisher, commits, max_docs=2)
    for n, ids in enumerate([("a",), ("b",), ("c",), ("d",), ("e",)], start=1):
        await stage.put(poll(n, *ids))
    gate.set()
    await stage.drain()
    assert publisher.rounds == [["a"], ["b", "c"], ["d", "e"]]  # the first round started at once
    assert commits == [1, 3, 5]
    await stage.close()


async def test_nothing_is_committed_when_the_matches_were_not_acknowledged() -> None:
    publisher = RecordingPublisher(stopped=True)
    commits: list[int] = []
    stage = await _stage(publisher, commits)
    await stage.put(poll(1, "a"))
    with pytest.raises(Stopped):
        await stage.drain()
    with pytest.raises(Stopped):
        await stage.put(poll(2, "b"))
    stage.raise_failure()  # a stop is not a failure
    assert commits == []
    await stage.close()


async def test_a_failure_of_the_stage_reaches_the_indexer() -> None:
    publisher = RecordingPublisher(fail=RuntimeError("boom"))
    commits: list[int] = []
    stage = await _stage(publisher, commits)
    await stage.put(poll(1, "a"))
    await asyncio.sleep(0.01)
    with pytest.raises(RuntimeError, match="boom"):
        stage.check()
    with pytest.raises(RuntimeError, match="boom"):
        stage.raise_failure()
    assert commits == []
    await stage.close()


async def test_the_indexer_waits_while_the_stage_is_max_pending_behind() -> None:
    gate = asyncio.Event()
    publisher = RecordingPublisher(gate=gate)
    commits: list[int] = []
    stage = await _stage(publisher, commits, max_pending=1)
    await stage.put(poll(1, "a"))
    await asyncio.sleep(0.01)  # taken by the first round
    await stage.put(poll(2, "b"))  # waits in the queue
    blocked = asyncio.ensure_future(stage.put(poll(3, "c")))
    await asyncio.sleep(0.05)
    assert not blocked.done()
    gate.set()
    await blocked
    await stage.drain()
    assert commits[-1] == 3
    await stage.close()
