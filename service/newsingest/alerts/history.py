"""Reading ``news.alerts`` outside the API: match counts per rule (``alerts list``) and following new matches
(``alerts tail``). No consumer group: nothing is committed, other readers are not disturbed. A redelivered
match (same key) is counted and printed once."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter, OrderedDict
from collections.abc import AsyncIterator

from aiokafka import AIOKafkaConsumer, TopicPartition
from pydantic import ValidationError

from newsingest.config import Settings
from newsingest.log import get_logger
from newsingest.models import AlertMatch

log = get_logger(__name__)

SEEN_KEYS = 200_000


def _consumer(settings: Settings, role: str, *, earliest: bool) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(
        settings.topic_alerts,
        bootstrap_servers=settings.kafka_servers,
        group_id=None,
        enable_auto_commit=False,
        client_id=f"{settings.app_id}.{role}",
        auto_offset_reset="earliest" if earliest else "latest",
    )


async def _assigned(consumer: AIOKafkaConsumer, topic: str, timeout_s: float = 10.0) -> list[TopicPartition]:
    """The topic's partitions (assigned to this group-less consumer once its metadata arrived)."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not consumer.assignment():
        if asyncio.get_running_loop().time() > deadline:
            raise RuntimeError(f"topic {topic} does not exist")
        await asyncio.sleep(0.05)
    return sorted(consumer.assignment(), key=lambda tp: tp.partition)


def _match(value: bytes | None, offset: int) -> AlertMatch | None:
    try:
        return AlertMatch.model_validate_json(value or b"")
    except ValidationError:
        log.warning("alert match skipped: not valid", offset=offset)
        return None


async def count_matches(settings: Settings) -> Counter[str]:
    """Distinct matches per rule id on ``news.alerts`` up to now."""
    counts: Counter[str] = Counter()
    seen: set[bytes] = set()
    consumer = _consumer(settings, "alerts-count", earliest=True)
    await consumer.start()
    try:
        assigned = await _assigned(consumer, settings.topic_alerts)
        await consumer.seek_to_beginning(*assigned)
        ends = await consumer.end_offsets(assigned)
        remaining = {tp for tp in assigned if ends[tp] > await consumer.position(tp)}
        while remaining:
            batches = await consumer.getmany(*remaining, timeout_ms=1000, max_records=5000)
            for tp, records in batches.items():
                for record in records:
                    if record.offset < ends[tp] and (record.key or b"") not in seen:
                        seen.add(record.key or b"")
                        match = _match(record.value, record.offset)
                        if match is not None:
                            counts[match.alert_id] += 1
            remaining = {tp for tp in remaining if await consumer.position(tp) < ends[tp]}
    finally:
        with contextlib.suppress(Exception):
            await consumer.stop()
    return counts


async def follow_matches(
    settings: Settings, *, from_beginning: bool = False, limit: int | None = None
) -> AsyncIterator[AlertMatch]:
    """New matches as they arrive on ``news.alerts`` (from the oldest retained one with ``from_beginning``)."""
    consumer = _consumer(settings, "alerts-tail", earliest=from_beginning)
    await consumer.start()
    seen: OrderedDict[bytes, None] = OrderedDict()  # the last SEEN_KEYS keys: redeliveries are printed once
    given = 0
    try:
        assigned = await _assigned(consumer, settings.topic_alerts)
        if from_beginning:
            await consumer.seek_to_beginning(*assigned)
        else:
            await consumer.seek_to_end(*assigned)
            for tp in assigned:  # fix the start now: matches produced from here on are printed
                await consumer.position(tp)
        while limit is None or given < limit:
            batches = await consumer.getmany(timeout_ms=500, max_records=500)
            for records in batches.values():
                for record in records:
                    key = record.key or b""
                    if key in seen:
                        continue
                    seen[key] = None
                    if len(seen) > SEEN_KEYS:
                        seen.popitem(last=False)
                    match = _match(record.value, record.offset)
                    if match is None:
                        continue
                    yield match
                    given += 1
                    if limit is not None and given >= limit:
                        return
    finally:
        with contextlib.suppress(Exception):
            await consumer.stop()
