"""The enrich agent on batches, against the real broker: a backlog on news.raw is taken in batches of more than
one event, every article is produced once to news.enriched, poison messages go to news.dlq one by one (counted
once Kafka acknowledged them), the group's committed offsets reach the end of news.raw, and every step's CPU is
counted in /metrics."""

from __future__ import annotations

import asyncio
import time
import urllib.request
from pathlib import Path

from aiokafka.admin import AIOKafkaAdminClient

from newsingest.config import Settings
from newsingest.ingest.formats.base import SourceFile
from newsingest.ingest.formats.registry import parse_file
from newsingest.kafka.topics import ensure_topics
from newsingest.models import RawArticle
from tests.integration.harness import PipelineProcess, bbc_files, produce, read_topic, wait_for

ARTICLES = 150


def metrics(settings: Settings) -> dict[str, float]:
    with urllib.request.urlopen(f"http://{settings.web_host}:{settings.web_port}/metrics", timeout=5) as resp:
        lines = resp.read().decode().splitlines()
    return {k: float(v) for k, _, v in (ln.rpartition(" ") for ln in lines if ln and not ln.startswith("#"))}


def committed(settings: Settings) -> int:
    """The enrich group's committed offsets on news.raw, summed over partitions."""

    async def main() -> int:
        admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_servers)
        await admin.start()
        try:
            offsets = await admin.list_consumer_group_offsets(f"{settings.app_id}.enrich")
        finally:
            await admin.close()
        return sum(meta.offset for tp, meta in offsets.items() if tp.topic == settings.topic_raw)

    return asyncio.run(main())


def test_a_backlog_is_enriched_in_batches_and_committed(isolated: Settings, tmp_path: Path) -> None:
    settings = isolated.model_copy(update={"ner_enabled": False})
    articles: list[RawArticle] = []
    for path in bbc_files(ARTICLES + 50):
        articles.extend(parse_file(SourceFile(name=path.name, data=path.read_bytes())))
    unique = list({a.article_id: a for a in articles}.values())[:ARTICLES]
    messages = [(a.article_id.encode(), a.model_dump_json().encode()) for a in unique]
    messages.insert(40, (b"poison-1", b"{not json"))
    messages.insert(100, (b"poison-2", b'{"title": 1}'))
    asyncio.run(ensure_topics(settings))
    produce(settings, settings.topic_raw, messages)  # the backlog is there before the worker starts

    worker = PipelineProcess(settings, tmp_path / "worker.log", ("worker", "--no-index")).start()
    try:
        enriched = read_topic(settings, settings.topic_enriched, expect=ARTICLES, timeout=240)
        assert sorted(r.key.decode() for r in enriched) == sorted(a.article_id for a in unique), worker.log()[-3000:]
        letters = read_topic(settings, settings.topic_dlq, expect=2, timeout=30)
        assert sorted(r.key for r in letters) == [b"poison-1", b"poison-2"]
        wait_for(lambda: committed(settings) == len(messages), 30, "offsets committed to the end", worker.log)
        values = metrics(settings)
        batches = values["newsingest_enrich_batch_size_count"]
        assert values["newsingest_enrich_batch_size_sum"] == len(messages)
        assert batches < len(messages) / 5, f"{batches} batches for {len(messages)} events"
        assert values['newsingest_dead_letters_total{stage="decode"}'] == 2
        assert values["newsingest_articles_enriched_total"] == ARTICLES
        for step in ("consume", "language", "places", "stories", "enriched_produce"):
            assert values[f'newsingest_step_cpu_seconds_total{{step="{step}"}}'] > 0, step
        assert values['newsingest_step_cpu_seconds_total{step="ner_client"}'] == 0  # NER is off
        started = time.monotonic()
        assert worker.stop() == 0, worker.log_path.read_text()[-3000:]
        assert time.monotonic() - started < 30
    finally:
        worker.stop()
