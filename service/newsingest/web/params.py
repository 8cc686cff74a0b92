"""The query parameters a search is made of (``q``, the facet filters, dates, sort), shared by ``/api/search``
and ``/api/export`` so that both always mean the same thing by them."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query
from pydantic import ValidationError

from newsingest.index.search import MAX_FILTER_VALUES, MAX_QUERY_CHARS, SearchError, SearchRequest, SortOrder

FacetValues = Annotated[list[str] | None, Query(max_length=MAX_FILTER_VALUES)]


def query_params(
    q: Annotated[str, Query(max_length=MAX_QUERY_CHARS, description="query string (AND OR NOT \"phrase\" -x x*)")] = "",
    lang: Annotated[list[str] | None, Query(max_length=MAX_FILTER_VALUES, description="language (ISO 639-1)")] = None,
    source: FacetValues = None,
    author: FacetValues = None,
    person: FacetValues = None,
    org: FacetValues = None,
    place: FacetValues = None,
    country: Annotated[list[str] | None, Query(max_length=MAX_FILTER_VALUES, description="ISO 3166 alpha-2")] = None,
    keyword: FacetValues = None,
    story: Annotated[list[str] | None, Query(max_length=MAX_FILTER_VALUES, description="story id: more from "
                                                                                        "this story")] = None,
    since: Annotated[str | None, Query(max_length=64, description="YYYY-MM-DD, ISO date-time or now-7d")] = None,
    until: Annotated[str | None, Query(max_length=64, description="YYYY-MM-DD (whole day), ISO or date math")] = None,
    sort: SortOrder = "relevance",
) -> SearchRequest:
    """The search the parameters describe (no paging, no facets); a bad value is a ``SearchError`` (400)."""
    values = {"lang": lang, "source": source, "author": author, "person": person, "org": org, "place": place,
              "country": country, "keyword": keyword, "story": story}
    return validated(q=q, filters={k: v for k, v in values.items() if v}, since=since, until=until, sort=sort,
                     facets=False)


def validated(**fields: object) -> SearchRequest:
    try:
        return SearchRequest.model_validate(fields)
    except ValidationError as exc:
        raise SearchError("; ".join(str(err["msg"]) for err in exc.errors())) from None
