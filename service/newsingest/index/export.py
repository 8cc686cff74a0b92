"""Exporting a whole search result as CSV or NDJSON, streamed page by page (bounded memory).

The query, filters, dates and sort order are those of ``/api/search`` (``build_query`` / ``sort_clause`` of
``index/search.py``), so an export holds exactly the hits a search pages through. Pages are read under one point
in time (PIT) with ``search_after``: the export is a consistent snapshot, however long it takes and whatever
is indexed meanwhile. The next page is fetched while the current one is written. The PIT is closed when the
export ends, fails or is abandoned (``ExportStream.close``); it also expires by itself ``KEEP_ALIVE`` after the
last page request.

CSV cells that a spreadsheet would read as a formula (starting with ``= + - @``, TAB or CR) get a leading
apostrophe (OWASP "CSV injection"); NDJSON values are written as they are.
"""

from __future__ import annotations

import asyncio
import csv
import io
import time
from collections.abc import AsyncIterator, Iterable
from typing import Any, Literal

import orjson
from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout
from elasticsearch import ApiError, AsyncElasticsearch

from newsingest.config import Settings
from newsingest.index.search import (
    SearchError,
    SearchRequest,
    build_query,
    es_call,
    sort_clause,
)
from newsingest.log import get_logger

ExportFormat = Literal["csv", "ndjson"]
MEDIA_TYPES: dict[str, str] = {"csv": "text/csv; charset=utf-8", "ndjson": "application/x-ndjson"}
#: Columns, in order (CSV header = NDJSON keys).
EXPORT_FIELDS = ("id", "date", "title", "source", "language", "url", "persons", "organisations", "places",
                 "countries", "story_id")
MULTI_VALUED = frozenset({"persons", "organisations", "places", "countries"})
MULTI_SEPARATOR = "; "
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
PAGE_SIZE = 1000
KEEP_ALIVE = "2m"
_SOURCE = ["article_id", "date", "title", "source", "language", "url", "persons", "organisations", "places.name",
           "countries", "story_id"]

log = get_logger(__name__)


# --- rows and their encodings ----------------------------------------------------------------------------
def export_row(raw: dict[str, Any]) -> dict[str, Any]:
    """One hit as an export row: the ``EXPORT_FIELDS``, lists for the multi-valued ones."""
    source = raw.get("_source", {})
    return {
        "id": raw["_id"],
        "date": source.get("date"),
        "title": source.get("title"),
        "source": source.get("source"),
        "language": source.get("language"),
        "url": source.get("url"),
        "persons": list(source.get("persons") or []),
        "organisations": list(source.get("organisations") or []),
        "places": [p["name"] for p in source.get("places") or [] if isinstance(p, dict) and p.get("name")],
        "countries": list(source.get("countries") or []),
        "story_id": source.get("story_id"),
    }


