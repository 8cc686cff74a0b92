"""The parts of the alerts process (``newsingest notify``):

- ``notifier``: webhook deliveries of ``news.alerts`` (``notifier.py``). Several processes share
  ``news.alerts``'s partitions through the consumer group ``<app_id>.notifier``. Dead letters go through the
  one ``DeadLetterSink`` (counted when acknowledged).
- ``matcher`` (only as the child of ``run`` or ``worker``): answers its parent's indexer's requests to match
  indexed articles against the rules (``remote.py``) until the parent is gone.
"""

from __future__ import annotations

import asyncio
import os
import signal

from newsingest.alerts.notifier import Notifier, notifier_consumer
from newsingest.alerts.publisher import AlertPublisher
from newsingest.alerts.remote import answer_match_request
from newsingest.alerts.store import RuleStore
from newsingest.config import Settings
from newsingest.kafka.dlq import DeadLetterSink
from newsingest.kafka.producers import role_producer
from newsingest.log import get_logger
from newsingest.models import DeadLetter
from newsingest.runtime.child import Lifeline
from newsingest.runtime.supervisor import Supervisor

log = get_logger(__name__)


async def run_notifier(settings: Settings, stop: asyncio.Event, supervisor: Supervisor,
                       rules: RuleStore | None = None) -> None:
    """``rules``: a replica of the rules already started by the caller (else the notifier keeps its own)."""
    producer = role_producer(settings, "notifier")
    own_rules = rules is None
    rules = RuleStore(settings, role="notifier") if rules is None else rules
    await producer.start()
    try:
        if own_rules:
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
        if own_rules:
            await rules.stop()
        await producer.stop()


async def _relay(stop: asyncio.Event, stopping: asyncio.Event) -> None:
    await stop.wait()
    stopping.set()


async def run_matcher(settings: Settings, stop: asyncio.Event, supervisor: Supervisor, lifeline: Lifeline) -> None:
    """The alerts process of a ``run`` or ``worker``: the ``matcher`` part and, beside it on the same replica
    of the rules, the ``notifier`` part."""
    from newsingest.index.client import async_client

    es = async_client(settings)
    producer = role_producer(settings, "matcher")
    rules = RuleStore(settings, role="alerts")
    await producer.start()
    try:
        await rules.start()
        publisher = AlertPublisher(settings, es, producer, rules, stop)
        serving = asyncio.ensure_future(lifeline.serve(lambda request: answer_match_request(publisher, request)))
        notifying = asyncio.ensure_future(supervisor.run("notifier", run_notifier(settings, stop, supervisor, rules)))
        stopped = asyncio.ensure_future(stop.wait())
        supervisor.running("matcher")
        await asyncio.wait({serving, stopped}, return_when=asyncio.FIRST_COMPLETED)
        if serving.done():
            serving.result()  # a failure fails the part
            if not stop.is_set():
                log.warning("the parent process is gone; stopping", pid=os.getpid())
                os.kill(os.getpid(), signal.SIGTERM)
                await stop.wait()
        serving.cancel()
        stopped.cancel()
        await notifying  # it ends on the stop (its failure is the supervisor's)
    finally:
        await rules.stop()
        await producer.stop()
        await es.close()
