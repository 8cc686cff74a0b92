"""The first pass of ``newsingest reenrich``: what ``news.raw`` holds, and what the index has that it lacks.

``scan_raw`` reads the topic from the beginning up to the end offsets captured at the start, without
enriching anything, and keeps for every article id the position of its latest version (until the topic is
compacted it can hold several; a tombstone removes the article) and whether that version is in scope
(published or ingested since the ``--since`` date). ``missing_from_raw`` lists the articles of the index
(in scope) that ``news.raw`` does not have: they were lost to retention before the topic was compacted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition
from elasticsearch import AsyncElasticsearch
from elasticsearch.helpers import async_scan

Offsets = dict[TopicPartition, int]
Position = tuple[int, int]  # (partition, offset)


@dataclass
class RawScan:
    """The latest version of every article on ``news.raw`` up to ``end``."""

    begin: Offsets
    end: Offsets
    latest: dict[str, tuple[Position, bool]] = field(default_factory=dict)  # id -> (position, in scope)
    records: int = 0
    tombstones: int = 0
    unreadable: int = 0  # not JSON or without an article id: the live agent dead-lettered them
    _by_position: set[Position] | None = field(default=None, repr=False)

    @property
    def articles(self) -> int:
        return len(self.latest)

    @property
    def in_scope(self) -> int:
        return sum(1 for _, scoped in self.latest.values() if scoped)

    def replays(self, partition: int, offset: int) -> bool:
        """True for the record that is the latest, in-scope version of its article."""
        return False if self._by_position is None else (partition, offset) in self._by_position

    def freeze(self) -> None:
        """Index the positions to replay (after the scan)."""
        self._by_position = {position for position, scoped in self.latest.values() if scoped}


def parse_time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def in_scope(published_at: datetime | None, received_at: datetime | None, since: datetime | None) -> bool:
    """Replayed: everything without ``since``; else what was published or ingested at or after it."""
    if since is None:
        return True
    return any(when is not None and when >= since for when in (published_at, received_at))


def _identity(key: bytes | None, value: dict[str, Any]) -> str | None:
    article_id = value.get("article_id")
    if isinstance(article_id, str) and article_id:
        return article_id
    return key.decode("utf-8", "replace") if key else None


async def scan_raw(consumer: AIOKafkaConsumer, partitions: list[TopicPartition], since: datetime | None,
                   batch_size: int = 2000) -> RawScan:
    """Read ``partitions`` (assigned to ``consumer``) from the beginning to the end offsets of now."""
    scan = RawScan(begin=await consumer.beginning_offsets(partitions), end=await consumer.end_offsets(partitions))
    pending = [tp for tp in partitions if scan.begin[tp] < scan.end[tp]]
    for tp in partitions:
        consumer.seek(tp, scan.begin[tp])
    consumer.pause(*[tp for tp in partitions if tp not in pending])
    while pending:
        batch = await consumer.getmany(*pending, timeout_ms=1000, max_records=batch_size)
        for tp, records in batch.items():
            for record in records:
                if record.offset < scan.end[tp]:
                    _note(scan, record.key, record.value, (tp.partition, record.offset), since)
        for tp in list(pending):
            if await consumer.position(tp) >= scan.end[tp]:
                pending.remove(tp)
                consumer.pause(tp)
    consumer.resume(*partitions)
    scan.freeze()
    return scan


def _note(scan: RawScan, key: bytes | None, value: bytes | None, position: Position, since: datetime | None) -> None:
    scan.records += 1
    if value is None:
        scan.tombstones += 1
        if key:
            scan.latest.pop(key.decode("utf-8", "replace"), None)
        return
    try:
        parsed = orjson.loads(value)
    except orjson.JSONDecodeError:
        parsed = None
    article_id = _identity(key, parsed) if isinstance(parsed, dict) else None
    if article_id is None or not isinstance(parsed, dict):
        scan.unreadable += 1
        return
    provenance = parsed.get("provenance")
    received = parse_time(provenance.get("received_at")) if isinstance(provenance, dict) else None
    scan.latest.pop(article_id, None)  # re-insert: the dict keeps the replay in the topic's order
    scan.latest[article_id] = (position, in_scope(parse_time(parsed.get("published_at")), received, since))


def scope_query(since: datetime | None) -> dict[str, Any]:
    """Documents of the index in scope: the same rule as ``in_scope`` on the indexed dates."""
    if since is None:
        return {"match_all": {}}
    moment = since.isoformat()
    return {"bool": {"should": [{"range": {"date": {"gte": moment}}}, {"range": {"ingested_at": {"gte": moment}}}],
                     "minimum_should_match": 1}}


async def missing_from_raw(es: AsyncElasticsearch, index: str, scan: RawScan,
                           since: datetime | None) -> tuple[int, list[str]]:
    """(documents of ``index`` in scope, the ids among them that ``news.raw`` does not hold)."""
    if not await es.indices.exists(index=index):
        return 0, []
    total, missing = 0, []
    async for hit in async_scan(es, index=index, query={"query": scope_query(since)}, _source=False, size=5000):
        total += 1
        if hit["_id"] not in scan.latest:
            missing.append(hit["_id"])
    return total, missing
