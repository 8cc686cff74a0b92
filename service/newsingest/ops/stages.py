"""The Kafka side of ``status``: per stage, throughput over the last minute, consumer lag and time to drain.

- ``produce`` (watcher -> news.raw): messages appended to news.raw in the last minute;
- ``enrich`` (news.raw -> news.enriched): messages appended to news.enriched in the last minute; lag = news.raw
  end offsets minus the enrich group's committed offsets;
- ``index`` (news.enriched -> Elasticsearch): messages of the last minute below the indexer group's committed
  offsets (an estimate: a backlog older than a minute is not counted); lag against news.enriched.

"In the last minute" uses ``offsets_for_times(now - 60 s)``. Time to drain = lag / (throughput per second).
"""

from __future__ import annotations

import base64
import json
import time
from datetime import datetime

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import GroupCoordinatorNotAvailableError
from pydantic import BaseModel

from newsingest.config import Settings
from newsingest.models import DeadLetter

WINDOW_S = 60


class StageStatus(BaseModel):
    stage: str
    topic: str
    group: str | None
    per_minute: int
    per_second: float
    lag: int | None
    drain_s: float | None  # None: nothing to drain, or no throughput to drain it with (see ``stalled``)
    stalled: bool


class DeadLetterInfo(BaseModel):
    at: datetime | None
    stage: str
    article_id: str | None
    file: str | None
    reason: str


def enrich_group(settings: Settings) -> str:
    return f"{settings.app_id}.enrich"  # the Faust app id is the consumer group


async def _partitions(admin: AIOKafkaAdminClient, topic: str) -> list[TopicPartition]:
    """The topic's partitions (none when the topic does not exist yet)."""
    described = await admin.describe_topics([topic])
    numbers = {p["partition"] for t in described if t.get("error_code", 0) == 0 for p in t.get("partitions", ())}
    return [TopicPartition(topic, n) for n in sorted(numbers)]


async def _since(consumer: AIOKafkaConsumer, parts: list[TopicPartition], ends: dict[TopicPartition, int],
                 since_ms: int) -> dict[TopicPartition, int]:
    """Offset of the first message at or after ``since_ms`` (the end offset when there is none)."""
    found = await consumer.offsets_for_times({tp: since_ms for tp in parts}) if parts else {}
    return {tp: (found[tp].offset if found.get(tp) is not None else ends[tp]) for tp in parts}


def _stage(stage: str, topic: str, group: str | None, per_minute: int, lag: int | None) -> StageStatus:
    rate = per_minute / WINDOW_S
    drain = None if not lag else (round(lag / rate, 1) if rate > 0 else None)
    return StageStatus(stage=stage, topic=topic, group=group, per_minute=per_minute, per_second=round(rate, 2),
                       lag=lag, drain_s=drain, stalled=bool(lag) and rate == 0)


async def _committed(admin: AIOKafkaAdminClient, group: str) -> dict[TopicPartition, int]:
    try:
        offsets = await admin.list_consumer_group_offsets(group)
    except GroupCoordinatorNotAvailableError:  # a group that never committed
        return {}
    return {tp: meta.offset for tp, meta in offsets.items() if meta.offset >= 0}


async def collect_stages(settings: Settings) -> tuple[list[StageStatus], list[DeadLetterInfo]]:
    """Stage figures and the last dead letters; raises (KafkaError, OSError, TimeoutError) when Kafka is down."""
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka_servers, group_id=None, enable_auto_commit=False,
                                request_timeout_ms=10_000)
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_servers, request_timeout_ms=10_000)
    try:
        await consumer.start()
        await admin.start()
        since_ms = int((time.time() - WINDOW_S) * 1000)
        figures: dict[str, tuple[list[TopicPartition], dict[TopicPartition, int], dict[TopicPartition, int]]] = {}
        for topic in (settings.topic_raw, settings.topic_enriched, settings.topic_dlq):
            parts = await _partitions(admin, topic)
            ends = await consumer.end_offsets(parts) if parts else {}
            figures[topic] = (parts, ends, await _since(consumer, parts, ends, since_ms))
        raw_parts, raw_ends, raw_since = figures[settings.topic_raw]
        enr_parts, enr_ends, enr_since = figures[settings.topic_enriched]
        enrich_done = await _committed(admin, enrich_group(settings))
        index_done = await _committed(admin, settings.indexer_group)

        def lag(parts: list[TopicPartition], ends: dict[TopicPartition, int], done: dict[TopicPartition, int]) -> int:
            return sum(max(0, ends[tp] - done.get(tp, 0)) for tp in parts)

        stages = [
            _stage("produce", settings.topic_raw, None, sum(raw_ends[tp] - raw_since[tp] for tp in raw_parts), None),
            _stage("enrich", settings.topic_enriched, enrich_group(settings),
                   sum(enr_ends[tp] - enr_since[tp] for tp in enr_parts), lag(raw_parts, raw_ends, enrich_done)),
            _stage("index", settings.topic_enriched, settings.indexer_group,
                   sum(max(0, index_done.get(tp, 0) - enr_since[tp]) for tp in enr_parts),
                   lag(enr_parts, enr_ends, index_done)),
        ]
        letters = await _last_dead_letters(consumer, *figures[settings.topic_dlq][:2])
    finally:
        await consumer.stop()
        await admin.close()
    return stages, letters


async def _last_dead_letters(consumer: AIOKafkaConsumer, parts: list[TopicPartition],
                             ends: dict[TopicPartition, int], n: int = 10) -> list[DeadLetterInfo]:
    wanted = {tp: ends[tp] - max(0, ends[tp] - n) for tp in parts}
    todo = {tp for tp, count in wanted.items() if count > 0}
    if not todo:
        return []
    beginnings = await consumer.beginning_offsets(list(todo))
    consumer.assign(list(todo))
    for tp in todo:
        consumer.seek(tp, max(beginnings[tp], ends[tp] - n))
    letters: list[DeadLetterInfo] = []
    deadline = time.monotonic() + 10
    while todo and time.monotonic() < deadline:
        batch = await consumer.getmany(*todo, timeout_ms=500)
        for tp, records in batch.items():
            for record in records:
                letters.append(_letter(record.value or b""))
                if record.offset + 1 >= ends[tp]:
                    todo.discard(tp)
    letters.sort(key=lambda letter: letter.at.timestamp() if letter.at else 0, reverse=True)
    return letters[:n]


def _letter(value: bytes) -> DeadLetterInfo:
    try:
        letter = DeadLetter.model_validate_json(value)
    except ValueError:
        return DeadLetterInfo(at=None, stage="unknown", article_id=None, file=None, reason="unreadable dead letter")
    return DeadLetterInfo(at=letter.failed_at, stage=str(letter.stage.value), article_id=letter.article_id,
                          file=_file_of(letter.payload_base64),
                          reason=f"{letter.error_type}: {letter.error_message[:200]}")


def _file_of(payload_base64: str) -> str | None:
    """The source file named in the dead message's provenance, when it has one."""
    try:
        message = json.loads(base64.b64decode(payload_base64))
        name = message["provenance"]["file_name"]
    except (ValueError, KeyError, TypeError):
        return None
    return name if isinstance(name, str) else None
