"""The indexer: consumes ``news.enriched`` and bulk-writes to Elasticsearch.

A plain aiokafka consumer with manual commits, so the guarantee is easy to see: an offset is committed only
after every message before it was acknowledged by Elasticsearch or delivered to the DLQ. A crash anywhere
replays the uncommitted messages, which the ``_id`` = ``article_id`` makes harmless.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.errors import CommitFailedError, KafkaError
from elasticsearch import AsyncElasticsearch
from pydantic import ValidationError

from newsingest.alerts.publisher import ReplayTracker
from newsingest.alerts.stage import AlertStage, IndexedPoll, Publisher
from newsingest.config import Settings
from newsingest.cputime import timed_coroutine
from newsingest.index.document import to_document
from newsingest.index.writer import BulkItem, BulkOutcome, BulkWriter, Stopped
from newsingest.kafka.dlq import DeadLetterSink, dead_letter
from newsingest.log import get_logger
from newsingest.metrics import CONSUMER_LAG
from newsingest.models import EnrichedArticle, Stage

log = get_logger(__name__)


def indexer_consumer(settings: Settings, group_id: str | None = None) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(
        settings.topic_enriched,
        bootstrap_servers=settings.kafka_servers,
        group_id=group_id or settings.indexer_group,
        client_id=f"{settings.app_id}.indexer",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_poll_interval_ms=3_600_000,  # a batch may be retried through a long Elasticsearch outage
        session_timeout_ms=int(min(30.0, settings.kafka_session_timeout_s) * 1000),
        heartbeat_interval_ms=int(settings.kafka_heartbeat_interval_s * 1000),
    )


class Indexer:
    def __init__(
        self,
        settings: Settings,
        es: AsyncElasticsearch,
        dlq_producer: AIOKafkaProducer,
        stop: asyncio.Event,
        consumer: AIOKafkaConsumer | None = None,
        alerts: Publisher | None = None,
    ) -> None:
        self.settings = settings
        self.stop = stop
        self.writer = BulkWriter(es, settings, stop)
        self.dead_letters = DeadLetterSink(dlq_producer, settings.topic_dlq, stop)
        self.consumer = consumer or indexer_consumer(settings)
        self.replays = ReplayTracker()  # which messages may have been indexed before a crash (alerts)
        self.alerts: AlertStage | None = None  # matching beside the indexer, which then commits (alerts/stage.py)
        if alerts is not None:
            self.replays.consumer = self.consumer
            self.consumer.subscribe([settings.topic_enriched], listener=self.replays)
            self.alerts = AlertStage(alerts, self._commit_offsets, max_pending=settings.alerts_pending_polls,
                                     max_docs=settings.alerts_match_max_docs)

    async def run(self) -> None:
        await self.consumer.start()
        log.info("indexer started", topic=self.settings.topic_enriched, group=self.settings.indexer_group)
        if self.alerts is not None:
            self.alerts.start()
        try:
            while not self.stop.is_set():
                records = await self._next_batch()
                if self.alerts is not None:
                    self.alerts.check()
                if records:
                    try:
                        await self.process(records)
                    except Stopped:
                        log.info("stopped during a batch; it is replayed on restart", messages=len(records))
                        break
                    await self._update_lag()
            if self.alerts is not None:
                self.alerts.raise_failure()  # crash-only: matching died while the indexer was idle or stopping
        finally:
            if self.alerts is not None:
                await self.alerts.close()
            await self.consumer.stop()
            log.info("indexer stopped")

    async def _next_batch(self) -> list[ConsumerRecord]:
        """One poll: up to ``bulk_max_docs`` messages, waiting at most ``bulk_max_wait_s`` for the first; once some
        came, what else arrives within ``bulk_linger_s`` joins them (a steady trickle makes one bulk per linger,
        not one per message: 7 vs 2.2 ms of Elasticsearch CPU per document at 50 documents/s, docs/benchmarks.md).
        """
        limit = self.settings.bulk_max_docs
        records = await self._poll(self.settings.bulk_max_wait_s, limit)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.settings.bulk_linger_s
        while records and len(records) < limit and not self.stop.is_set():
            left = deadline - loop.time()
            if left <= 0:
                break
            records += await self._poll(left, limit - len(records))
        return records

    async def _poll(self, wait_s: float, limit: int) -> list[ConsumerRecord]:
        batch = await self.consumer.getmany(timeout_ms=max(1, int(wait_s * 1000)), max_records=limit)
        return [record for tp_records in batch.values() for record in tp_records]

    async def process(self, records: Sequence[ConsumerRecord]) -> None:
        """Index a poll's messages (one bulk, chunked by bytes), dead-letter what cannot be indexed, then commit."""
        await timed_coroutine(self._process(records), "index")

    async def _process(self, records: Sequence[ConsumerRecord]) -> None:
        by_id: dict[str, tuple[ConsumerRecord, BulkItem]] = {}  # a later copy of the same article wins in the poll
        letters = []
        for record in records:
            try:
                article = EnrichedArticle.model_validate_json(record.value or b"")
            except ValidationError as exc:
                letters.append(dead_letter(stage=Stage.DECODE, error=exc, payload=record.value, key=record.key,
                                           topic=record.topic, partition=record.partition, offset=record.offset))
                continue
            by_id[article.article_id] = (record, BulkItem(article.article_id, to_document(article)))
        outcome = await self.writer.write([item for _, item in by_id.values()]) if by_id else None
        if outcome:
            for doc_id, status, reason in outcome.rejected:
                record = by_id[doc_id][0]
                letters.append(dead_letter(stage=Stage.INDEX, error=f"HTTP {status}: {reason}", payload=record.value,
                                           key=record.key, topic=record.topic, partition=record.partition,
                                           offset=record.offset, article_id=doc_id))
        if not await self.dead_letters.send(letters):
            raise Stopped
        if self.alerts is not None:
            await self.alerts.put(self._indexed_poll(records, by_id, outcome))  # it commits once matched
        else:
            await self._commit_offsets(_offsets(records))
        if outcome:
            log.debug("batch indexed", documents=len(outcome.indexed), rejected=len(outcome.rejected),
                      dead_letters=len(letters))

    def _indexed_poll(self, records: Sequence[ConsumerRecord], by_id: dict[str, tuple[ConsumerRecord, BulkItem]],
                      outcome: BulkOutcome | None) -> IndexedPoll:
        """What alert matching needs of a poll: the articles indexed for the first time (or that may have been
        before a crash), and the offsets to commit once they are matched."""
        candidates = [] if outcome is None else [
            doc_id for doc_id in outcome.indexed
            if doc_id in outcome.created or self.replays.may_be_replay(by_id[doc_id][0])]
        documents = {doc_id: by_id[doc_id][1].document for doc_id in candidates}
        return IndexedPoll(documents=documents, offsets=_offsets(records), candidates=candidates)

    async def _commit_offsets(self, offsets: dict[TopicPartition, int]) -> None:
        assigned = self.consumer.assignment()
        offsets = {tp: offset for tp, offset in offsets.items() if tp in assigned}
        if not offsets:
            return  # the partitions moved to another consumer, which replays from its committed offsets
        try:
            await self.consumer.commit(offsets)
        except (CommitFailedError, KafkaError) as exc:
            # the partitions moved to another consumer: it replays the batch, which is idempotent
            log.warning("offset commit failed; batch will be replayed", error=str(exc))

    async def _update_lag(self) -> None:
        lag_by_topic: dict[str, int] = {}
        for tp in self.consumer.assignment():
            highwater = self.consumer.highwater(tp)
            if highwater is None:
                continue
            position = await self.consumer.position(tp)
            lag_by_topic[tp.topic] = lag_by_topic.get(tp.topic, 0) + max(0, highwater - position)
        for topic, lag in lag_by_topic.items():
            CONSUMER_LAG.labels(self.settings.indexer_group, topic).set(lag)


def _offsets(records: Sequence[ConsumerRecord]) -> dict[TopicPartition, int]:
    """The offsets that commit ``records``: per partition, one past the last."""
    offsets: dict[TopicPartition, int] = {}
    for record in records:
        tp = TopicPartition(record.topic, record.partition)
        offsets[tp] = max(offsets.get(tp, 0), record.offset + 1)
    return offsets
