"""A bulk that keeps failing is retried for bulk_retry_max_s, then the writer gives up by raising BulkGaveUp
(the indexer part crashes, nothing is committed, the batch is replayed): never dropped, never dead-lettered.

The Elasticsearch URL is a closed local port: a real connection refusal, no mock.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator

import pytest
from elasticsearch import AsyncElasticsearch
from structlog.testing import capture_logs

from newsingest.config import Settings
from newsingest.index.client import async_client
from newsingest.index.writer import (
    OVERLOADED_MAX_BACKOFF_S,
    UNREACHABLE_MAX_BACKOFF_S,
    BulkGaveUp,
    BulkItem,
    BulkWriter,
    Stopped,
    backoff_after,
)


def closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def settings(max_s: float) -> Settings:
    return Settings(elasticsearch_url=f"http://127.0.0.1:{closed_port()}", bulk_retry_max_s=max_s)


@pytest.fixture
async def unreachable() -> AsyncIterator[AsyncElasticsearch]:
    es = async_client(settings(1.0), request_timeout=2.0)
    yield es
    await es.close()


ITEMS = [BulkItem(f"id-{i}", {"title": f"article {i}"}) for i in range(3)]


async def test_a_bulk_failing_for_longer_than_the_limit_gives_up(unreachable: AsyncElasticsearch) -> None:
    writer = BulkWriter(unreachable, settings(0.6))
    started = time.perf_counter()
    with capture_logs() as logs, pytest.raises(BulkGaveUp) as raised:
        await asyncio.wait_for(writer.write(ITEMS), timeout=10)  # a writer that retried forever fails here
    elapsed = time.perf_counter() - started
    gave_up = raised.value
    assert not isinstance(gave_up, Stopped)  # a crash, not a clean stop: the process exits non-zero
    assert gave_up.documents == 3
    assert 0.6 <= gave_up.tried_s <= elapsed < 5.0
    assert "ConnectionError" in gave_up.last_error
    assert "3 documents" in str(gave_up)
    assert "ConnectionError" in str(gave_up)
    retried = [e for e in logs if e["event"] == "bulk failed; retrying"]
    assert len(retried) >= 2  # it did retry (0.25 s, then the rest of the 0.6 s) before giving up
    (final,) = [e for e in logs if e["log_level"] == "error"]
    assert final["documents"] == 3
    assert final["tried_s"] >= 0.6
    assert final["attempts"] == len(retried) + 1
    assert "ConnectionError" in final["last_error"]
    assert final["bulk_retry_max_s"] == 0.6


async def test_a_stop_during_the_retries_is_a_clean_stop_not_a_give_up(unreachable: AsyncElasticsearch) -> None:
    stop = asyncio.Event()
    writer = BulkWriter(unreachable, settings(60.0), stop)
    asyncio.get_running_loop().call_later(0.5, stop.set)
    started = time.perf_counter()
    with pytest.raises(Stopped):
        await asyncio.wait_for(writer.write(ITEMS), timeout=10)
    assert time.perf_counter() - started < 5.0


async def bulk_error(es: AsyncElasticsearch) -> Exception:
    try:
        await es.bulk(operations=b'{"index":{"_id":"x"}}\n{}\n', index="news")
    except Exception as exc:
        return exc
    raise AssertionError("the bulk should have failed")


async def test_a_node_that_is_down_is_retried_every_few_seconds(unreachable: AsyncElasticsearch) -> None:
    refused = await bulk_error(unreachable)
    policy = backoff_after(refused)
    assert policy.cap_s == UNREACHABLE_MAX_BACKOFF_S <= 5.0  # indexing resumes within seconds of the node's return
    assert max(policy.delay(attempt) for attempt in range(1, 40)) <= UNREACHABLE_MAX_BACKOFF_S


async def test_a_node_that_does_not_answer_in_time_gets_a_longer_backoff() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as silent:  # listens, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        es = async_client(Settings(elasticsearch_url=f"http://127.0.0.1:{port}"), request_timeout=0.3)
        try:
            timed_out = await bulk_error(es)
        finally:
            await es.close()
    policy = backoff_after(timed_out)
    assert policy.cap_s == OVERLOADED_MAX_BACKOFF_S > UNREACHABLE_MAX_BACKOFF_S
    assert max(policy.delay(attempt) for attempt in range(1, 40)) > UNREACHABLE_MAX_BACKOFF_S
