"""``GET /api/export``: every hit of a search as a CSV or NDJSON download, streamed (``index/export.py``).

The parameters are those of ``/api/search`` without the paging ones (``size``, ``after``, ``facets``), plus
``format``. Errors before the first byte are the API's usual JSON errors (400 with the reason, 401, 503); an
error in the middle of the stream aborts the response (the client sees an incomplete transfer, not a short
file that looks whole).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated

import anyio
from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse
from starlette.requests import ClientDisconnect
from starlette.types import Receive, Scope, Send

from newsingest.config import Settings
from newsingest.index.export import MEDIA_TYPES, ExportFormat, ExportStream, open_export
from newsingest.index.search import (
    Searcher,
    SearchRequest,
)
from newsingest.web.auth import api_key_guard
from newsingest.web.params import query_params

_SLUG = re.compile(r"[^a-z0-9]+")


def export_request(request: Annotated[SearchRequest, Depends(query_params)]) -> SearchRequest:
    """The search's parameters without the paging ones (``size``, ``after``, ``facets``)."""
    return request


def file_name(request: SearchRequest, fmt: ExportFormat, now: datetime | None = None) -> str:
    """``newsingest-<query words>-<UTC time>.<fmt>``: ASCII letters, digits and dashes only."""
    slug = _SLUG.sub("-", request.q.lower()).strip("-")[:40].strip("-")
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    return "-".join(part for part in ("newsingest", slug, stamp) if part) + f".{fmt}"


class ExportResponse(StreamingResponse):
    """Streams an export and closes its point in time however the response ends (done, failed, disconnected)."""

    def __init__(self, stream: ExportStream, fmt: ExportFormat, headers: dict[str, str]) -> None:
        super().__init__(stream.chunks(fmt), media_type=MEDIA_TYPES[fmt], headers=headers)
        self.stream = stream

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        outcome = "failed"
        try:
            await super().__call__(scope, receive, send)
            # an older ASGI server reports a disconnect by cancelling the stream: the response just ends
            outcome = "complete" if self.stream.rows >= (self.stream.total or 0) else "disconnected"
        except ClientDisconnect:
            outcome = "disconnected"
            raise
        finally:
            with anyio.CancelScope(shield=True):
                await self.stream.close(outcome)


def export_router(settings: Settings) -> APIRouter:
    router = APIRouter()

    @router.get(
        "/api/export",
        dependencies=[Depends(api_key_guard(settings))],
        response_class=StreamingResponse,
        summary="Export every hit as CSV or NDJSON",
        responses={
            200: {"description": "the whole result, streamed",
                  "content": {"text/csv": {"schema": {"type": "string"}},
                              "application/x-ndjson": {"schema": {"type": "string"}}}},
            400: {"description": "bad request: the reason is in `detail`"},
            401: {"description": "missing or wrong API key (only when one is configured)"},
            503: {"description": "Elasticsearch is unreachable"},
        },
    )
    async def export(request: Request, query: Annotated[SearchRequest, Depends(export_request)],
                     format: ExportFormat = "csv") -> StreamingResponse:
        """Every article matching `q` and the filters (the same parameters and semantics as `/api/search`, in
        its order), one row each: id, date, title, source, language, url, persons, organisations, places,
        countries, story_id. CSV joins multi-valued fields with "; " and prefixes cells starting with
        = + - @ TAB CR with an apostrophe. `X-Total-Count` is the number of rows that follow."""
        searcher: Searcher = request.app.state.searcher
        stream = await open_export(searcher.es, settings, query)
        headers = {
            "Content-Disposition": f'attachment; filename="{file_name(query, format)}"',
            "Cache-Control": "no-store",
            "X-Total-Count": str(stream.total or 0),
        }
        return ExportResponse(stream, format, headers)

    return router