def csv_cell(value: Any) -> str:
    """A CSV cell: lists joined with ``"; "``, None empty, formula-like text defused with a leading apostrophe."""
    if value is None:
        return ""
    text = MULTI_SEPARATOR.join(str(v) for v in value) if isinstance(value, list) else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def encode_csv(rows: Iterable[dict[str, Any]], *, header: bool = False) -> bytes:
    """RFC 4180 CSV (CRLF line ends, fields quoted where needed) of ``rows``, optionally after the header."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    if header:
        writer.writerow(EXPORT_FIELDS)
    writer.writerows([csv_cell(row[name]) for name in EXPORT_FIELDS] for row in rows)
    return buffer.getvalue().encode("utf-8")


def encode_ndjson(rows: Iterable[dict[str, Any]]) -> bytes:
    return b"".join(orjson.dumps(row) + b"\n" for row in rows)


def encode(rows: list[dict[str, Any]], fmt: ExportFormat, *, first: bool) -> bytes:
    return encode_csv(rows, header=first) if fmt == "csv" else encode_ndjson(rows)


# --- talking to Elasticsearch ----------------------------------------------------------------------------
_NOT_FOUND = "not found (index or point in time): {reason}"


class ExportStream:
    """One export under a point in time. Build it with ``open_export`` (which has fetched the first page, so a
    bad query fails before anything is sent); iterate ``chunks()``; always ``close()``."""

    def __init__(self, es: AsyncElasticsearch, settings: Settings, request: SearchRequest, pit_id: str,
                 page_size: int) -> None:
        self.es = es
        self.settings = settings
        self.request = request
        self.pit_id = pit_id
        self.page_size = page_size
        self.query = build_query(request)  # raises SearchError for bad filters and dates
        self.sort = sort_clause(request.sort)
        self.total: int | None = None
        self.rows = 0
        self.closed = False
        self._first: list[dict[str, Any]] | None = None
        self._pending: asyncio.Task[list[dict[str, Any]]] | None = None
        self._started = time.monotonic()

    async def _page(self, after: list[Any] | None) -> list[dict[str, Any]]:
        body: dict[str, Any] = {
            "query": self.query,
            "sort": self.sort,
            "size": self.page_size,
            "_source": _SOURCE,
            "track_total_hits": after is None,
            "pit": {"id": self.pit_id, "keep_alive": KEEP_ALIVE},
            "timeout": f"{int(self.settings.search_timeout_s * 1000)}ms",
        }
        if after is not None:
            body["search_after"] = after
        response = await es_call(
            self.es.options(request_timeout=self.settings.search_timeout_s).search(body=body), not_found=_NOT_FOUND
        )
        self.pit_id = response.get("pit_id") or self.pit_id
        if after is None:
            self.total = int(response["hits"]["total"]["value"])
        return list(response["hits"]["hits"])

    async def fetch_first(self) -> None:
        self._first = await self._page(None)

    async def pages(self) -> AsyncIterator[list[dict[str, Any]]]:
        """Rows page by page; the next page is requested before the current one is handed out."""
        hits = self._first if self._first is not None else await self._page(None)
        self._first = None
        while hits:
            more = len(hits) >= self.page_size
            if more:
                self._pending = asyncio.ensure_future(self._page(hits[-1]["sort"]))
            rows = [export_row(hit) for hit in hits]
            self.rows += len(rows)
            yield rows
            if not more or self._pending is None:
                break
            hits = await self._pending
            self._pending = None

    async def chunks(self, fmt: ExportFormat) -> AsyncIterator[bytes]:
        """The encoded export: one chunk per page (CSV: the header first, also for an empty result)."""
        first = True
        async for rows in self.pages():
            yield encode(rows, fmt, first=first)
            first = False
        if first and fmt == "csv":
            yield encode_csv([], header=True)

    async def close(self, outcome: str = "complete") -> None:
        """Cancel a prefetch and close the point in time (idempotent; never raises)."""
        if self.closed:
            return
        self.closed = True
        if self._pending is not None:
            self._pending.cancel()
            await asyncio.wait([self._pending])  # cancelled or failed: either way it is over
            if not self._pending.cancelled():
                self._pending.exception()  # retrieved, so asyncio does not log it as never retrieved
        released = False
        try:
            response = await self.es.close_point_in_time(id=self.pit_id)
            released = bool(response.get("succeeded"))
        except (ApiError, TransportConnectionError, ConnectionTimeout) as exc:
            log.warning("export.pit_close_failed", error=str(exc))
        log.info("export.closed", outcome=outcome, rows=self.rows, total=self.total, pit_closed=released,
                 seconds=round(time.monotonic() - self._started, 2), pit_id=self.pit_id)


async def open_export(es: AsyncElasticsearch, settings: Settings, request: SearchRequest,
                      page_size: int = PAGE_SIZE) -> ExportStream:
    """Validate the request, open a point in time on the read alias and fetch the first page. Raises
    ``SearchError`` (bad query, filters or dates: a 400) or ``BackendUnavailable``; nothing is left open then."""
    build_query(request)  # bad filters and dates fail before a point in time is opened
    response = await es_call(
        es.open_point_in_time(index=settings.read_alias, keep_alive=KEEP_ALIVE), not_found=_NOT_FOUND
    )
    stream = ExportStream(es, settings, request, str(response["id"]), page_size)
    try:
        await stream.fetch_first()
    except SearchError:
        await stream.close("rejected")
        raise
    except BaseException:
        await stream.close("failed")
        raise
    log.info("export.started", q=request.q, filters=request.filters, sort=request.sort, total=stream.total)
    return stream
