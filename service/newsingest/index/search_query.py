"""The search request and the Elasticsearch request body built from it (shared by the CLI, the HTTP API
and the alert rules).

- Query: Lucene ``query_string`` syntax (AND OR NOT, "phrases", -exclude, +require, prefix*, (groups),
  field:value) with AND as the default operator, over ``title``/``body`` and the per-language fields (only the
  requested languages' fields when ``lang`` is filtered). Quoted phrases run on the unstemmed fields.
- Filters: every facet (values of one facet are ANDed) and a date range on ``date``.
- Facets: terms buckets on the normalized field, with one article each to find the value's display form in.
- Paging: ``search_after`` with an opaque token; sort by relevance or date.
A request that cannot be answered as asked raises ``SearchError`` (the API answers 400 with its reason).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Collection
from datetime import UTC, date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from newsingest.index.template import LANGUAGE_ANALYZERS, QUOTE_FIELD_SUFFIX, language_fields

MAX_PAGE_SIZE = 100
MAX_QUERY_CHARS = 1000
MAX_FILTER_VALUES = 20
SNIPPETS = 3
SNIPPET_CHARS = 180
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


def text_fields(languages: list[str], present: Collection[str] | None = None) -> tuple[list[str], list[str]]:
    """(query fields, highlight fields): the standard fields plus the per-language ones of ``languages``
    (all languages when empty), of those only ``present``'s when given (the languages of the only documents
    the query will run on: a document has no per-language field but its own language's)."""
    codes = [code for code in languages if code in LANGUAGE_ANALYZERS] if languages else list(LANGUAGE_ANALYZERS)
    if present is not None:
        codes = [code for code in codes if code in present]
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


def build_query(request: SearchRequest, present_languages: Collection[str] | None = None) -> dict[str, Any]:
    """The ``query`` of the search: the query string (if any) filtered by facets and dates (over only the
    per-language fields of ``present_languages``, when given: see ``text_fields``)."""
    languages = [v.lower() for v in request.filters.get("lang", [])]
    present = None if present_languages is None else {code.lower() for code in present_languages}
    fields, _ = text_fields(languages, present)
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
