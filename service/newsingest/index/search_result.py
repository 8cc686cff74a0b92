"""The search result models and how an Elasticsearch response becomes one: hits with highlighted titles and
snippets, facet buckets with the spelling the articles use (or a story's label)."""

from __future__ import annotations

import html
import unicodedata
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from newsingest.index.search_query import FACETS, SNIPPETS, STORY_FACET, FacetSpec

LEAD_CHARS = 240
_FOLD_EXTRA = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "þ": "th", "ı": "i"})


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
