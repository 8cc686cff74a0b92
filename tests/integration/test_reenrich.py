"""`newsingest reenrich` against the real stack (Kafka, Elasticsearch, CoreNLP): articles enriched by an older
rule set get the current facets, searches answer from the old version until the aliases swap, news.enriched
gets the new versions, --since carries older articles over, a rerun is harmless, and a news.raw that lost
articles stops the run with the counts."""

from __future__ import annotations

import asyncio
import hashlib
import json
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from newsingest.config import Settings
from newsingest.enrich.pipeline import Enricher
from newsingest.index.client import async_client, sync_client
from newsingest.index.document import to_document
from newsingest.index.reenrich import ReenrichError, reenrich
from newsingest.index.setup import ensure_index
from newsingest.index.writer import BulkItem, BulkWriter
from newsingest.kafka.topics import ensure_topics, topic_config
from newsingest.models import EnrichedArticle, Entity, EntityType, Provenance, RawArticle
from tests.integration.harness import produce, read_topic, settings_env

RECENT = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
OLD = datetime(2020, 3, 1, 8, 0, tzinfo=UTC)
TEXTS = {
    "merkel": ("Merkel and Macron meet in Paris",
               "German Chancellor Angela Merkel met French President Emmanuel Macron in Paris on Tuesday. "
               "Merkel said the European Commission must act. Macron agreed and thanked Merkel."),
    "obama": ("Obama visits Toronto",
              "Former US President Barack Obama spoke in Toronto on Monday. Obama praised Canadian Prime Minister "
              "Justin Trudeau and the University of Toronto."),
    "putin": ("Putin meets Erdogan in Moscow",
              "Russian President Vladimir Putin received Turkish President Recep Tayyip Erdogan in Moscow. "
              "Putin and Erdogan discussed Syria and the Kremlin said the talks went well."),
}


def _raw(name: str, when: datetime) -> RawArticle:
    title, body = TEXTS[name]
    return RawArticle(
        article_id=hashlib.sha256(f"reenrich-{name}".encode()).hexdigest(), title=title, body=body,
        published_at=when, source="Test Wire",
        provenance=Provenance(file_name=f"{name}.txt", file_sha256="0" * 64, file_size=len(body),
                              media_type="text/plain", format="text", received_at=when),
    )


def _stale(raw: RawArticle) -> EnrichedArticle:
    """What an older rule set made of the article: a wrong person, no places, an old story."""
    return EnrichedArticle(
        **raw.model_dump(), language="en", language_confidence=0.99, word_count=20, pipeline_version="0.0.old",
        entities=[Entity(name="Stale Person", type=EntityType.PERSON, count=1)], story_id=f"story-{raw.article_id}",
    )


def _index_stale(settings: Settings, articles: list[EnrichedArticle]) -> None:
    async def main() -> None:
        es = async_client(settings)
        try:
            await ensure_index(es, settings)
            outcome = await BulkWriter(es, settings).write([BulkItem(a.article_id, to_document(a)) for a in articles])
            assert not outcome.rejected, outcome.rejected
            await es.indices.refresh(index=settings.read_alias)
        finally:
            await es.close()

    asyncio.run(main())
    produce(settings, settings.topic_enriched, [(a.article_id.encode(), a.model_dump_json().encode())
                                                for a in articles])


def _doc(settings: Settings, article_id: str) -> dict[str, Any]:
    es = sync_client(settings)
    try:
        return dict(es.get(index=settings.read_alias, id=article_id)["_source"])
    finally:
        es.close()


def _aliases(settings: Settings) -> dict[str, dict[str, Any]]:
    es = sync_client(settings)
    try:
        found = es.indices.get_alias(name=f"{settings.read_alias},{settings.write_alias}").body
        return {index: body["aliases"] for index, body in found.items()}
    finally:
        es.close()


