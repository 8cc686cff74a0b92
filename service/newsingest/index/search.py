"""Searching the read alias: one request model (``search_query``), one result model (``search_result``), shared
by the CLI and the HTTP API; ``Searcher`` runs a request against Elasticsearch.

This module is the public import path of all three parts.

- Query: Lucene ``query_string`` syntax (AND OR NOT, "phrases", -exclude, +require, prefix*, (groups),
  field:value) with AND as the default operator, over ``title``/``body`` and the per-language fields (only the
  requested languages' fields when ``lang`` is filtered). Quoted phrases run on the unstemmed fields.
- Filters: every facet (values of one facet are ANDed) and a date range on ``date``.
- Facets: terms buckets keyed by the normalized value (what a filter takes) with a display form: the value as
  written in one of the bucket's articles, and for stories their label (``story_label``, else a title).
- Paging: ``search_after`` with an opaque token; sort by relevance or date.
A bad query raises ``SearchError`` (the API answers 400 with its reason); Elasticsearch being unreachable
raises ``BackendUnavailable`` (503).
"""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import UTC, datetime
from typing import Any, TypeVar

from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout
from elasticsearch import ApiError, AsyncElasticsearch

from newsingest.config import Settings
from newsingest.index.search_query import (
    FACET_BY_NAME,
    FACETS,
    MARK_CLOSE,
    MARK_OPEN,
    MAX_FILTER_VALUES,
    MAX_PAGE_SIZE,
    MAX_QUERY_CHARS,
    SNIPPET_CHARS,
    SNIPPETS,
    STORY_FACET,
    FacetSpec,
    SearchError,
    SearchRequest,
    SortOrder,
    build_query,
    build_search,
    date_bound,
    decode_after,
    encode_after,
    filter_clauses,
    histogram_interval,
    sort_clause,
    text_fields,
)
from newsingest.index.search_result import (
    FacetBucket,
    HistogramBucket,
    Hit,
    SearchResult,
    fold,
    parse_facets,
    parse_hit,
)

__all__ = [
    "FACETS",
    "FACET_BY_NAME",
    "MARK_CLOSE",
    "MARK_OPEN",
    "MAX_FILTER_VALUES",
    "MAX_PAGE_SIZE",
    "MAX_QUERY_CHARS",
    "SNIPPETS",
    "SNIPPET_CHARS",
    "STORY_FACET",
    "BackendUnavailable",
    "FacetBucket",
    "FacetSpec",
    "HistogramBucket",
    "Hit",
    "SearchError",
    "SearchRequest",
    "SearchResult",
    "Searcher",
    "SortOrder",
    "build_query",
    "build_search",
    "date_bound",
    "decode_after",
    "encode_after",
    "es_call",
    "filter_clauses",
    "fold",
    "histogram_interval",
    "parse_facets",
    "parse_hit",
    "sort_clause",
    "text_fields",
]

T = TypeVar("T")


class BackendUnavailable(RuntimeError):
    """Elasticsearch could not be reached or failed."""


def _reason(exc: ApiError) -> str:
    """The first root cause, with the first line of the deepest cause (e.g. where the parser stopped)."""
    error = exc.body.get("error") if isinstance(exc.body, dict) else None
    if not isinstance(error, dict):
        return str(exc.message)
    causes = [c for c in error.get("root_cause") or [] if isinstance(c, dict)]
    first = causes[0] if causes else error
    deepest: dict[str, Any] = error
    shards = error.get("failed_shards") or []
    if shards and isinstance(shards[0], dict) and isinstance(shards[0].get("reason"), dict):
        deepest = shards[0]["reason"]
    while isinstance(deepest.get("caused_by"), dict):
        deepest = deepest["caused_by"]
    parts = [str(first.get("reason") or ""), str(deepest.get("reason") or "").split("\n")[0]]
    return ": ".join(dict.fromkeys(p for p in parts if p)) or str(exc.message)


async def es_call(call: Awaitable[T], *, not_found: str) -> T:
    """``await call``, its errors as searches report them: 400 -> ``SearchError`` with Elasticsearch's reason;
    404 -> ``BackendUnavailable(not_found)`` (``{reason}`` in it replaced by Elasticsearch's); any other answer
    or no answer -> ``BackendUnavailable``."""
    try:
        return await call
    except ApiError as exc:
        if exc.meta.status == 400:
            raise SearchError(_reason(exc)) from None
        if exc.meta.status == 404:
            raise BackendUnavailable(not_found.replace("{reason}", _reason(exc))) from None
        raise BackendUnavailable(f"Elasticsearch answered {exc.meta.status}: {_reason(exc)}") from None
    except (TransportConnectionError, ConnectionTimeout) as exc:
        raise BackendUnavailable(f"Elasticsearch unreachable: {exc}") from None


# --- running it ----------------------------------------------------------------------------------------
class Searcher:
    """Runs searches on the read alias."""

    def __init__(self, es: AsyncElasticsearch, settings: Settings) -> None:
        self.es = es
        self.settings = settings

    async def _search(self, body: dict[str, Any]) -> dict[str, Any]:
        body = {**body, "timeout": f"{int(self.settings.search_timeout_s * 1000)}ms"}
        response = await es_call(
            self.es.options(request_timeout=self.settings.search_timeout_s).search(
                index=self.settings.read_alias, body=body
            ),
            not_found=f"index {self.settings.read_alias!r} does not exist yet",
        )
        return dict(response.body)

    async def search(self, request: SearchRequest) -> SearchResult:
        response = await self._search(build_search(request, self.settings.search_facet_size))
        raw_hits = response["hits"]["hits"][: request.size + 1]
        more = len(raw_hits) > request.size
        raw_hits = raw_hits[: request.size]
        total = response["hits"]["total"]
        result = SearchResult(
            total=total["value"],
            total_is_exact=total["relation"] == "eq",
            took_ms=response.get("took", 0),
            hits=[parse_hit(h) for h in raw_hits],
            next=encode_after(raw_hits[-1]["sort"]) if more else None,
        )
        aggs = response.get("aggregations")
        if aggs:
            result.facets = parse_facets(aggs)
            result.interval = histogram_interval(aggs["date_min"].get("value"), aggs["date_max"].get("value"))
            result.histogram = await self._histogram(request, result.interval)
        return result

    async def _histogram(self, request: SearchRequest, interval: str) -> list[HistogramBucket]:
        body = {
            "query": build_query(request),
            "size": 0,
            "aggs": {"dates": {"date_histogram": {"field": "date", "calendar_interval": interval,
                                                   "min_doc_count": 0}}},
        }
        response = await self._search(body)
        return [
            HistogramBucket(date=datetime.fromtimestamp(b["key"] / 1000, UTC), count=b["doc_count"])
            for b in response["aggregations"]["dates"]["buckets"]
        ]
