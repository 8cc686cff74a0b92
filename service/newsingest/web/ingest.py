"""``GET /api/ingest/status``: the ``newsingest status`` report for the page's Ingest view.

When Kafka cannot be reached the answer is 503 with the partial report (inbox figures, ``errors`` saying why)."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from newsingest.config import Settings
from newsingest.ops.status import StatusReport, collect
from newsingest.web.auth import api_key_guard


def ingest_router(settings: Settings) -> APIRouter:
    router = APIRouter()

    @router.get("/api/ingest/status", response_model=StatusReport, dependencies=[Depends(api_key_guard(settings))],
                summary="Ingest status: inbox, stages, last failures",
                responses={503: {"description": "Kafka unreachable; the body is the partial report"}})
    async def ingest_status() -> JSONResponse:
        """Files waiting, in flight, processed and failed; per stage throughput, lag and time to drain; the last
        10 failures. The same as `newsingest status --json`."""
        report = await collect(settings)
        return JSONResponse(report.model_dump(mode="json"), status_code=503 if report.errors else 200)

    return router
