"""The foundation: the real broker and node the local stack runs, as a client sees them."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
import uuid
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from newsingest.config import Settings
from newsingest.index.client import sync_client

NEWSINGEST = str(Path(sys.executable).with_name("newsingest"))


def test_message_produced_with_aiokafka_is_consumed_back(stack: Settings) -> None:
    topic = f"t{uuid.uuid4().hex[:8]}.roundtrip"

    async def roundtrip() -> list[tuple[bytes, bytes]]:
        producer = AIOKafkaProducer(bootstrap_servers=stack.kafka_servers, acks="all", enable_idempotence=True)
        await producer.start()
        try:
            for i in range(3):
                await producer.send_and_wait(topic, key=f"k{i}".encode(), value=f"v{i}".encode())
        finally:
            await producer.stop()
        consumer = AIOKafkaConsumer(topic, bootstrap_servers=stack.kafka_servers, auto_offset_reset="earliest",
                                    group_id=f"{topic}.group")
        await consumer.start()
        got: list[tuple[bytes, bytes]] = []
        try:
            deadline = time.monotonic() + 30
            while len(got) < 3 and time.monotonic() < deadline:
                for records in (await consumer.getmany(timeout_ms=500)).values():
                    got.extend((r.key, r.value) for r in records)
        finally:
            await consumer.stop()
        return got

    # the broker does not auto-create topics: create it like the pipeline does
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic

    async def create() -> None:
        admin = AIOKafkaAdminClient(bootstrap_servers=stack.kafka_servers)
        await admin.start()
        try:
            await admin.create_topics([NewTopic(topic, 1, 1)])
        finally:
            await admin.close()

    asyncio.run(create())
    assert sorted(asyncio.run(roundtrip())) == [(b"k0", b"v0"), (b"k1", b"v1"), (b"k2", b"v2")]


def test_document_is_found_by_full_text_query(stack: Settings) -> None:
    es = sync_client(stack)
    index = f"t{uuid.uuid4().hex[:8]}-fulltext"
    try:
        es.index(index=index, id="1", document={"title": "Kim visits Russia", "body": "A summit with Putin."},
                 refresh="wait_for")
        es.index(index=index, id="2", document={"title": "Markets", "body": "Shares fell."}, refresh="wait_for")
        hits = es.search(index=index, query={"match": {"body": "putin"}})["hits"]["hits"]
        assert [h["_id"] for h in hits] == ["1"]
    finally:
        es.indices.delete(index=index, ignore_unavailable=True)
        es.close()


def _tokens(stack: Settings, analyzer: str, text: str) -> list[str]:
    es = sync_client(stack)
    try:
        return [t["token"] for t in es.indices.analyze(analyzer=analyzer, text=text)["tokens"]]
    finally:
        es.close()


def test_language_analyzers_have_their_full_distribution_names(stack: Settings) -> None:
    assert _tokens(stack, "german", "Häuser") == ["haus"]
    assert _tokens(stack, "english", "running") == ["run"]
    assert _tokens(stack, "english", "summits") == _tokens(stack, "english", "summit")
    assert _tokens(stack, "german", "Gipfeltreffens") == _tokens(stack, "german", "Gipfeltreffen")


def test_keyword_with_lowercase_normalizer_aggregates_case_variants(stack: Settings) -> None:
    es = sync_client(stack)
    index = f"t{uuid.uuid4().hex[:8]}-facets"
    try:
        es.indices.create(
            index=index,
            settings={"analysis": {"normalizer": {"lc": {"type": "custom", "filter": ["lowercase", "asciifolding"]}}}},
            mappings={"properties": {"person": {"type": "keyword", "normalizer": "lc"}}},
        )
        for i, name in enumerate(["Putin", "PUTIN", "putin", "Kim"]):
            es.index(index=index, id=str(i), document={"person": name})
        es.indices.refresh(index=index)
        aggs = es.search(index=index, size=0, aggs={"p": {"terms": {"field": "person"}}})["aggregations"]
        assert {b["key"]: b["doc_count"] for b in aggs["p"]["buckets"]} == {"putin": 3, "kim": 1}
    finally:
        es.indices.delete(index=index, ignore_unavailable=True)
        es.close()


def test_stack_up_again_is_a_quick_no_op(stack: Settings) -> None:
    started = time.monotonic()
    result = subprocess.run([NEWSINGEST, "stack", "up"], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert "already running" in result.stderr
    assert time.monotonic() - started < 30
    status = subprocess.run([NEWSINGEST, "stack", "status"], capture_output=True, text=True, timeout=60, check=False)
    assert status.returncode == 0, status.stdout + status.stderr
    assert '"running": true' in status.stdout
