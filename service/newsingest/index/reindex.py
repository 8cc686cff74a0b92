"""``newsingest reindex``: rebuild the index from the retained ``news.enriched`` topic, then swap the aliases.

1. Put the current template and create ``<prefix>-v<N+1>`` from it (refresh off while it is filled).
2. With a throwaway consumer (no group, nothing committed) read ``news.enriched`` from the beginning up to the
   end offsets captured at the start, and bulk every article into the new index.
3. One ``_aliases`` call moves the read and the write alias to the new index: atomic, so searches see the old
   index until that moment and the new one after it, never neither.
4. Catch up: articles that arrived while it ran went to the old index through the write alias (the live
   indexer keeps running); they sit in the topic after the captured offsets, so they are copied from there up to
   the end offsets taken after the swap. From the swap on, the live indexer writes to the new index itself.
   ``_id`` = ``article_id`` makes every overlap harmless.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from elasticsearch import AsyncElasticsearch
from pydantic import ValidationError

from newsingest.config import Settings
from newsingest.index.client import async_client
from newsingest.index.document import to_document
from newsingest.index.setup import alias_indices, existing_versions, put_template, versioned_index
from newsingest.index.template import refresh_interval
from newsingest.index.writer import BulkItem, BulkWriter
from newsingest.log import get_logger
from newsingest.models import EnrichedArticle

log = get_logger(__name__)

Offsets = dict[TopicPartition, int]
Progress = Callable[[str], None]


class ReindexError(RuntimeError):
    pass


@dataclass
class CopyStats:
    read: int = 0
    indexed: int = 0
    skipped: int = 0  # tombstones and messages that are not valid EnrichedArticles (already dead-lettered)
    rejected: list[tuple[str, int, str]] = field(default_factory=list)

    def add(self, other: CopyStats) -> None:
        self.read += other.read
        self.indexed += other.indexed
        self.skipped += other.skipped
        self.rejected += other.rejected


@dataclass
class ReindexReport:
    index: str
    previous: list[str]
    built: CopyStats
    caught_up: CopyStats
    documents: int
    seconds: float
    deleted: list[str] = field(default_factory=list)


async def topic_partitions(settings: Settings, topic: str) -> list[TopicPartition]:
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_servers, request_timeout_ms=15000)
    await admin.start()
    try:
        (description,) = await admin.describe_topics([topic])
    finally:
        await admin.close()
    if description["error_code"] or not description["partitions"]:
        raise ReindexError(f"topic {topic!r} does not exist: nothing to rebuild from")
    return [TopicPartition(topic, p["partition"]) for p in sorted(description["partitions"],
                                                                  key=lambda p: p["partition"])]


async def copy_range(consumer: AIOKafkaConsumer, writer: BulkWriter, start: Offsets, end: Offsets,
                     batch_size: int) -> CopyStats:
    """Bulk every article of [start, end) per partition through ``writer``."""
    stats = CopyStats()
    pending = [tp for tp in end if start[tp] < end[tp]]
    consumer.resume(*end)
    for tp in end:
        consumer.seek(tp, start[tp])
    consumer.pause(*[tp for tp in end if tp not in pending])
    while pending:
        batch = await consumer.getmany(*pending, timeout_ms=1000, max_records=batch_size)
        records: list[ConsumerRecord] = [r for tp, rs in batch.items() for r in rs if r.offset < end[tp]]
        if records:
            await _write(records, writer, stats)
        for tp in list(pending):
            if await consumer.position(tp) >= end[tp]:
                pending.remove(tp)
                consumer.pause(tp)
    return stats


async def _write(records: list[ConsumerRecord], writer: BulkWriter, stats: CopyStats) -> None:
    items: dict[str, BulkItem] = {}
    for record in records:
        stats.read += 1
        if record.value is None:
            stats.skipped += 1
            continue
        try:
            article = EnrichedArticle.model_validate_json(record.value)
        except ValidationError:
            stats.skipped += 1
            continue
        items[article.article_id] = BulkItem(article.article_id, to_document(article))  # the later copy wins
    if items:
        outcome = await writer.write(list(items.values()))
        stats.indexed += len(outcome.indexed)
        stats.rejected += outcome.rejected


async def swap_aliases(es: AsyncElasticsearch, settings: Settings, new_index: str, old: list[str]) -> None:
    """Move the read and the write alias from ``old`` to ``new_index`` in one atomic ``_aliases`` call."""
    actions: list[dict[str, dict[str, object]]] = [
        {"remove": {"index": index, "alias": alias}} for index in old for alias in (settings.read_alias,
                                                                                   settings.write_alias)
    ]
    actions += [
        {"add": {"index": new_index, "alias": settings.read_alias}},
        {"add": {"index": new_index, "alias": settings.write_alias, "is_write_index": True}},
    ]
    await es.indices.update_aliases(actions=actions)


async def aliased_indices(es: AsyncElasticsearch, settings: Settings) -> list[str]:
    """The indices the read or the write alias points to now."""
    found = set(await alias_indices(es, settings.read_alias)) | set(await alias_indices(es, settings.write_alias))
    return sorted(found)


async def reindex(settings: Settings, *, delete_old: bool = False, progress: Progress = lambda _: None,
                  before_swap: Callable[[], Awaitable[None]] | None = None) -> ReindexReport:
    started = time.monotonic()
    es = async_client(settings, request_timeout=120)
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka_servers, group_id=None, enable_auto_commit=False,
                                auto_offset_reset="earliest", client_id=f"{settings.app_id}.reindex")
    try:
        new_index = await create_version(es, settings)
        progress(f"created {new_index}")
        try:
            built, end, writer = await _build(es, consumer, settings, new_index, progress)
            if before_swap is not None:
                await before_swap()
        except BaseException:
            await es.indices.delete(index=new_index, ignore_unavailable=True)
            raise
        old, caught_up = await swap_and_catch_up(es, consumer, writer, settings, new_index, end, progress)
        deleted = await delete_indices(es, old, progress) if delete_old else []
        count = (await es.count(index=new_index))["count"]
        report = ReindexReport(index=new_index, previous=old, built=built, caught_up=caught_up, documents=count,
                               seconds=round(time.monotonic() - started, 2), deleted=deleted)
        log.info("reindex done", index=new_index, previous=old, documents=count, seconds=report.seconds)
        return report
    finally:
        await consumer.stop()
        await es.close()


async def create_version(es: AsyncElasticsearch, settings: Settings) -> str:
    """Put the current template and create ``<prefix>-v<N+1>`` from it, refresh off while it is filled."""
    await put_template(es, settings)
    new_index = versioned_index(settings, max(await existing_versions(es, settings), default=0) + 1)
    await es.indices.create(index=new_index, settings={"index": {"refresh_interval": "-1"}})
    return new_index


async def open_for_search(es: AsyncElasticsearch, settings: Settings, index: str) -> None:
    """Give a filled version the template's refresh interval back and refresh it."""
    await es.indices.put_settings(index=index, settings={"index": {"refresh_interval": refresh_interval(settings)}})
    await es.indices.refresh(index=index)


