"""The HTTP API (FastAPI): ``GET /api/search``, ``/api/export``, ``/api/facets``, ``/api/health``, the page at ``/``.

Errors are always JSON ``{"detail": "..."}``: 400 for anything wrong with the request (validation, query syntax,
dates, paging token), 401 for a missing API key (when one is configured), 503 when Elasticsearch is unreachable.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Annotated

from elasticsearch import AsyncElasticsearch
from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel

from newsingest import __version__
from newsingest.config import Settings
from newsingest.index.client import async_client
from newsingest.index.search import (
    FACETS,
    MAX_PAGE_SIZE,
    BackendUnavailable,
    FacetSpec,
    Searcher,
    SearchError,
    SearchRequest,
    SearchResult,
)
from newsingest.resources import package_dir
from newsingest.web.alerts import AlertsService, alerts_router, close_alerts
from newsingest.web.auth import api_key_guard
from newsingest.web.export import export_router
from newsingest.web.ingest import ingest_router
from newsingest.web.params import query_params, validated
from newsingest.web.stories import stories_router
from newsingest.web.watchlists import watchlists_router

STATIC_DIR = package_dir("newsingest.web", "static")


class ErrorResponse(BaseModel):
    detail: str


_ERRORS: dict[int | str, dict[str, object]] = {
    400: {"model": ErrorResponse, "description": "bad request: the reason is in `detail`"},
    401: {"model": ErrorResponse, "description": "missing or wrong API key (only when one is configured)"},
    503: {"model": ErrorResponse, "description": "Elasticsearch is unreachable"},
}


def search_request(
    base: Annotated[SearchRequest, Depends(query_params)],
    size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 10,
    after: Annotated[str | None, Query(max_length=2000, description="`next` of the previous page")] = None,
    facets: bool = True,
) -> SearchRequest:
    return validated(**(base.model_dump() | {"size": size, "after": after, "facets": facets}))


def create_api(settings: Settings, es_factory: Callable[[], AsyncElasticsearch] | None = None) -> FastAPI:
    """The ASGI app; ``es_factory`` defaults to the client built from settings."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        es = (es_factory or (lambda: async_client(settings, request_timeout=settings.search_timeout_s + 5)))()
        app.state.searcher = Searcher(es, settings)
        try:
            yield
        finally:
            await close_alerts(app.state)
            await es.close()

    app = FastAPI(
        title="newsingest search",
        version=__version__,
        description="Full-text search over the enriched articles, with facets, a date histogram and highlights.",
        lifespan=lifespan,
    )
    guard = Depends(api_key_guard(settings))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        reasons = "; ".join(
            f"{'.'.join(str(p) for p in err.get('loc', ())[1:]) or 'request'}: {err.get('msg')}" for err in exc.errors()
        )
        return JSONResponse({"detail": reasons or "invalid request"}, status_code=400)

    @app.exception_handler(SearchError)
    async def bad_search(_: Request, exc: SearchError) -> JSONResponse:
        return JSONResponse({"detail": exc.reason}, status_code=400)

    @app.exception_handler(BackendUnavailable)
    async def backend_down(_: Request, exc: BackendUnavailable) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=503)

    @app.get("/api/search", response_model=SearchResult, responses=_ERRORS, dependencies=[guard],
             summary="Search articles")
    async def search(request: Request, query: Annotated[SearchRequest, Depends(search_request)]) -> SearchResult:
        """Articles matching `q` and the filters, newest or most relevant first, with facet counts (values of
        one facet are ANDed), a date histogram and highlighted snippets. Page with `after` = `next`."""
        searcher: Searcher = request.app.state.searcher
        return await searcher.search(query)

    @app.get("/api/facets", response_model=list[FacetSpec], responses={401: _ERRORS[401]}, dependencies=[guard],
             summary="The facets and their filter parameters")
    async def facets() -> list[FacetSpec]:
        return list(FACETS)

    @app.get("/api/health", summary="Liveness")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    app.include_router(ingest_router(settings))
    app.include_router(stories_router(settings, _ERRORS))
    app.include_router(export_router(settings))
    app.state.alerts = AlertsService(settings)
    app.include_router(alerts_router(settings, _ERRORS))
    app.include_router(watchlists_router(settings, _ERRORS))

    @app.get("/", include_in_schema=False)
    async def page() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html")

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
