"""Bulk writes to the write alias with retries: a batch returns only when every document is either
acknowledged by Elasticsearch or rejected permanently (mapping errors and other 4xx), never in between.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import orjson
from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout
from elasticsearch import ApiError, AsyncElasticsearch

from newsingest.backoff import Backoff
from newsingest.config import Settings
from newsingest.log import get_logger
from newsingest.metrics import ARTICLES_INDEXED, BULK_RETRIES, BULK_SECONDS

log = get_logger(__name__)

RETRYABLE_STATUS = {408, 429, 500, 502, 503, 504}
MAX_BACKOFF_S = 30.0
BACKOFF = Backoff(base_s=0.25, cap_s=MAX_BACKOFF_S, jitter=True)


@dataclass(frozen=True)
class BulkItem:
    doc_id: str
    document: dict[str, Any]


@dataclass
class BulkOutcome:
    indexed: list[str] = field(default_factory=list)
    rejected: list[tuple[str, int, str]] = field(default_factory=list)  # (doc id, status, reason)
    created: set[str] = field(default_factory=set)  # indexed for the first time (not an update)


class Stopped(Exception):
    """The writer was asked to stop while a batch was still being retried; nothing of it counts as done."""


class BulkWriter:
    """Writes items to the write alias in bulk requests of at most ``bulk_max_bytes`` (each document is
    serialized once, however often its request is retried)."""

    def __init__(self, es: AsyncElasticsearch, settings: Settings, stop: asyncio.Event | None = None) -> None:
        self.es = es
        self.settings = settings
        self.stop = stop or asyncio.Event()

    async def write(self, items: Sequence[BulkItem]) -> BulkOutcome:
        outcome = BulkOutcome()
        for chunk in chunked(items, self.settings.bulk_max_bytes):
            await self._write_chunk(chunk, outcome)
        ARTICLES_INDEXED.labels("ok").inc(len(outcome.indexed))
        ARTICLES_INDEXED.labels("rejected").inc(len(outcome.rejected))
        return outcome

    async def _write_chunk(self, chunk: Sequence[_Encoded], outcome: BulkOutcome) -> None:
        pending = list(chunk)
        attempt = 0
        while pending:
            if self.stop.is_set():
                raise Stopped
            try:
                started = time.perf_counter()
                body = b"".join(encoded.lines for encoded in pending)
                response = await self.es.bulk(operations=body, index=self.settings.write_alias)
                BULK_SECONDS.observe(time.perf_counter() - started)
            except (TransportConnectionError, ConnectionTimeout) as exc:
                attempt = await self._backoff(attempt, f"{type(exc).__name__}: {exc}", len(pending))
                continue
            except ApiError as exc:
                if exc.meta.status in RETRYABLE_STATUS:
                    attempt = await self._backoff(attempt, f"HTTP {exc.meta.status}", len(pending))
                    continue
                raise
            retry: list[_Encoded] = []
            for encoded, result in zip(pending, response["items"], strict=True):
                status = result["index"]["status"]
                if status < 300:
                    outcome.indexed.append(encoded.doc_id)
                    if result["index"].get("result") == "created":
                        outcome.created.add(encoded.doc_id)
                elif status in RETRYABLE_STATUS:
                    retry.append(encoded)
                else:
                    error = result["index"].get("error", {})
                    reason = f"{error.get('type', 'error')}: {error.get('reason', '')}"
                    outcome.rejected.append((encoded.doc_id, status, reason))
            if retry:
                attempt = await self._backoff(attempt, f"{len(retry)} items rejected with 429/5xx", len(retry))
            pending = retry

    async def _backoff(self, attempt: int, why: str, pending: int) -> int:
        delay = BACKOFF.delay(attempt)
        BULK_RETRIES.inc()
        log.warning("bulk failed; retrying", reason=why, documents=pending, attempt=attempt + 1,
                    retry_in_s=round(delay, 2))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stop.wait(), timeout=delay)
        return attempt + 1


class _Encoded(NamedTuple):
    doc_id: str
    lines: bytes  # the action line and the document, NDJSON


def chunked(items: Sequence[BulkItem], max_bytes: int) -> Iterator[list[_Encoded]]:
    """The items serialized (orjson) once, grouped into bodies of at most ``max_bytes`` (a bigger single document
    goes alone: Elasticsearch decides about it)."""
    chunk: list[_Encoded] = []
    size = 0
    for item in items:
        lines = b"".join((orjson.dumps({"index": {"_id": item.doc_id}}), b"\n", orjson.dumps(item.document), b"\n"))
        if chunk and size + len(lines) > max_bytes:
            yield chunk
            chunk, size = [], 0
        chunk.append(_Encoded(item.doc_id, lines))
        size += len(lines)
    if chunk:
        yield chunk
