"""The second pass of ``newsingest reenrich``: the latest in-scope version of every article on ``news.raw``
through the current enrichment, in chunks.

Per chunk: enrich (the Enricher's batch method when it has one, else ``enrich`` per article with at most
``concurrency`` at a time), keep the story of the article's previous version, produce the new versions to
``news.enriched`` (acks=all) and bulk-index them into the new index version. An article whose enrichment fails
keeps its previous version (carried over); an outage of a dependency (NER server) that outlasts the retries
ends the run, which is then safe to rerun.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from elasticsearch import AsyncElasticsearch
from pydantic import ValidationError

from newsingest.backoff import backoff_delay
from newsingest.config import Settings
from newsingest.enrich.pipeline import Enricher
from newsingest.index.document import to_document
from newsingest.index.reenrich_progress import ProgressMeter
from newsingest.index.reenrich_scan import RawScan, parse_time
from newsingest.index.writer import BulkItem, BulkWriter
from newsingest.kafka.headers import message_headers
from newsingest.log import get_logger
from newsingest.models import EnrichedArticle, RawArticle
from newsingest.runtime.ner_guard import is_outage

log = get_logger(__name__)

STORY_FIELDS = ("story_id", "duplicate_of", "story_label")
"""Kept from the previous version: a story depends on the arrival order and the window at the time, which a
replay of history in topic order does not reproduce."""
ATTEMPTS = 2
OUTAGE_ATTEMPTS = 6  # about 30 s of backoff before the run gives up
RETRY_CAP_S = 10.0  # the longest wait between two attempts at one article


class ReplayOutage(RuntimeError):
    """A dependency of enrichment stayed unreachable."""


@dataclass
class ReplayStats:
    replayed: int = 0
    invalid: int = 0  # the latest version is not a valid RawArticle (the live agent dead-lettered it)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (article id, error): previous version kept
    rejected: list[tuple[str, int, str]] = field(default_factory=list)
    stories_kept: int = 0
    already_done: int = 0  # resuming: re-enriched by the stopped run


def enriched_producer(settings: Settings) -> AIOKafkaProducer:
    return AIOKafkaProducer(
        bootstrap_servers=settings.kafka_servers,
        client_id=f"{settings.app_id}.reenrich",
        enable_idempotence=True,
        acks="all",
        compression_type=settings.compression_type,
        linger_ms=settings.producer_linger_ms,
        max_batch_size=settings.producer_batch_bytes,
        max_request_size=max(settings.max_file_bytes * 4, 1_048_576),
    )


class Replayer:
    def __init__(self, es: AsyncElasticsearch, settings: Settings, enricher: Enricher,
                 producer: AIOKafkaProducer, new_index: str, meter: ProgressMeter, concurrency: int,
                 written_since: datetime | None = None) -> None:
        self.es = es
        self.settings = settings
        self.enricher = enricher
        self.producer = producer
        self.new_index = new_index
        self.meter = meter
        self.concurrency = concurrency
        self.written_since = written_since  # resuming: articles enriched_at or after it are done already
        self.chunk = max(4 * concurrency, 32)  # a batch for the Enricher, and a progress report every few seconds
        self.writer = BulkWriter(es, settings.model_copy(update={"write_alias": new_index}))
        self.stats = ReplayStats()
        self._headers = message_headers("enriched-article")

    async def run(self, consumer: AIOKafkaConsumer, scan: RawScan) -> ReplayStats:
        """Replay the records ``scan`` chose; ``consumer`` is assigned to the raw topic's partitions."""
        partitions = list(scan.end)
        pending = [tp for tp in partitions if scan.begin[tp] < scan.end[tp]]
        for tp in partitions:
            consumer.seek(tp, scan.begin[tp])
        consumer.pause(*[tp for tp in partitions if tp not in pending])
        chunk: list[RawArticle] = []
        while pending:
            batch = await consumer.getmany(*pending, timeout_ms=1000, max_records=self.chunk)
            for tp, records in batch.items():
                chunk += self._chosen(tp, records, scan)
            if len(chunk) >= self.chunk:
                await self._process(chunk)
                chunk = []
            for tp in list(pending):
                if await consumer.position(tp) >= scan.end[tp]:
                    pending.remove(tp)
                    consumer.pause(tp)
        if chunk:
            await self._process(chunk)
        return self.stats

    def _chosen(self, tp: TopicPartition, records: list[ConsumerRecord], scan: RawScan) -> list[RawArticle]:
        chosen = []
        for record in records:
            if record.offset >= scan.end[tp] or not scan.replays(tp.partition, record.offset):
                continue
            try:
                chosen.append(RawArticle.model_validate_json(record.value or b""))
            except ValidationError:
                self.stats.invalid += 1
                self.meter.advance(0, failed=1)
        return chosen

    async def _process(self, raws: Sequence[RawArticle]) -> None:
        if self.written_since is not None:
            raws = await self._not_done(raws)
            if not raws:
                return
        results = await self._enrich(raws)
        done: list[EnrichedArticle] = []
        for raw, result in zip(raws, results, strict=True):
            if isinstance(result, BaseException):
                self.stats.failed.append((raw.article_id, f"{type(result).__name__}: {result}"[:300]))
                log.warning("reenrich failed; the previous version stays", article_id=raw.article_id,
                            error=f"{type(result).__name__}: {result}"[:300])
            else:
                done.append(result)
        done = await self._keep_stories(done)
        await self._produce(done)
        outcome = await self.writer.write([BulkItem(a.article_id, to_document(a)) for a in done])
        self.stats.replayed += len(outcome.indexed)
        self.stats.rejected += outcome.rejected
        self.meter.advance(len(done), failed=len(raws) - len(done))

    async def _not_done(self, raws: Sequence[RawArticle]) -> list[RawArticle]:
        """The articles the stopped run did not re-enrich yet (resuming)."""
        since = self.written_since
        if since is None:
            return list(raws)
        response = await self.es.mget(index=self.new_index, ids=[r.article_id for r in raws],
                                      source_includes=["enriched_at"])
        done = {doc["_id"] for doc in response["docs"] if doc.get("found")
                and (when := parse_time(doc["_source"].get("enriched_at"))) is not None and when >= since}
        self.stats.already_done += len(done)
        self.meter.advance(len(done))
        return [r for r in raws if r.article_id not in done]

    async def _enrich(self, raws: Sequence[RawArticle]) -> list[EnrichedArticle | BaseException]:
        results: list[EnrichedArticle | BaseException] = [RuntimeError("not enriched")] * len(raws)
        batch = getattr(self.enricher, "enrich_batch", None)
        if batch is not None:
            try:
                results = list(await batch(raws))
            except Exception as exc:  # the whole batch failed: each article gets its own attempts below
                log.warning("batch enrichment failed; enriching one by one", error=f"{type(exc).__name__}: {exc}")
        gate = asyncio.Semaphore(self.concurrency)

        async def one(raw: RawArticle) -> EnrichedArticle | BaseException:
            async with gate:
                return await self._enrich_one(raw)

        again = [i for i, result in enumerate(results) if isinstance(result, BaseException)]
        for i, result in zip(again, await asyncio.gather(*(one(raws[i]) for i in again)), strict=True):
            results[i] = result
        return results

    async def _enrich_one(self, raw: RawArticle) -> EnrichedArticle | BaseException:
        attempt = outages = 0
        while True:
            try:
                return await asyncio.wait_for(self.enricher.enrich(raw), timeout=self.settings.enrich_timeout_s)
            except TimeoutError as exc:
                return exc
            except Exception as exc:
                if is_outage(exc):
                    outages += 1
                    if outages >= OUTAGE_ATTEMPTS:
                        raise ReplayOutage(f"enrichment's dependency stays unreachable: {exc}") from exc
                else:
                    attempt += 1
                    if attempt >= ATTEMPTS:
                        return exc
                await asyncio.sleep(backoff_delay(attempt + outages, cap_s=RETRY_CAP_S))

    async def _keep_stories(self, articles: list[EnrichedArticle]) -> list[EnrichedArticle]:
        """The story fields of each article's previous version (carried over into the new index)."""
        fields = [name for name in STORY_FIELDS if name in EnrichedArticle.model_fields]
        if not articles or not fields:
            return articles
        response = await self.es.mget(index=self.new_index, ids=[a.article_id for a in articles],
                                      source_includes=fields)
        previous: dict[str, dict[str, Any]] = {doc["_id"]: doc.get("_source", {}) for doc in response["docs"]
                                               if doc.get("found")}
        kept = []
        for article in articles:
            old = previous.get(article.article_id)
            if old and old.get("story_id"):
                article = article.model_copy(update={name: old.get(name) for name in fields})
                self.stats.stories_kept += 1
            kept.append(article)
        return kept

    async def _produce(self, articles: list[EnrichedArticle]) -> None:
        deliveries = [
            await self.producer.send(self.settings.topic_enriched, key=a.article_id.encode(),
                                     value=a.model_dump_json().encode(), headers=self._headers)
            for a in articles
        ]
        await asyncio.gather(*deliveries)
