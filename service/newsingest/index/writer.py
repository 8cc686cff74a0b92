"""Bulk writes to the write alias with retries: a batch returns only when every document is either
acknowledged by Elasticsearch or rejected permanently (mapping errors and other 4xx), never in between.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout
from elasticsearch import ApiError, AsyncElasticsearch

from newsingest.config import Settings
from newsingest.log import get_logger
from newsingest.metrics import ARTICLES_INDEXED, BULK_RETRIES, BULK_SECONDS

log = get_logger(__name__)

RETRYABLE_STATUS = {408, 429, 500, 502, 503, 504}
MAX_BACKOFF_S = 30.0


@dataclass(frozen=True)
class BulkItem:
    doc_id: str
    document: dict[str, Any]


@dataclass
class BulkOutcome:
    indexed: list[str] = field(default_factory=list)
    rejected: list[tuple[str, int, str]] = field(default_factory=list)  # (doc id, status, reason)


class Stopped(Exception):
    """The writer was asked to stop while a batch was still being retried; nothing of it counts as done."""


class BulkWriter:
    def __init__(self, es: AsyncElasticsearch, settings: Settings, stop: asyncio.Event | None = None) -> None:
        self.es = es
        self.settings = settings
        self.stop = stop or asyncio.Event()

    async def write(self, items: Sequence[BulkItem]) -> BulkOutcome:
        outcome = BulkOutcome()
        pending = list(items)
        attempt = 0
        while pending:
            if self.stop.is_set():
                raise Stopped
            try:
                started = time.perf_counter()
                response = await self.es.bulk(operations=self._operations(pending), index=self.settings.write_alias)
                BULK_SECONDS.observe(time.perf_counter() - started)
            except (TransportConnectionError, ConnectionTimeout) as exc:
                attempt = await self._backoff(attempt, f"{type(exc).__name__}: {exc}", len(pending))
                continue
            except ApiError as exc:
                if exc.meta.status in RETRYABLE_STATUS:
                    attempt = await self._backoff(attempt, f"HTTP {exc.meta.status}", len(pending))
                    continue
                raise
            retry: list[BulkItem] = []
            for item, result in zip(pending, response["items"], strict=True):
                status = result["index"]["status"]
                if status < 300:
                    outcome.indexed.append(item.doc_id)
                elif status in RETRYABLE_STATUS:
                    retry.append(item)
                else:
                    error = result["index"].get("error", {})
                    reason = f"{error.get('type', 'error')}: {error.get('reason', '')}"
                    outcome.rejected.append((item.doc_id, status, reason))
            if retry:
                attempt = await self._backoff(attempt, f"{len(retry)} items rejected with 429/5xx", len(retry))
            pending = retry
        ARTICLES_INDEXED.labels("ok").inc(len(outcome.indexed))
        ARTICLES_INDEXED.labels("rejected").inc(len(outcome.rejected))
        return outcome

    @staticmethod
    def _operations(items: Sequence[BulkItem]) -> bytes:
        """The bulk body as NDJSON, serialized with orjson (the client forwards bytes as they are)."""
        lines: list[bytes] = []
        for item in items:
            lines.append(orjson.dumps({"index": {"_id": item.doc_id}}))
            lines.append(orjson.dumps(item.document))
        lines.append(b"")
        return b"\n".join(lines)

    async def _backoff(self, attempt: int, why: str, pending: int) -> int:
        delay = min(MAX_BACKOFF_S, 0.25 * 2**attempt) * (0.5 + random.random() / 2)
        BULK_RETRIES.inc()
        log.warning("bulk failed; retrying", reason=why, documents=pending, attempt=attempt + 1,
                    retry_in_s=round(delay, 2))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stop.wait(), timeout=delay)
        return attempt + 1
