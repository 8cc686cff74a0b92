"""Searching the read alias: one request model, one result model, shared by the CLI and the HTTP API.

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

import base64
import binascii
import html
import json
import re
import unicodedata
from datetime import UTC, date, datetime
from typing import Any, Literal

from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout
from elasticsearch import ApiError, AsyncElasticsearch
from pydantic import BaseModel, ConfigDict, Field

from newsingest.config import Settings
from newsingest.index.template import LANGUAGE_ANALYZERS, QUOTE_FIELD_SUFFIX, language_fields

MAX_PAGE_SIZE = 100
MAX_QUERY_CHARS = 1000
MAX_FILTER_VALUES = 20
SNIPPETS = 3
SNIPPET_CHARS = 180
LEAD_CHARS = 240
MARK_OPEN, MARK_CLOSE = "<mark>", "</mark>"

SortOrder = Literal["relevance", "date", "oldest"]


class FacetSpec(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str = Field(description="filter parameter and key in `facets`")
    field: str = Field(description="normalized keyword field in the index")
    label: str


#: Every facet: the filter parameter (``?person=...``), the field, the label shown by the page.
FACETS: tuple[FacetSpec, ...] = (
    FacetSpec(name="lang", field="language", label="Language"),
    FacetSpec(name="source", field="source", label="Source"),
    FacetSpec(name="author", field="authors", label="Authors"),
    FacetSpec(name="person", field="persons", label="Persons"),
    FacetSpec(name="org", field="organisations", label="Organisations"),
    FacetSpec(name="place", field="places.name", label="Places"),
    FacetSpec(name="country", field="countries", label="Countries"),
    FacetSpec(name="keyword", field="keywords", label="Keywords"),
    FacetSpec(name="story", field="story_id", label="Stories"),
)
FACET_BY_NAME = {facet.name: facet for facet in FACETS}
STORY_FACET = "story"

_FOLD_EXTRA = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "þ": "th", "ı": "i"})
_DATE_MATH = re.compile(r"now([+-]\d{1,6}[yMwdhHms])*(/[yMwdhHms])?")
_SOURCE_FIELDS = [
    "article_id", "title", "body", "date", "published_at", "published_precision", "ingested_at", "language",
    "source", "authors", "url", "persons", "organisations", "places.name", "countries", "keywords", "story_id",
    "duplicate_of", "dateline", "word_count",
]


class SearchError(ValueError):
    """The request cannot be answered as asked (bad query syntax, bad date, bad paging token...)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class BackendUnavailable(RuntimeError):
    """Elasticsearch could not be reached or failed."""


