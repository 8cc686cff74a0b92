"""Batch sends: every message handed over before any ack is awaited; failed ones retried; dead letters counted
once acknowledged, not when built. A fake producer stands in for aiokafka's (the real broker is in integration)."""

from __future__ import annotations

import asyncio
from typing import Any

from aiokafka.errors import KafkaTimeoutError

from newsingest.kafka import send as send_module
from newsingest.kafka.dlq import DeadLetterSink, dead_letter
from newsingest.kafka.send import Outgoing, deliver_all
from newsingest.metrics import REGISTRY
from newsingest.models import Stage


class FakeProducer:
    def __init__(self, fail_first: int = 0) -> None:
        self.fail_first = fail_first
        self.sent: list[bytes] = []
        self.futures: list[asyncio.Future[Any]] = []
        self.acks_seen_at_send: list[bool] = []

    async def send(self, topic: str, *, key: bytes, value: bytes, headers: Any) -> asyncio.Future[Any]:
        self.acks_seen_at_send.append(any(f.done() for f in self.futures))
        self.sent.append(value)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.futures.append(future)
        fail = self.fail_first > 0
        self.fail_first -= 1
        asyncio.get_running_loop().call_later(0.01, lambda: future.set_exception(KafkaTimeoutError())
                                              if fail else future.set_result(None))
        return future


def messages(n: int) -> list[Outgoing]:
    return [Outgoing(str(i).encode(), f"v{i}".encode(), []) for i in range(n)]


async def test_all_are_sent_before_acks_and_failures_are_retried(monkeypatch: Any) -> None:
    monkeypatch.setattr(send_module, "backoff_delay", lambda attempt, cap_s: 0.0)
    producer = FakeProducer(fail_first=2)
    assert await deliver_all(producer, "t", messages(5), what="test")  # type: ignore[arg-type]
    assert producer.acks_seen_at_send[:5] == [False] * 5  # no ack awaited between the sends of a batch
    assert producer.sent[:5] == [f"v{i}".encode() for i in range(5)]
    assert producer.sent[5:] == [b"v0", b"v1"]  # only the two that failed, once more


async def test_delivery_gives_up_only_when_stopped(monkeypatch: Any) -> None:
    monkeypatch.setattr(send_module, "backoff_delay", lambda attempt, cap_s: 0.05)
    stop = asyncio.Event()
    producer = FakeProducer(fail_first=10_000)
    asyncio.get_running_loop().call_later(0.2, stop.set)
    assert not await deliver_all(producer, "t", messages(3), what="test", stop=stop)  # type: ignore[arg-type]
    assert len(producer.sent) > 3


def letters_counted() -> float:
    return REGISTRY.get_sample_value("newsingest_dead_letters_total", {"stage": "enrich"}) or 0.0


async def test_a_dead_letter_counts_when_acknowledged_not_when_built() -> None:
    before = letters_counted()
    letter = dead_letter(stage=Stage.ENRICH, error=ValueError("x"), payload=b"{}", article_id="a1")
    assert letters_counted() == before
    producer = FakeProducer()
    assert await DeadLetterSink(producer, "dlq").send([letter, letter])  # type: ignore[arg-type]
    assert letters_counted() == before + 2