class SearchLoop(threading.Thread):
    """Searches the read alias for a person facet in a loop; records totals and errors."""

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
                    resp = es.search(index=self.settings.read_alias, q="President", size=0, track_total_hits=True)
                    self.totals.append(resp["hits"]["total"]["value"])
                except Exception as exc:
                    self.errors.append(f"{type(exc).__name__}: {exc}")
                time.sleep(0.02)
        finally:
            es.close()


def test_news_raw_is_compacted_and_an_older_topic_is_aligned(isolated: Settings) -> None:
    async def main() -> dict[str, tuple[str, bool]] | None:
        admin = AIOKafkaAdminClient(bootstrap_servers=isolated.kafka_servers)
        await admin.start()
        try:  # news.raw as an older release created it: deleted after 7 days, not compacted
            await admin.create_topics([NewTopic(isolated.topic_raw, 1, 1, topic_configs={
                "retention.ms": "604800000", "max.message.bytes": "2000000"})])
            await ensure_topics(isolated)
            return await topic_config(admin, isolated.topic_raw)
        finally:
            await admin.close()

    config = asyncio.run(main())
    assert config is not None
    assert config["cleanup.policy"][0] == "compact"
    assert config["retention.ms"][0] == "-1"
    assert config["max.message.bytes"] == ("2000000", True)  # the operator's own setting stays
    assert Settings.model_fields["raw_retention_ms"].default == -1


def test_reenrich_gives_old_articles_the_current_facets(isolated: Settings) -> None:
    settings = isolated
    asyncio.run(ensure_topics(settings))
    raws = [_raw("merkel", RECENT), _raw("obama", RECENT), _raw("putin", OLD)]
    merkel, obama, putin = (r.article_id for r in raws)
    produce(settings, settings.topic_raw, [(r.article_id.encode(), r.model_dump_json().encode()) for r in raws])
    _index_stale(settings, [_stale(r) for r in raws])
    assert _doc(settings, merkel)["persons"] == ["Stale Person"]

    seen_before_swap: list[dict[str, Any]] = []

    async def before_swap() -> None:  # the new version is complete, the aliases still point to the old one
        seen_before_swap.append(await asyncio.to_thread(_doc, settings, merkel))

    searcher = SearchLoop(settings)
    searcher.start()
    progress: list[str] = []
    try:
        report = asyncio.run(reenrich(settings, since=datetime(2025, 1, 1, tzinfo=UTC), before_swap=before_swap,
                                      progress=progress.append))
    finally:
        searcher.halt.set()
        searcher.join(10)

    assert searcher.errors == []
    assert len(searcher.totals) > 5
    assert set(searcher.totals) == {3}
    assert seen_before_swap[0]["persons"] == ["Stale Person"]  # searches used the old version until the swap
    assert report.index == f"{settings.index_prefix}-v2"
    assert report.previous == [f"{settings.index_prefix}-v1"]
    assert (report.in_scope, report.replayed, report.carried_over, report.failed) == (2, 2, 3, [])
    assert report.documents == 3
    aliases = _aliases(settings)
    assert list(aliases) == [report.index]
    assert aliases[report.index][settings.write_alias] == {"is_write_index": True}
    assert any(line.startswith("reenrich 2/2 articles (100%)") and "/s, ETA" in line for line in progress)

    fresh = _doc(settings, merkel)
    assert "Stale Person" not in fresh["persons"]
    assert any("Merkel" in p for p in fresh["persons"])
    assert any("Macron" in p for p in fresh["persons"])
    assert "Paris" in fresh["locations"]
    assert fresh["pipeline_version"] != "0.0.old"
    assert fresh["story_id"] == f"story-{merkel}"  # the story of the previous version is kept
    assert any("Obama" in p for p in _doc(settings, obama)["persons"])
    assert _doc(settings, putin)["persons"] == ["Stale Person"]  # older than --since: carried over

    versions = [json.loads(r.value) for r in read_topic(settings, settings.topic_enriched, expect=5)
                if r.key == merkel.encode()]
    assert [v["pipeline_version"] for v in versions][-1] == fresh["pipeline_version"]  # news.enriched has it

    # a rerun without --since: everything replayed, the same facets for what was already current
    again = asyncio.run(reenrich(settings, delete_old=True))
    assert (again.index, again.replayed, again.documents, again.failed) == (f"{settings.index_prefix}-v3", 3, 3, [])
    assert again.deleted == [report.index]
    assert sorted(_doc(settings, merkel)["persons"]) == sorted(fresh["persons"])
    assert any("Putin" in p for p in _doc(settings, putin)["persons"])
    assert list(_aliases(settings)) == [again.index]


