"""``newsingest reenrich [--since DATE]``: old articles through the current enrichment, into a new index version.

1. Topics are brought to their spec (``ensure_topics``: ``news.raw`` compacted by article id, kept forever).
2. A first pass reads ``news.raw`` up to the end offsets of now (reenrich_scan.py): the latest version of every
   article, and which of them are in scope (all; or published or ingested since ``--since``). Every article of
   the index in scope must be on ``news.raw``: if some are not, the topic lost them (it was not compacted and
   its retention deleted them) and the run stops with the counts, unless ``allow_missing`` keeps their
   current versions.
3. ``<prefix>-v<N+1>`` is created from the current template and the old index is copied into it (scroll and
   bulk): articles not replayed (older than ``--since``, or missing from the topic) are carried over.
4. The second pass (reenrich_replay.py) enriches the articles in scope in process, with bounded concurrency,
   produces the new versions to ``news.enriched`` and indexes them into the new version; progress with rate
   and ETA goes to the log and to ``progress``.
5. The read and write aliases move in one ``_aliases`` call (reindex.py), then the articles the live indexer
   wrote to the old version meanwhile are copied from ``news.enriched``, starting at the offsets the indexer
   had committed before the copy of step 3 (so nothing indexed after that copy's snapshot is lost).

Searches answer from the old version until the swap. A failed or interrupted run deletes its half-built
version; a rerun builds another one (the produced versions are the same articles again: harmless).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from elasticsearch import AsyncElasticsearch
from elasticsearch.helpers import async_scan

from newsingest.config import Settings
from newsingest.enrich.pipeline import PIPELINE_VERSION, Enricher
from newsingest.index.client import async_client
from newsingest.index.reenrich_progress import ProgressMeter
from newsingest.index.reenrich_replay import Replayer, ReplayOutage, enriched_producer
from newsingest.index.reenrich_scan import RawScan, missing_from_raw, scan_raw
from newsingest.index.reenrich_state import RunState, claim, offsets_state, save, unfinished
from newsingest.index.reindex import (
    Offsets,
    Progress,
    ReindexError,
    aliased_indices,
    create_version,
    delete_indices,
    open_for_search,
    swap_and_catch_up,
    topic_partitions,
)
from newsingest.index.writer import BulkItem, BulkWriter
from newsingest.kafka.topics import ensure_topics, raw_topic_config, topic_config
from newsingest.log import get_logger

log = get_logger(__name__)


class ReenrichError(ReindexError):
    pass


@dataclass
class ReenrichReport:
    index: str
    previous: list[str]
    since: str | None
    raw_records: int
    raw_articles: int
    in_scope: int
    replayed: int
    carried_over: int
    missing_from_raw: int
    invalid: int
    failed: list[tuple[str, str]]
    rejected: list[tuple[str, int, str]]
    stories_kept: int
    caught_up: int
    documents: int
    seconds: float
    replay_rate_per_s: float
    deleted: list[str] = field(default_factory=list)
    resumed: bool = False
    already_done: int = 0  # re-enriched by the stopped run this one resumed


async def _version(es: AsyncElasticsearch, settings: Settings, old: list[str], since: str | None,
                   progress: Progress) -> tuple[str, RunState | None]:
    """The version to fill: an unfinished one of an earlier run with the same scope and enrichment (with its
    state), else a new one (an unfinished one that does not match is deleted)."""
    found = await unfinished(es, settings, old)
    if found is not None:
        index, state = found
        if state is not None and state.matches(since, PIPELINE_VERSION, old):
            progress(f"resuming {index}, left unfinished by the run started at {state.started_at}")
            return index, state
        await es.indices.delete(index=index, ignore_unavailable=True)
        progress(f"deleted {index}, left unfinished by an earlier run that cannot be resumed")
    index = await create_version(es, settings)
    await claim(es, index)
    progress(f"created {index}")
    return index, None


async def reenrich(settings: Settings, *, since: datetime | None = None, allow_missing: bool = False,
                   delete_old: bool = False, concurrency: int | None = None, progress: Progress = lambda _: None,
                   before_swap: Callable[[], Awaitable[None]] | None = None,
                   enricher: Enricher | None = None) -> ReenrichReport:
    started = time.monotonic()
    await _prepare_topic(settings, progress)
    es = async_client(settings, request_timeout=120)
    raw = _consumer(settings, "raw")
    enriched = _consumer(settings, "enriched")
    producer = enriched_producer(settings)
    own = enricher is None
    enricher = enricher or Enricher(settings, story_store={})
    try:
        await raw.start()
        await enriched.start()
        raw.assign(await topic_partitions(settings, settings.topic_raw))
        enriched_parts = await topic_partitions(settings, settings.topic_enriched)
        enriched.assign(enriched_parts)
        catch_from = await _indexed_offsets(settings, enriched, enriched_parts)
        scan = await scan_raw(raw, sorted(raw.assignment()), since)
        progress(f"{settings.topic_raw}: {scan.records} records, {scan.articles} articles, {scan.in_scope} to replay"
                 + (f" (published or ingested since {since.isoformat()})" if since else ""))
        old = await aliased_indices(es, settings)
        in_index, missing = await missing_from_raw(es, settings.read_alias, scan, since) if old else (0, [])
        if missing:
            _lost(settings, in_index, scan, missing, allow_missing, progress)
        since_text = since.isoformat() if since else None
        new_index, state = await _version(es, settings, old, since_text, progress)
        resumed = state is not None
        try:
            if state is None:
                carried = await carry_over(es, settings, settings.read_alias, new_index, progress) if old else 0
                state = RunState(since=since_text, pipeline_version=PIPELINE_VERSION,
                                 started_at=datetime.now(UTC).isoformat(), previous=old,
                                 catch_from=offsets_state(catch_from), carried_over=carried)
                await save(es, new_index, state)  # from here on, a stopped run is resumed by the next one
            await enricher.warm_up()
            await producer.start()
            meter = ProgressMeter(scan.in_scope, progress)
            replayer = Replayer(es, settings, enricher, producer, new_index, meter,
                                concurrency or settings.enrich_max_in_flight,
                                written_since=state.started() if resumed else None)
            stats = await replayer.run(raw, scan)
            meter.finish()
            await open_for_search(es, settings, new_index)
            if before_swap is not None:
                await before_swap()
        except ReplayOutage as exc:
            raise ReenrichError(f"{exc}; nothing was swapped; a rerun resumes in {new_index}") from exc
        except BaseException:
            if state is None:  # stopped during the carry-over: nothing worth resuming
                await es.indices.delete(index=new_index, ignore_unavailable=True)
            raise
        writer = BulkWriter(es, settings.model_copy(update={"write_alias": new_index}))
        previous, caught_up = await swap_and_catch_up(es, enriched, writer, settings, new_index,
                                                      state.offsets(settings.topic_enriched), progress)
        deleted = await delete_indices(es, previous, progress) if delete_old else []
        count = (await es.count(index=new_index))["count"]
        report = ReenrichReport(
            index=new_index, previous=previous, since=since.isoformat() if since else None, raw_records=scan.records,
            raw_articles=scan.articles, in_scope=scan.in_scope, replayed=stats.replayed,
            carried_over=state.carried_over, resumed=resumed, already_done=stats.already_done,
            missing_from_raw=len(missing), invalid=stats.invalid, failed=stats.failed, rejected=stats.rejected,
            stories_kept=stats.stories_kept, caught_up=caught_up.indexed, documents=count,
            seconds=round(time.monotonic() - started, 2), replay_rate_per_s=round(meter.rate(), 2), deleted=deleted,
        )
        log.info("reenrich done", index=new_index, previous=previous, replayed=stats.replayed, resumed=resumed,
                 carried_over=state.carried_over, failed=len(stats.failed), documents=count, seconds=report.seconds)
        return report
    finally:
        await producer.stop()
        await raw.stop()
        await enriched.stop()
        await es.close()
        if own:
            await enricher.aclose()


def _consumer(settings: Settings, what: str) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(bootstrap_servers=settings.kafka_servers, group_id=None, enable_auto_commit=False,
                            auto_offset_reset="earliest", client_id=f"{settings.app_id}.reenrich.{what}")


async def _prepare_topic(settings: Settings, progress: Progress) -> None:
    """Bring the topics to their spec; say so when news.raw was not compacted until now."""
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_servers, request_timeout_ms=15000)
    await admin.start()
    try:
        before = await topic_config(admin, settings.topic_raw)
    finally:
        await admin.close()
    await ensure_topics(settings)
    if before is None:
        return
    policy, retention = before.get("cleanup.policy", ("?", False))[0], before.get("retention.ms", ("?", False))[0]
    if {k: before.get(k, ("", False))[0] for k in raw_topic_config(settings)} != raw_topic_config(settings):
        progress(f"{settings.topic_raw} was cleanup.policy={policy}, retention.ms={retention}; now "
                 + ", ".join(f"{k}={v}" for k, v in raw_topic_config(settings).items()))
    if "compact" not in policy or retention != "-1":
        log.warning("news.raw was not compacted and kept forever; articles may have been lost",
                    topic=settings.topic_raw, cleanup_policy=policy, retention_ms=retention)


def _lost(settings: Settings, in_index: int, scan: RawScan, missing: list[str], allow_missing: bool,
          progress: Progress) -> None:
    message = (f"{settings.topic_raw} has lost data: the index holds {in_index} articles in scope, "
               f"{len(missing)} of them are not on {settings.topic_raw} (it holds {scan.articles} articles); "
               f"e.g. {', '.join(missing[:3])}. The topic was not compacted or its retention deleted them "
               "(NEWSINGEST_RAW_RETENTION_MS=-1 and a compacted topic keep every article).")
    if not allow_missing:
        raise ReenrichError(message + " Rerun with --allow-missing to keep their current versions.")
    progress(message + " Their current versions are kept (--allow-missing).")


async def _indexed_offsets(settings: Settings, consumer: AIOKafkaConsumer, parts: list[TopicPartition]) -> Offsets:
    """Where the catch-up starts: the live indexer's committed offsets (everything before them is in the old
    index already), or the end offsets of now where it committed none."""
    end = await consumer.end_offsets(parts)
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_servers, request_timeout_ms=15000)
    await admin.start()
    try:
        committed = await admin.list_consumer_group_offsets(settings.indexer_group, partitions=parts)
    finally:
        await admin.close()
    return {tp: min(end[tp], committed[tp].offset) if tp in committed and committed[tp].offset >= 0 else end[tp]
            for tp in parts}


async def carry_over(es: AsyncElasticsearch, settings: Settings, source: str, new_index: str,
                     progress: Progress) -> int:
    """Copy every document of ``source`` into ``new_index`` (a scroll over the source, bulk writes; the
    ``_reindex`` API is a module a minimal Elasticsearch lacks). Raises when the new mapping rejects any."""
    writer = BulkWriter(es, settings.model_copy(update={"write_alias": new_index}))
    total = (await es.count(index=source))["count"]
    copied, batch, last = 0, [], time.monotonic()
    rejected: list[tuple[str, int, str]] = []
    async for hit in async_scan(es, index=source, query={"query": {"match_all": {}}}, size=settings.bulk_max_docs,
                                scroll="5m"):
        batch.append(BulkItem(hit["_id"], hit["_source"]))
        if len(batch) >= settings.bulk_max_docs:
            outcome = await writer.write(batch)
            copied, rejected, batch = copied + len(outcome.indexed), rejected + outcome.rejected, []
            if time.monotonic() - last >= 2.0:
                progress(f"carrying over {source}: {copied}/{total}")
                last = time.monotonic()
    if batch:
        outcome = await writer.write(batch)
        copied, rejected = copied + len(outcome.indexed), rejected + outcome.rejected
    if rejected:
        raise ReenrichError(f"copying {source} into {new_index}: the current mapping rejected {len(rejected)} "
                            f"documents, e.g. {rejected[0][0]}: {rejected[0][2][:300]}")
    progress(f"carried over {copied} documents of {source}")
    return copied
