"""The ``notifier`` part of ``run`` and ``worker``: webhook deliveries of ``news.alerts`` (``notifier.py``).

Runs wherever the indexer runs; several processes share ``news.alerts``'s partitions through the consumer
group ``<app_id>.notifier``. Dead letters go through the one ``DeadLetterSink`` (counted when acknowledged).
"""

from __future__ import annotations

import asyncio

from newsingest.alerts.notifier import Notifier, notifier_consumer
from newsingest.alerts.store import RuleStore
from newsingest.config import Settings
from newsingest.kafka.dlq import DeadLetterSink
from newsingest.kafka.producers import role_producer
from newsingest.models import DeadLetter
from newsingest.runtime.supervisor import Supervisor


async def run_notifier(settings: Settings, stop: asyncio.Event, supervisor: Supervisor) -> None:
    producer = role_producer(settings, "notifier")
    rules = RuleStore(settings, role="notifier")
    await producer.start()
    try:
        await rules.start()
        sink = DeadLetterSink(producer, settings.topic_dlq, stop)

        async def send_letter(letter: DeadLetter) -> None:
            if not await sink.send([letter]):
                raise asyncio.CancelledError  # stopping: the match stays uncommitted and is redelivered

        notifier = Notifier(settings, rules, send_letter)
        stopper = asyncio.ensure_future(_relay(stop, notifier.stopping))
        try:
            await notifier.run(notifier_consumer(settings), started=lambda: supervisor.running("notifier"))
        finally:
            stopper.cancel()
            await notifier.aclose()
    finally:
        await rules.stop()
        await producer.stop()


async def _relay(stop: asyncio.Event, stopping: asyncio.Event) -> None:
    await stop.wait()
    stopping.set()