async def swap_and_catch_up(es: AsyncElasticsearch, consumer: AIOKafkaConsumer, writer: BulkWriter,
                            settings: Settings, new_index: str, since: Offsets,
                            progress: Progress) -> tuple[list[str], CopyStats]:
    """Swap both aliases to ``new_index``, then copy what ``news.enriched`` got after ``since`` (offsets of the
    consumer's assigned partitions) into it: the articles the live indexer wrote to the old version meanwhile.
    Returns the versions that held the aliases and the catch-up's figures."""
    old = [index for index in await aliased_indices(es, settings) if index != new_index]
    await swap_aliases(es, settings, new_index, old)
    progress(f"aliases {settings.read_alias}, {settings.write_alias} -> {new_index} (were {', '.join(old) or '-'})")
    after_swap = await consumer.end_offsets(list(since))
    caught_up = await copy_range(consumer, writer, since, after_swap, settings.bulk_max_docs)
    await es.indices.refresh(index=new_index)
    progress(f"caught up {caught_up.indexed} documents written to {settings.topic_enriched} during the rebuild")
    return old, caught_up


async def delete_indices(es: AsyncElasticsearch, indices: list[str], progress: Progress) -> list[str]:
    if indices:
        await es.indices.delete(index=",".join(indices))
        progress(f"deleted {', '.join(indices)}")
    return indices


async def _build(es: AsyncElasticsearch, consumer: AIOKafkaConsumer, settings: Settings, new_index: str,
                 progress: Progress) -> tuple[CopyStats, Offsets, BulkWriter]:
    """Fill ``new_index`` from the beginning of the topic up to the end offsets of now."""
    await consumer.start()
    partitions = await topic_partitions(settings, settings.topic_enriched)
    consumer.assign(partitions)
    begin = await consumer.beginning_offsets(partitions)
    end = await consumer.end_offsets(partitions)
    progress(f"replaying {settings.topic_enriched} up to offsets {_show(end)}")
    writer = BulkWriter(es, settings.model_copy(update={"write_alias": new_index}))
    built = await copy_range(consumer, writer, begin, end, settings.bulk_max_docs)
    await open_for_search(es, settings, new_index)
    progress(f"built {new_index}: {built.indexed} documents ({built.skipped} skipped, {len(built.rejected)} rejected)")
    return built, end, writer


def _show(offsets: Offsets) -> str:
    return ", ".join(f"{tp.partition}:{offset}" for tp, offset in sorted(offsets.items()))
