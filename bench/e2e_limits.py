"""The limits the pipeline runs against, each at steady state on ``n`` documents or messages (the corpus
repeated under new ids) with the clients and settings the pipeline itself uses:

- raw Elasticsearch bulk: the indexer's own :class:`BulkWriter` (its NDJSON, its client), requests of
  ``bulk_max_docs`` documents, ``concurrency`` requests in flight, refresh at the end included;
- raw Kafka produce + consume: the watcher's producer factory (acks, idempotence, compression, linger) and the
  indexer's consumer factory (manual commits, ``bulk_max_docs`` records per poll, a commit per poll).

A warm-up (a first chunk, not counted) comes before each clock starts: index creation, metadata and the
consumer group join are start-up, not steady state.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from common import ProcessSampler, progress, stack_pids
from e2e_harness import namespace

from newsingest.config import Settings
from newsingest.index.client import async_client
from newsingest.index.setup import ensure_index
from newsingest.index.writer import BulkItem, BulkWriter
from newsingest.models import RawArticle


def _cpu_ms(usage: dict[str, Any], name: str, units: int) -> float | None:
    spent = usage["cpu_s"].get(name)
    return round(spent * 1000 / units, 3) if spent is not None and units else None


# --- Elasticsearch ---------------------------------------------------------------------------------------
def _bulk_batches(docs: list[tuple[str, dict[str, Any]]], n: int, size: int, tag: str) -> Iterator[list[BulkItem]]:
    batch: list[BulkItem] = []
    for i in range(n):
        doc_id, source = docs[i % len(docs)]
        batch.append(BulkItem(f"{doc_id}-{tag}{i // len(docs)}", source))
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def es_bulk_limit(base: Settings, source: Settings, root: Path, n: int, concurrency: int = 2) -> dict[str, Any]:
    """Bulk-index ``n`` documents (the documents of ``source``'s index, repeated under new ids) into an index of
    its own, created from the pipeline's template."""
    settings = namespace(base, root / "limit-es")
    size = settings.bulk_max_docs

    async def main() -> dict[str, Any]:
        es = async_client(settings, request_timeout=120)
        try:
            await ensure_index(es, settings)
            hits = (await es.search(index=source.read_alias, size=10000, query={"match_all": {}}))["hits"]["hits"]
            docs = [(h["_id"], h["_source"]) for h in hits]
            if not docs:
                raise SystemExit("es bulk limit: the e2e index holds no documents to repeat")
            writer = BulkWriter(es, settings)
            warm = 0
            for batch in _bulk_batches(docs, min(size, n), size, "w"):  # warm-up, not counted
                warm += len((await writer.write(batch)).indexed)
            batches = _bulk_batches(docs, n, size, "r")
            indexed = 0
            rejected: list[tuple[str, int, str]] = []

            async def sender() -> None:
                nonlocal indexed
                for batch in batches:  # one shared iterator: each batch goes to one sender
                    outcome = await writer.write(batch)
                    indexed += len(outcome.indexed)
                    rejected.extend(outcome.rejected)

            sampler = ProcessSampler(stack_pids(base.stack_dir), interval=5.0)
            sampler.start()
            cpu0, start = time.process_time(), time.monotonic()
            await asyncio.gather(*(sender() for _ in range(concurrency)))
            await es.indices.refresh(index=settings.write_alias)
            elapsed, client_cpu = time.monotonic() - start, time.process_time() - cpu0
            usage = sampler.stop()
            searchable = (await es.count(index=settings.read_alias))["count"] - warm
            if searchable != indexed or indexed + len(rejected) != n:
                progress(f"  WARNING: bulk of {n}: {indexed} acknowledged, {len(rejected)} rejected, "
                         f"{searchable} searchable")
            indexed = min(indexed, searchable)  # only what Elasticsearch holds counts
        finally:
            await es.close()
        return {
            "es_bulk_docs": indexed,
            "es_bulk_per_s": round(indexed / elapsed, 1),
            "es_bulk_rejected": len(rejected),
            "es_bulk_rejected_first": rejected[0][2][:300] if rejected else None,
            "es_bulk_seconds": round(elapsed, 2),
            "es_bulk_request_docs": size,
            "es_bulk_concurrency": concurrency,
            "es_bulk_client_cpu_ms_per_doc": round(client_cpu * 1000 / indexed, 3) if indexed else None,
            "es_bulk_server_cpu_ms_per_doc": _cpu_ms(usage, "elasticsearch", indexed),
        }

    progress(f"limit: raw Elasticsearch bulk, {n} documents, {size} per request, {concurrency} in flight")
    return asyncio.run(main())


# --- Kafka -----------------------------------------------------------------------------------------------
def watcher_producer(settings: Settings) -> Any:
    """The producer the watcher sends ``news.raw`` with: the per-role factory, or the older ``raw_producer``."""
    try:
        from newsingest.kafka.producers import role_producer
    except ImportError:
        from newsingest.ingest.producer import raw_producer

        return raw_producer(settings)
    return role_producer(settings, "watcher")


def _messages(articles: list[RawArticle], n: int, tag: str) -> list[tuple[bytes, bytes]]:
    out = []
    for i in range(n):
        article = articles[i % len(articles)]
        copy = article.model_copy(update={"article_id": f"{article.article_id}-{tag}{i // len(articles)}"})
        out.append((copy.article_id.encode(), copy.model_dump_json().encode()))
    return out


def kafka_limit(base: Settings, root: Path, articles: list[RawArticle], n: int) -> dict[str, Any]:
    """Produce ``n`` raw-article messages (acked), then consume them, on a topic of its own."""
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic

    from newsingest.index.indexer import indexer_consumer
    from newsingest.kafka.headers import message_headers

    settings = namespace(base, root / "limit-kafka")
    topic = settings.topic_enriched  # the topic the indexer's consumer factory subscribes to
    warm = _messages(articles, min(settings.bulk_max_docs, n), "w")
    values = _messages(articles, n, "r")
    headers = message_headers("raw-article")

    async def produce(producer: Any, messages: list[tuple[bytes, bytes]]) -> None:
        futures = [await producer.send(topic, key=k, value=v, headers=headers) for k, v in messages]
        await asyncio.gather(*futures)

    async def consume(consumer: Any, count: int) -> None:
        got = 0
        deadline = time.monotonic() + max(120.0, count / 50)
        while got < count:
            if time.monotonic() > deadline:
                raise SystemExit(f"kafka limit: consumed only {got} of {count} messages")
            batch = await consumer.getmany(timeout_ms=1000, max_records=settings.bulk_max_docs)
            got += sum(len(rs) for rs in batch.values())
            if batch:
                await consumer.commit()

    async def main() -> dict[str, Any]:
        admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_servers)
        await admin.start()
        try:
            await admin.create_topics([NewTopic(topic, settings.topic_partitions, settings.topic_replication_factor)])
        finally:
            await admin.close()
        producer = watcher_producer(settings)
        consumer = indexer_consumer(settings, group_id=f"{settings.app_id}.bench")
        await producer.start()
        await consumer.start()
        try:
            await produce(producer, warm)  # warm-up, not counted: metadata, group join, first fetches
            await consume(consumer, len(warm))
            sampler = ProcessSampler(stack_pids(base.stack_dir), interval=5.0)
            sampler.start()
            cpu0, t0 = time.process_time(), time.monotonic()
            await produce(producer, values)
            cpu1, t1 = time.process_time(), time.monotonic()
            await consume(consumer, len(values))
            cpu2, t2 = time.process_time(), time.monotonic()
            usage = sampler.stop()
        finally:
            await consumer.stop()
            await producer.stop()
        return {
            "kafka_messages": n,
            "kafka_per_s": round(n / (t2 - t0), 1),
            "kafka_produce_per_s": round(n / (t1 - t0), 1),
            "kafka_consume_per_s": round(n / (t2 - t1), 1),
            "kafka_client_cpu_ms_per_message": {"produce": round((cpu1 - cpu0) * 1000 / n, 3),
                                                "consume": round((cpu2 - cpu1) * 1000 / n, 3)},
            "kafka_broker_cpu_ms_per_message": _cpu_ms(usage, "kafka", n),
        }

    progress(f"limit: raw Kafka produce + consume, {n} messages")
    return asyncio.run(main())