def test_reenrich_stops_when_news_raw_lost_articles(isolated: Settings) -> None:
    settings = isolated.model_copy(update={"ner_enabled": False})
    asyncio.run(ensure_topics(settings))
    kept, lost = _raw("merkel", RECENT), _raw("obama", RECENT)
    produce(settings, settings.topic_raw, [(kept.article_id.encode(), kept.model_dump_json().encode())])
    _index_stale(settings, [_stale(kept), _stale(lost)])  # `lost` is indexed but gone from news.raw

    done = subprocess.run([str(Path(sys.executable).with_name("newsingest")), "reenrich"],
                          env=settings_env(settings), capture_output=True, text=True, timeout=300)
    assert done.returncode == 1
    assert "has lost data: the index holds 2 articles in scope, 1 of them are not on" in done.stderr
    assert lost.article_id in done.stderr
    assert list(_aliases(settings)) == [f"{settings.index_prefix}-v1"]  # nothing swapped
    es = sync_client(settings)
    try:
        assert not es.indices.exists(index=f"{settings.index_prefix}-v2")
    finally:
        es.close()
    with pytest.raises(ReenrichError, match="lost data"):
        asyncio.run(reenrich(settings))

    done = subprocess.run([str(Path(sys.executable).with_name("newsingest")), "reenrich", "--allow-missing", "--json"],
                          env=settings_env(settings), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["replayed"], report["missing_from_raw"], report["documents"]) == (1, 1, 2)
    assert "Their current versions are kept (--allow-missing)" in done.stderr
    assert "reenrich 1/1 articles (100%), " in done.stderr  # the progress line with rate and ETA
    assert _doc(settings, lost.article_id)["persons"] == ["Stale Person"]  # its current version is kept
    assert _doc(settings, kept.article_id)["pipeline_version"] != "0.0.old"


def test_a_stopped_run_is_resumed_by_the_next(isolated: Settings) -> None:
    settings = isolated.model_copy(update={"ner_enabled": False})
    asyncio.run(ensure_topics(settings))
    raws = [_raw("merkel", RECENT), _raw("obama", RECENT)]
    produce(settings, settings.topic_raw, [(r.article_id.encode(), r.model_dump_json().encode()) for r in raws])
    _index_stale(settings, [_stale(r) for r in raws])

    async def stop() -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        asyncio.run(reenrich(settings, before_swap=stop))
    assert list(_aliases(settings)) == [f"{settings.index_prefix}-v1"]  # nothing swapped, v2 kept for a resume

    progress: list[str] = []
    report = asyncio.run(reenrich(settings, progress=progress.append))
    assert report.resumed
    assert (report.index, report.already_done, report.replayed, report.documents) == (
        f"{settings.index_prefix}-v2", 2, 0, 2)
    assert any(line.startswith(f"resuming {settings.index_prefix}-v2") for line in progress)
    assert list(_aliases(settings)) == [report.index]
    assert _doc(settings, raws[0].article_id)["pipeline_version"] != "0.0.old"

    # a run with another scope does not resume an unfinished version: it deletes it and starts afresh
    with pytest.raises(KeyboardInterrupt):
        asyncio.run(reenrich(settings, before_swap=stop))
    fresh = asyncio.run(reenrich(settings, since=datetime(2025, 1, 1, tzinfo=UTC), progress=progress.append))
    assert not fresh.resumed
    assert fresh.index == f"{settings.index_prefix}-v3"  # the number of the deleted version, built anew
    assert fresh.replayed == 2
    assert f"deleted {settings.index_prefix}-v3, left unfinished by an earlier run that cannot be resumed" in progress


