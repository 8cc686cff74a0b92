"""The notifier's offset bookkeeping: deliveries that complete while a commit is awaited are not forgotten."""

from __future__ import annotations

import asyncio

from aiokafka import TopicPartition
from aiokafka.errors import KafkaConnectionError

from newsingest.alerts.notifier import _commit

P0, P1 = TopicPartition("news.alerts", 0), TopicPartition("news.alerts", 1)


class SlowConsumer:
    """Stands in for the consumer's commit call only: while it is awaited, ``during`` runs (a delivery ends)."""

    def __init__(self, during: dict[TopicPartition, int], fail: bool = False) -> None:
        self.during = during
        self.fail = fail
        self.done: dict[TopicPartition, int] | None = None
        self.committed: list[dict[TopicPartition, int]] = []

    async def commit(self, offsets: dict[TopicPartition, int]) -> None:
        self.committed.append(dict(offsets))
        await asyncio.sleep(0)
        assert self.done is not None
        self.done.update(self.during)
        if self.fail:
            raise KafkaConnectionError("broker restarting")

    def assignment(self) -> set[TopicPartition]:
        return {P0, P1}


def _run(consumer: SlowConsumer, done: dict[TopicPartition, int]) -> None:
    consumer.done = done
    asyncio.run(_commit(consumer, done))  # type: ignore[arg-type]


def test_an_offset_that_moved_on_during_the_commit_is_committed_next_time() -> None:
    done = {P0: 5, P1: 3}
    consumer = SlowConsumer(during={P0: 7})
    _run(consumer, done)
    assert consumer.committed == [{P0: 5, P1: 3}]
    assert done == {P0: 7}  # P1 was committed as it was; P0's newer offset waits for the next commit


def test_a_partition_first_done_during_the_commit_is_kept() -> None:
    done = {P0: 5}
    consumer = SlowConsumer(during={P1: 9})
    _run(consumer, done)
    assert done == {P1: 9}


def test_a_failed_commit_keeps_everything_for_the_next_one() -> None:
    done = {P0: 5}
    consumer = SlowConsumer(during={P1: 2}, fail=True)
    _run(consumer, done)
    assert done == {P0: 5, P1: 2}
