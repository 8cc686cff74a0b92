"""``POST /api/watchlists``: a CSV of names → one alert rule per name.

The CSV is the request body (``text/csv``) or the field ``file`` of a ``multipart/form-data`` form (an HTML
form, ``curl -F file=@names.csv``). The body is read up to ``MAX_BYTES`` plus room for the form (413
beyond); a file with no usable name is a 400 listing the refused lines; otherwise 201 with the rules
created, each with its past matches in the index (count and newest hits), and the refused lines with their
numbers and reasons. See ``alerts/watchlist.py`` for the format.
"""

from __future__ import annotations

from email import policy
from email.parser import BytesParser
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from newsingest.alerts.rules import RuleError
from newsingest.alerts.watchlist import DEFAULT_PREFIX, MAX_BYTES, WatchlistError, parse_watchlist
from newsingest.alerts.watchlist_rules import WatchlistReport, create_watchlist, entity_registry
from newsingest.config import Settings
from newsingest.index.search import Searcher, SearchError
from newsingest.web.alerts import AlertsService
from newsingest.web.auth import api_key_guard


class ErrorResponse(BaseModel):
    detail: str


ACCEPTED_TYPES = ("text/csv", "text/plain", "application/csv", "application/octet-stream", "multipart/form-data")
FORM_OVERHEAD = 64 * 1024
FILE_FIELD = "file"


def _too_big() -> HTTPException:
    return HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, detail=f"at most {MAX_BYTES:,} bytes")


async def _body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _too_big()
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > limit:
            raise _too_big()
    return bytes(data)


def form_file(content_type: str, body: bytes) -> bytes:
    """The ``file`` field of a ``multipart/form-data`` body (parsed by the standard library's email parser)."""
    header = b"Content-Type: " + content_type.encode("latin-1", "replace") + b"\r\n\r\n"
    message = BytesParser(policy=policy.HTTP).parsebytes(header + body)
    if not message.is_multipart():
        raise SearchError("not a multipart/form-data body (no boundary)")
    for part in message.iter_parts():
        if part.get_param("name", header="content-disposition") == FILE_FIELD:
            payload = part.get_payload(decode=True)
            return payload if isinstance(payload, bytes) else b""
    raise SearchError(f'the form has no "{FILE_FIELD}" field')


def watchlists_router(settings: Settings, errors: dict[int | str, dict[str, object]]) -> APIRouter:
    router = APIRouter(prefix="/api/watchlists", tags=["alerts"])

    @router.post(
        "",
        status_code=201,
        response_model=WatchlistReport,
        responses={
            **errors,
            413: {"model": ErrorResponse, "description": f"the file is larger than {MAX_BYTES:,} bytes"},
            415: {"model": ErrorResponse, "description": "neither text/csv (text/plain) nor multipart/form-data"},
        },
        dependencies=[Depends(api_key_guard(settings))],
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "text/csv": {"schema": {"type": "string", "description": "name[,person|org|place] per line"}},
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "properties": {FILE_FIELD: {"type": "string", "format": "binary"}},
                            "required": [FILE_FIELD],
                        }
                    },
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
                status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
                detail=f"send the CSV as the body or a form ({', '.join(ACCEPTED_TYPES)})",
            )
        if media == "multipart/form-data":
            data = form_file(request.headers["content-type"], await _body(request, MAX_BYTES + FORM_OVERHEAD))
            if len(data) > MAX_BYTES:
                raise _too_big()
        else:
            data = await _body(request, MAX_BYTES)
        try:
            watchlist = parse_watchlist(data)
        except WatchlistError as exc:
            refused = [{"line": e.line, "reason": e.reason} for e in exc.errors[:1000]]
            return JSONResponse({"detail": str(exc), "refused": refused}, status_code=400)
        alerts: AlertsService = await request.app.state.alerts.ready()
        searcher: Searcher = request.app.state.searcher
        try:
            async with entity_registry(settings) as registry:
                return await create_watchlist(alerts.store, searcher.es, settings, watchlist, prefix=name_prefix,
                                              registry=registry)
        except RuleError as exc:
            raise SearchError(str(exc)) from None

    return router