def test_an_article_that_fails_keeps_its_previous_version(isolated: Settings) -> None:
    settings = isolated.model_copy(update={"ner_enabled": False})
    asyncio.run(ensure_topics(settings))
    good, bad = _raw("merkel", RECENT), _raw("obama", RECENT)
    produce(settings, settings.topic_raw, [(r.article_id.encode(), r.model_dump_json().encode()) for r in (good, bad)])
    _index_stale(settings, [_stale(good), _stale(bad)])

    class Refusing(Enricher):
        """The current enrichment, failing on one article (as a poison article would)."""

        async def enrich(self, raw: RawArticle) -> EnrichedArticle:
            if raw.article_id == bad.article_id:
                raise ValueError("cannot enrich this one")
            return await super().enrich(raw)

        async def enrich_batch(self, raws: Sequence[RawArticle], **_: Any) -> list[EnrichedArticle | BaseException]:
            return [await _attempt(self, raw) for raw in raws]

    async def main() -> Any:
        enricher = Refusing(settings, story_store={})
        try:
            return await reenrich(settings, enricher=enricher)
        finally:
            await enricher.aclose()

    report = asyncio.run(main())
    assert report.replayed == 1
    assert [article_id for article_id, _ in report.failed] == [bad.article_id]
    assert "cannot enrich this one" in report.failed[0][1]
    assert report.documents == 2
    assert _doc(settings, bad.article_id)["persons"] == ["Stale Person"]  # the previous version stays
    assert _doc(settings, good.article_id)["pipeline_version"] != "0.0.old"


async def _attempt(enricher: Enricher, raw: RawArticle) -> EnrichedArticle | BaseException:
    try:
        return await enricher.enrich(raw)
    except ValueError as exc:
        return exc


def test_articles_the_live_indexer_had_not_indexed_or_wrote_meanwhile_reach_the_new_version(
        isolated: Settings) -> None:
    settings = isolated.model_copy(update={"ner_enabled": False})
    asyncio.run(ensure_topics(settings))
    replayed, lagging, arriving = _raw("merkel", RECENT), _raw("obama", RECENT), _raw("putin", RECENT)
    produce(settings, settings.topic_raw, [(replayed.article_id.encode(), replayed.model_dump_json().encode())])
    _index_stale(settings, [_stale(replayed)])
    asyncio.run(_commit_indexer_offsets(settings, 0))  # the live indexer committed nothing it has not indexed...
    # ...and has not indexed this one yet: in news.enriched only (not on news.raw, not in the old index)
    stale = _stale(lagging)
    produce(settings, settings.topic_enriched, [(stale.article_id.encode(), stale.model_dump_json().encode())])

    async def arrives() -> None:  # during the run the live pipeline enriches one more and indexes it into the old
        await asyncio.to_thread(_index_stale, settings, [_stale(arriving)])

    report = asyncio.run(reenrich(settings, before_swap=arrives))
    assert report.replayed == 1
    ids = set(_ids(settings, report.index))
    assert ids == {replayed.article_id, lagging.article_id, arriving.article_id}
    # the catch-up replays news.enriched in order: the run's new version comes after the stale one and wins
    assert _doc(settings, replayed.article_id)["pipeline_version"] != "0.0.old"


async def _commit_indexer_offsets(settings: Settings, offset: int) -> None:
    from aiokafka import AIOKafkaConsumer, TopicPartition

    consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka_servers, group_id=settings.indexer_group,
                                enable_auto_commit=False)
    await consumer.start()
    try:
        parts = [TopicPartition(settings.topic_enriched, p) for p in range(settings.topic_partitions)]
        consumer.assign(parts)
        await consumer.commit({tp: offset for tp in parts})
    finally:
        await consumer.stop()


def _ids(settings: Settings, index: str) -> list[str]:
    es = sync_client(settings)
    try:
        es.indices.refresh(index=index)
        return [hit["_id"] for hit in es.search(index=index, size=100, source=False)["hits"]["hits"]]
    finally:
        es.close()