# --- request ---------------------------------------------------------------------------------------
class SearchRequest(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    q: str = Field(default="", max_length=MAX_QUERY_CHARS, description="query string; empty: every article")
    filters: dict[str, list[str]] = Field(default_factory=dict, description="facet name -> values (ANDed)")
    since: str | None = Field(default=None, description="ISO date/time or date math (now-7d); inclusive")
    until: str | None = Field(default=None, description="ISO date/time or date math; a date includes its day")
    sort: SortOrder = "relevance"
    size: int = Field(default=10, ge=1, le=MAX_PAGE_SIZE)
    after: str | None = Field(default=None, max_length=2000, description="`next` token of the previous page")
    facets: bool = Field(default=True, description="compute facet counts and the date histogram")


def date_bound(value: str, *, end: bool) -> str:
    """Validate an ISO date/datetime or Elasticsearch date math; a bare ``until`` date covers its whole day."""
    value = value.strip()
    if _DATE_MATH.fullmatch(value):
        return value
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            day = date.fromisoformat(value)
            return f"{day.isoformat()}||/d" if end else day.isoformat()
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise SearchError(f"invalid date {value!r}: use YYYY-MM-DD, an ISO date-time or date math (now-7d)") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def encode_after(sort_values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(sort_values, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_after(token: str, sort: SortOrder) -> list[Any]:
    try:
        values = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise SearchError("invalid `after` token: pass the `next` value of the previous page") from None
    expected = len(sort_clause(sort))
    ok = isinstance(values, list) and len(values) == expected
    ok = ok and all(isinstance(v, int | float) and not isinstance(v, bool) for v in values[:-1])
    if not ok or not isinstance(values[-1], str):
        raise SearchError("invalid `after` token: pass the `next` value of the previous page")
    return values


def sort_clause(sort: SortOrder) -> list[dict[str, Any]]:
    # unmapped_type: an index built with an older template (before `newsingest reindex`) still sorts
    by_date = {"date": {"order": "asc" if sort == "oldest" else "desc", "missing": "_last", "unmapped_type": "date"}}
    clause: list[dict[str, Any]] = [by_date, {"article_id": {"order": "asc"}}]
    return [{"_score": {"order": "desc"}}, *clause] if sort == "relevance" else clause


def text_fields(languages: list[str]) -> tuple[list[str], list[str]]:
    """(query fields, highlight fields): the standard fields plus the per-language ones of ``languages``
    (all languages when empty)."""
    codes = [code for code in languages if code in LANGUAGE_ANALYZERS] if languages else list(LANGUAGE_ANALYZERS)
    query = ["title^3", "body"]
    highlight = ["title", "body"]
    for code in codes:
        title, body = language_fields(code)
        query += [f"{title}^3", body]
        highlight += [title, body]
    return query, highlight


def _normalize_filters(filters: dict[str, list[str]]) -> dict[str, list[str]]:
    unknown = sorted(set(filters) - set(FACET_BY_NAME))
    if unknown:
        raise SearchError(f"unknown filter {', '.join(unknown)}; known: {', '.join(FACET_BY_NAME)}")
    cleaned = {name: [v.strip() for v in values if v.strip()] for name, values in filters.items()}
    for name, values in cleaned.items():
        if len(values) > MAX_FILTER_VALUES:
            raise SearchError(f"at most {MAX_FILTER_VALUES} values for filter {name}")
    return {name: values for name, values in cleaned.items() if values}


def filter_clauses(request: SearchRequest) -> list[dict[str, Any]]:
    clauses: list[dict[str, Any]] = []
    for name, values in _normalize_filters(request.filters).items():
        field = FACET_BY_NAME[name].field
        clauses += [{"term": {field: value}} for value in values]
    bounds: dict[str, str] = {}
    if request.since:
        bounds["gte"] = date_bound(request.since, end=False)
    if request.until:
        bounds["lte"] = date_bound(request.until, end=True)
    if bounds:
        clauses.append({"range": {"date": bounds}})
    return clauses


def build_query(request: SearchRequest) -> dict[str, Any]:
    """The ``query`` of the search: the query string (if any) filtered by facets and dates."""
    languages = [v.lower() for v in request.filters.get("lang", [])]
    fields, _ = text_fields(languages)
    must: list[dict[str, Any]] = []
    if request.q.strip():
        must.append({
            "query_string": {
                "query": request.q,
                "fields": fields,
                "default_operator": "AND",
                "quote_field_suffix": QUOTE_FIELD_SUFFIX,
                "allow_leading_wildcard": False,
                "lenient": True,
                "max_determinized_states": 2000,
            }
        })
    return {"bool": {"must": must or [{"match_all": {}}], "filter": filter_clauses(request)}}


def _facet_aggs(facet_size: int) -> dict[str, Any]:
    """Terms buckets on the normalized field; one document per bucket (``top_hits``) to find the original
    spelling of the bucket's value in (multi-valued fields hold other values too, so a terms sub-aggregation on
    ``.display`` would not say which spelling belongs to the bucket)."""
    aggs: dict[str, Any] = {}
    for facet in FACETS:
        if facet.name == STORY_FACET:  # the label the story's latest ingested article carries
            latest = {"ingested_at": {"order": "desc", "missing": "_last", "unmapped_type": "date"}}
            display: dict[str, Any] = {"size": 1, "_source": ["story_label", "title"], "sort": [latest]}
        else:
            display = {"size": 1, "_source": [facet.field]}
        aggs[facet.name] = {"terms": {"field": facet.field, "size": facet_size},
                            "aggs": {"display": {"top_hits": display}}}
    aggs["date_min"] = {"min": {"field": "date"}}
    aggs["date_max"] = {"max": {"field": "date"}}
    return aggs


def build_search(request: SearchRequest, facet_size: int) -> dict[str, Any]:
    """The body of the main search request."""
    languages = [v.lower() for v in request.filters.get("lang", [])]
    _, highlight_fields = text_fields(languages)
    body: dict[str, Any] = {
        "query": build_query(request),
        "size": request.size + 1,  # one more than asked: tells whether there is a next page
        "sort": sort_clause(request.sort),
        "track_total_hits": True,
        "_source": _SOURCE_FIELDS,
        "highlight": {
            "encoder": "html",
            "pre_tags": [MARK_OPEN],
            "post_tags": [MARK_CLOSE],
            "fields": {
                name: ({"number_of_fragments": 0} if name.startswith("title")
                       else {"fragment_size": SNIPPET_CHARS, "number_of_fragments": SNIPPETS})
                for name in highlight_fields
            },
        },
    }
    if request.after:
        body["search_after"] = decode_after(request.after, request.sort)
    if request.facets and not request.after:
        body["aggs"] = _facet_aggs(facet_size)
    return body


def histogram_interval(date_min: float | None, date_max: float | None) -> str:
    """A calendar interval that gives a readable number of bars for the span of the results."""
    if date_min is None or date_max is None:
        return "day"
    days = (date_max - date_min) / 86_400_000
    if 0.25 < days <= 3:
        return "hour"
    for limit, interval in ((90, "day"), (700, "week"), (3650, "month")):
        if days <= limit:
            return interval
    return "year"


# --- result ------------------------------------------------------------------------------------------
class FacetBucket(BaseModel):
    value: str = Field(description="normalized value: pass it back as the filter")
    display: str = Field(description="the value as written in the articles (most frequent spelling)")
    count: int


class HistogramBucket(BaseModel):
    date: datetime
    count: int


class Hit(BaseModel):
    id: str
    title: str
    title_html: str = Field(description="title, HTML-escaped, matches in <mark>")
    snippets: list[str] = Field(description="body fragments, HTML-escaped, matches in <mark>")
    date: datetime | None = None
    published_at: datetime | None = None
    ingested_at: datetime | None = None
    language: str | None = None
    source: str | None = None
    authors: list[str] = Field(default_factory=list)
    persons: list[str] = Field(default_factory=list)
    organisations: list[str] = Field(default_factory=list)
    places: list[str] = Field(default_factory=list)
    countries: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list)
    story_id: str | None = None
    url: str | None = None
    score: float | None = None


class SearchResult(BaseModel):
    total: int
    total_is_exact: bool = True
    took_ms: int
    hits: list[Hit]
    facets: dict[str, list[FacetBucket]] = Field(default_factory=dict)
    histogram: list[HistogramBucket] = Field(default_factory=list)
    interval: str | None = Field(default=None, description="calendar interval of the histogram bars")
    next: str | None = Field(default=None, description="`after` token of the next page; null on the last page")


def _pick(highlight: dict[str, list[str]], prefix: str) -> list[str]:
    """Fragments of the per-language field first (stemmed matches), then of the standard field."""
    language = [frags for name, frags in highlight.items() if name.startswith(prefix + "_")]
    standard = highlight.get(prefix, [])
    seen: list[str] = []
    for fragment in [*(f for frags in language for f in frags), *standard]:
        if fragment not in seen:
            seen.append(fragment)
    return seen


def _lead(body: str) -> str:
    text = " ".join(body.split())
    return html.escape(text if len(text) <= LEAD_CHARS else text[:LEAD_CHARS].rsplit(" ", 1)[0] + " …")


def parse_hit(raw: dict[str, Any]) -> Hit:
    source = raw.get("_source", {})
    highlight = raw.get("highlight", {})
    titles = _pick(highlight, "title")
    snippets = _pick(highlight, "body")[:SNIPPETS] or [_lead(source.get("body", ""))]
    return Hit(
        id=raw["_id"],
        title=source.get("title", ""),
        title_html=titles[0] if titles else html.escape(source.get("title", "")),
        snippets=snippets,
        date=source.get("date"),
        published_at=source.get("published_at"),
        ingested_at=source.get("ingested_at"),
        language=source.get("language"),
        source=source.get("source"),
        authors=source.get("authors") or [],
        persons=source.get("persons") or [],
        organisations=source.get("organisations") or [],
        places=[p["name"] for p in source.get("places") or [] if p.get("name")],
        countries=source.get("countries") or [],
        keywords=source.get("keywords") or [],
        story_id=source.get("story_id"),
        url=source.get("url"),
        score=raw.get("_score"),
    )


def fold(value: str) -> str:
    """Python's take on the ``facet_normalizer`` (lowercase + asciifolding), to recognise a bucket's spelling."""
    decomposed = unicodedata.normalize("NFKD", value.lower().translate(_FOLD_EXTRA))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _values(source: Any, path: list[str]) -> list[str]:
    """Values at ``path`` in a ``_source`` (through arrays of objects)."""
    if not path:
        items = source if isinstance(source, list) else [source]
        return [str(item) for item in items if isinstance(item, str | int | float)]
    if isinstance(source, list):
        return [v for item in source for v in _values(item, path)]
    return _values(source.get(path[0]), path[1:]) if isinstance(source, dict) else []


def _display(facet: FacetSpec, key: str, hits: list[dict[str, Any]]) -> str:
    if not hits:
        return key
    source = hits[0].get("_source", {})
    if facet.name == STORY_FACET:
        return str(source.get("story_label") or source.get("title") or key)
    candidates = _values(source, facet.field.split("."))
    return next((c for c in candidates if fold(c) == key), next((c for c in candidates if c.lower() == key), key))


def parse_facets(aggs: dict[str, Any]) -> dict[str, list[FacetBucket]]:
    facets: dict[str, list[FacetBucket]] = {}
    for facet in FACETS:
        facets[facet.name] = [
            FacetBucket(value=str(bucket["key"]), count=bucket["doc_count"],
                        display=_display(facet, str(bucket["key"]), bucket["display"]["hits"]["hits"]))
            for bucket in aggs.get(facet.name, {}).get("buckets", [])
        ]
    return facets


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


# --- running it ----------------------------------------------------------------------------------------
class Searcher:
    """Runs searches on the read alias."""

    def __init__(self, es: AsyncElasticsearch, settings: Settings) -> None:
        self.es = es
        self.settings = settings

    async def _search(self, body: dict[str, Any]) -> dict[str, Any]:
        body = {**body, "timeout": f"{int(self.settings.search_timeout_s * 1000)}ms"}
        try:
            response = await self.es.options(request_timeout=self.settings.search_timeout_s).search(
                index=self.settings.read_alias, body=body
            )
        except ApiError as exc:
            if exc.meta.status == 400:
                raise SearchError(_reason(exc)) from None
            if exc.meta.status == 404:
                raise BackendUnavailable(f"index {self.settings.read_alias!r} does not exist yet") from None
            raise BackendUnavailable(f"Elasticsearch answered {exc.meta.status}: {_reason(exc)}") from None
        except (TransportConnectionError, ConnectionTimeout) as exc:
            raise BackendUnavailable(f"Elasticsearch unreachable: {exc}") from None
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
