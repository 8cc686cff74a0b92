"""Bulk writes to the write alias with retries: a batch returns only when every document is either
acknowledged by Elasticsearch or rejected permanently (mapping errors and other 4xx), never in between.

A bulk that keeps failing (Elasticsearch unreachable, 429, 5xx) is retried with the one backoff policy for at
most ``bulk_retry_max_s``; then the writer raises :class:`BulkGaveUp` and the part crashes (crash-only): nothing
of the batch is committed, dropped or dead-lettered, so the restarted process replays it.

The backoff's cap depends on what failed. A node that refuses the connection is down: retrying costs it
nothing, so the writer tries again at least every :data:`UNREACHABLE_MAX_BACKOFF_S` seconds and indexing resumes
within seconds of the node coming back. A node that answered 429/5xx, or did not answer in time, is overloaded:
the writer backs off up to :data:`OVERLOADED_MAX_BACKOFF_S` to give it room.
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
UNREACHABLE_MAX_BACKOFF_S = 5.0
OVERLOADED_MAX_BACKOFF_S = 30.0
UNREACHABLE = Backoff(base_s=0.25, cap_s=UNREACHABLE_MAX_BACKOFF_S, jitter=True)
OVERLOADED = Backoff(base_s=0.25, cap_s=OVERLOADED_MAX_BACKOFF_S, jitter=True)


def backoff_after(error: Exception) -> Backoff:
    """The backoff after a bulk failed without an answer: short when the node refused the connection (it is down),
    long when it accepted the connection but did not answer in time (it is overloaded)."""
    return OVERLOADED if isinstance(error, ConnectionTimeout) else UNREACHABLE


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


class BulkGaveUp(RuntimeError):
    """A bulk failed for ``bulk_retry_max_s``: the caller must stop without committing (the batch is replayed)."""

    def __init__(self, documents: int, tried_s: float, last_error: str) -> None:
        super().__init__(f"gave up a bulk of {documents} documents after retrying for {tried_s:.1f} s; "
                         f"last error: {last_error}")
        self.documents = documents
        self.tried_s = tried_s
        self.last_error = last_error


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
        retries = _Retries(self.settings.bulk_retry_max_s)
        while pending:
            if self.stop.is_set():
                raise Stopped
            try:
                started = time.perf_counter()
                body = b"".join(encoded.lines for encoded in pending)
                response = await self.es.bulk(operations=body, index=self.settings.write_alias)
                BULK_SECONDS.observe(time.perf_counter() - started)
            except (TransportConnectionError, ConnectionTimeout) as exc:
                await self._backoff(retries, started, f"{type(exc).__name__}: {exc}", len(pending),
                                    backoff_after(exc))
                continue
            except ApiError as exc:
                if exc.meta.status in RETRYABLE_STATUS:
                    await self._backoff(retries, started, f"HTTP {exc.meta.status}", len(pending), OVERLOADED)
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
            if len(retry) < len(pending):
                retries.progressed()
            if retry:
                await self._backoff(retries, started, f"{len(retry)} items rejected with 429/5xx", len(retry),
                                    OVERLOADED)
            pending = retry

    async def _backoff(self, retries: _Retries, attempt_started: float, why: str, pending: int,
                       policy: Backoff) -> None:
        """Wait before the next attempt, or raise :class:`BulkGaveUp` once the bulk failed for ``bulk_retry_max_s``."""
        failing_s = retries.failed(attempt_started)
        if failing_s >= retries.max_s:
            log.error("bulk failed for too long; giving up (the batch is not committed and is replayed on restart)",
                      documents=pending, tried_s=round(failing_s, 1), attempts=retries.attempt + 1,
                      last_error=why, bulk_retry_max_s=retries.max_s)
            raise BulkGaveUp(pending, failing_s, why)
        delay = min(policy.delay(retries.attempt), retries.max_s - failing_s)  # one last attempt at the limit
        BULK_RETRIES.inc()
        log.warning("bulk failed; retrying", reason=why, documents=pending, attempt=retries.attempt + 1,
                    retry_in_s=round(delay, 2), failing_s=round(failing_s, 1))
        retries.attempt += 1
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stop.wait(), timeout=delay)


class _Retries:
    """A bulk's retries: the backoff attempt, and how long it has been failing (since its first failed attempt began,
    restarted by an attempt that made progress)."""

    def __init__(self, max_s: float) -> None:
        self.max_s = max_s
        self.attempt = 0
        self._since: float | None = None

    def failed(self, attempt_started: float) -> float:
        """Record a failed attempt (begun at ``attempt_started``, ``time.perf_counter``); seconds since the
        first failed attempt of this stretch began."""
        if self._since is None:
            self._since = attempt_started
        return time.perf_counter() - self._since

    def progressed(self) -> None:
        """Some items were acknowledged or rejected for good: the failing stretch (not the backoff) starts over."""
        self._since = None


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
