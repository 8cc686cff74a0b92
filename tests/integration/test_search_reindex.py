"""`newsingest reindex` against the real stack, with the live indexer running: the new version is built from
news.enriched, both aliases move in one step, searches keep answering throughout, and articles that arrive
during the rebuild (written to the old index by the live indexer) end up in the new index."""

from __future__ import annotations

import asyncio
import hashlib
import json
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from newsingest.config import Settings
from newsingest.index.client import sync_client
from newsingest.index.reindex import ReindexError, reindex
from newsingest.kafka.topics import ensure_topics
from newsingest.models import EnrichedArticle, Provenance
from tests.e2e.support import delete_namespace
from tests.integration.harness import PipelineProcess, count_docs, produce, settings_env, wait_for


def _messages(start: int, count: int) -> list[tuple[bytes | None, bytes]]:
    messages: list[tuple[bytes | None, bytes]] = []
    for i in range(start, start + count):
        article_id = hashlib.sha256(f"reindex-{i}".encode()).hexdigest()
        article = EnrichedArticle(
            article_id=article_id, title=f"Gipfeltreffen Nummer {i}", body=f"Bericht {i} über das Gipfeltreffen.",
            language="de", language_confidence=0.9, word_count=5, pipeline_version="test",
            published_at=datetime(2023, 9, 1, tzinfo=UTC) + timedelta(minutes=i),
            provenance=Provenance(file_name=f"{i}.txt", file_sha256="0" * 64, file_size=1, media_type="text/plain",
                                  format="text"),
        )
        messages.append((article_id.encode(), article.model_dump_json().encode()))
    return messages


def _aliases(settings: Settings) -> dict[str, dict[str, dict[str, object]]]:
    es = sync_client(settings)
    try:
        found = es.indices.get_alias(name=f"{settings.read_alias},{settings.write_alias}").body
        return {index: body["aliases"] for index, body in found.items()}
    finally:
        es.close()


def _index_count(settings: Settings, index: str) -> int:
    es = sync_client(settings)
    try:
        es.indices.refresh(index=index)
        return int(es.count(index=index)["count"])
    finally:
        es.close()


class SearchLoop(threading.Thread):
    """Searches the read alias in a loop and records every answer (or error)."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(daemon=True)
        self.settings = settings
        self.totals: list[int] = []
        self.errors: list[str] = []
        self.halt = threading.Event()

    def run(self) -> None:
        es = sync_client(self.settings)
        try:
            while not self.halt.is_set():
                try:
                    resp = es.search(index=self.settings.read_alias, q="Gipfeltreffen", size=0, track_total_hits=True)
                    self.totals.append(resp["hits"]["total"]["value"])
                except Exception as exc:
                    self.errors.append(f"{type(exc).__name__}: {exc}")
                time.sleep(0.01)
        finally:
            es.close()


async def _topic_config(settings: Settings, topic: str) -> dict[str, str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_servers)
    await admin.start()
    try:
        (response,) = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
    finally:
        await admin.close()
    entries = response.to_object()["resources"][0]["config_entries"]
    return {entry["config_names"]: entry["config_value"] for entry in entries}


def test_enriched_topic_is_compacted_and_its_retention_is_a_setting(isolated: Settings) -> None:
    settings = isolated.model_copy(update={"enriched_retention_ms": 90 * 24 * 3600 * 1000})
    asyncio.run(ensure_topics(settings))
    config = asyncio.run(_topic_config(settings, settings.topic_enriched))
    assert config["cleanup.policy"] == "compact"
    assert config["retention.ms"] == str(90 * 24 * 3600 * 1000)
    assert Settings.model_fields["enriched_retention_ms"].default == -1  # forever, unless set


def test_reindex_swaps_aliases_while_searching_and_catches_up(isolated: Settings, tmp_path: Path) -> None:
    settings = isolated.model_copy(update={"bulk_max_docs": 50})
    asyncio.run(ensure_topics(settings))
    produce(settings, settings.topic_enriched, [*_messages(0, 400), (b"broken", b"{not json")])
    indexer = PipelineProcess(settings, tmp_path / "pipeline.log").start()  # `newsingest run`: the live indexer
    try:
        wait_for(lambda: count_docs(settings) == 400, 120, "the live indexer to index 400 articles", indexer.log)
        searcher = SearchLoop(settings)
        searcher.start()
        arrived_during: list[int] = []

        async def during_rebuild() -> None:
            # articles arriving now go through the write alias to the old index (v1)
            await asyncio.to_thread(produce, settings, settings.topic_enriched, _messages(400, 30))
            await asyncio.to_thread(wait_for, lambda: _index_count(settings, f"{settings.index_prefix}-v1") == 430,
                                    60, "the live indexer to write the new articles to v1", indexer.log)
            arrived_during.append(30)

        report = asyncio.run(reindex(settings, before_swap=during_rebuild))
        time.sleep(0.3)
        searcher.halt.set()
        searcher.join(10)

        assert arrived_during == [30]
        assert report.index == f"{settings.index_prefix}-v2"
        assert report.previous == [f"{settings.index_prefix}-v1"]
        assert report.built.indexed == 400
        assert report.built.skipped == 1  # the broken message (the live indexer dead-lettered it)
        assert report.caught_up.indexed >= 30
        assert report.documents == 430
        aliases = _aliases(settings)
        assert list(aliases) == [report.index]
        assert aliases[report.index][settings.write_alias] == {"is_write_index": True}
        assert settings.read_alias in aliases[report.index]
        assert _index_count(settings, f"{settings.index_prefix}-v1") == 430  # the old version stays unless asked

        assert searcher.errors == []
        assert len(searcher.totals) > 10
        assert min(searcher.totals) >= 400  # searches answered from the full old index, then the new one
        assert searcher.totals[-1] == 430

        produce(settings, settings.topic_enriched, _messages(430, 10))  # after the swap: straight into v2
        wait_for(lambda: _index_count(settings, report.index) == 440, 60, "new articles in v2", indexer.log)
        assert _index_count(settings, f"{settings.index_prefix}-v1") == 430

        done = subprocess.run([str(Path(sys.executable).with_name("newsingest")), "reindex", "--delete-old", "--json"],
                              env=settings_env(settings), capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        cli_report = json.loads(done.stdout)
        assert cli_report["index"] == f"{settings.index_prefix}-v3"
        assert cli_report["documents"] == 440
        assert cli_report["deleted"] == [f"{settings.index_prefix}-v2"]
        assert list(_aliases(settings)) == [f"{settings.index_prefix}-v3"]
    finally:
        indexer.stop()
        delete_namespace(settings)


def test_reindex_without_topic_fails_cleanly(isolated: Settings) -> None:
    with pytest.raises(ReindexError, match="does not exist"):
        asyncio.run(reindex(isolated))
    es = sync_client(isolated)
    try:
        assert not es.indices.exists(index=f"{isolated.index_prefix}-v1")  # the half-built index is removed
    finally:
        es.close()
        delete_namespace(isolated)
