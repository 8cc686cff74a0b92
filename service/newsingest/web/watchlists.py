"""``POST /api/watchlists``: a CSV of names (the request body, ``text/csv``) → one alert rule per name.

The body is read up to ``MAX_BYTES`` (413 beyond); a file with no usable name is a 400 listing the refused
lines; otherwise 201 with the rules created, each with its past matches in the index (count and newest
hits), and the refused lines with their numbers and reasons. See ``alerts/watchlist.py`` for the format.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from newsingest.alerts.rules import RuleError
from newsingest.alerts.watchlist import DEFAULT_PREFIX, MAX_BYTES, WatchlistError, parse_watchlist
from newsingest.alerts.watchlist_rules import WatchlistReport, create_watchlist
from newsingest.config import Settings
from newsingest.index.search import Searcher, SearchError
from newsingest.web.alerts import AlertsService
from newsingest.web.auth import api_key_guard


class ErrorResponse(BaseModel):
    detail: str


ACCEPTED_TYPES = ("text/csv", "text/plain", "application/csv", "application/octet-stream")


async def _body(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BYTES:
        raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, detail=f"at most {MAX_BYTES:,} bytes")
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > MAX_BYTES:
            raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, detail=f"at most {MAX_BYTES:,} bytes")
    return bytes(data)


def watchlists_router(settings: Settings, errors: dict[int | str, dict[str, object]]) -> APIRouter:
    router = APIRouter(prefix="/api/watchlists", tags=["alerts"])

    @router.post(
        "",
        status_code=201,
        response_model=WatchlistReport,
        responses={
            **errors,
            413: {"model": ErrorResponse, "description": f"the file is larger than {MAX_BYTES:,} bytes"},
            415: {"model": ErrorResponse, "description": "not sent as text/csv (or text/plain)"},
        },
        dependencies=[Depends(api_key_guard(settings))],
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "text/csv": {"schema": {"type": "string", "description": "name[,person|org|place] per line"}}
                },
            }
        },
        summary="Create one alert rule per name of a CSV watchlist",
    )
    async def upload(
        request: Request,
        name_prefix: Annotated[str, Query(max_length=50, description="put before each rule's name")] = DEFAULT_PREFIX,
    ) -> WatchlistReport | JSONResponse:
        media = request.headers.get("content-type", "text/csv").split(";")[0].strip().lower()
        if media not in ACCEPTED_TYPES:
            raise HTTPException(
                status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, detail=f"send the CSV as the body ({', '.join(ACCEPTED_TYPES)})"
            )
        data = await _body(request)
        try:
            watchlist = parse_watchlist(data)
        except WatchlistError as exc:
            refused = [{"line": e.line, "reason": e.reason} for e in exc.errors[:1000]]
            return JSONResponse({"detail": str(exc), "refused": refused}, status_code=400)
        alerts: AlertsService = await request.app.state.alerts.ready()
        searcher: Searcher = request.app.state.searcher
        try:
            return await create_watchlist(alerts.store, searcher.es, settings, watchlist, prefix=name_prefix)
        except RuleError as exc:
            raise SearchError(str(exc)) from None

    return router
