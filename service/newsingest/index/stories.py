"""Stories from the articles index: the latest or growing stories and one story with its timeline.

A story is the set of indexed articles with one ``story_id`` (docs/stories.md). Everything here is an
aggregation over the read alias, so what the page, the API and the CLI show is what is searchable:

- label: ``story_label`` of the story's most recently *ingested* article (enrichment writes the story's
  current label, the headline of its most central article, into each article), else that article's title
  (articles indexed before labels existed);
- first/last seen: the earliest and latest ``date`` (publication, else ingest time) of its articles;
- article count, sources, languages, top persons/organisations/places (their most frequent spellings).

Listing: ``latest`` orders stories by their newest article, ``growing`` by how many articles they gained in the
last ``hours`` (default 24). ``hours`` limits either list to stories with an article dated in that period.
Used by ``GET /api/stories`` (web/stories.py) and ``newsingest stories`` (cli/stories.py).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from newsingest.index.search import Searcher, SearchError

StorySort = Literal["latest", "growing"]
MAX_STORIES = 100
MAX_HOURS = 24 * 366
MAX_TIMELINE = 500
GROWING_HOURS = 24
TOP_VALUES = 5
STORY_ID = re.compile(r"[0-9a-f]{64}")


class StoryListRequest(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    sort: StorySort = Field(default="latest", description="latest: newest article first; growing: most new articles")
    hours: int | None = Field(default=None, ge=1, le=MAX_HOURS,
                              description=f"only stories with articles dated in the last `hours` (growing: "
                                          f"{GROWING_HOURS} when not given)")
    size: int = Field(default=20, ge=1, le=MAX_STORIES)
    min_articles: int = Field(default=2, ge=1, le=10_000,
                              description="least number of articles (in the period, when `hours` is given)")

    @property
    def period_hours(self) -> int | None:
        return self.hours if self.hours is not None or self.sort == "latest" else GROWING_HOURS


class ValueCount(BaseModel):
    value: str
    count: int


class StorySummary(BaseModel):
    id: str = Field(description="story id: pass it as `story` to /api/search for its articles")
    label: str = Field(description="headline of the story's most central article")
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    articles: int = Field(description="articles in the story")
    recent: int | None = Field(default=None, description="articles dated in the last `hours` (when given)")
    sources: list[ValueCount] = Field(default_factory=list)
    languages: list[ValueCount] = Field(default_factory=list)
    persons: list[ValueCount] = Field(default_factory=list)
    organisations: list[ValueCount] = Field(default_factory=list)
    places: list[ValueCount] = Field(default_factory=list)


class StoryList(BaseModel):
    sort: StorySort
    hours: int | None = Field(description="the period the list covers (null: all time)")
    took_ms: int
    stories: list[StorySummary]


class TimelineEntry(BaseModel):
    id: str
    date: datetime | None = None
    title: str
    source: str | None = None
    language: str | None = None
    url: str | None = None


class StoryDetail(StorySummary):
    timeline: list[TimelineEntry] = Field(description=f"its articles, oldest first (at most {MAX_TIMELINE})")


_VALUE_FIELDS = {"sources": "source.display", "languages": "language", "persons": "persons.display",
                 "organisations": "organisations.display", "places": "places.name.display"}  # fmt: skip
_DATE_ORDER = {"unmapped_type": "date", "missing": "_last"}


def summary_aggs() -> dict[str, Any]:
    """Per-story sub-aggregations (also used at the top level for one story)."""
    latest = {"ingested_at": {"order": "desc", **_DATE_ORDER}}
    aggs: dict[str, Any] = {
        "first": {"min": {"field": "date"}},
        "last": {"max": {"field": "date"}},
        "label": {"top_hits": {"size": 1, "sort": [latest, {"date": {"order": "desc", **_DATE_ORDER}}],
                               "_source": ["story_label", "title"]}},
    }
    for name, field in _VALUE_FIELDS.items():
        aggs[name] = {"terms": {"field": field, "size": TOP_VALUES}}
    return aggs


def _period(hours: int | None) -> list[dict[str, Any]]:
    return [{"range": {"date": {"gte": f"now-{hours}h"}}}] if hours else []


def list_query(request: StoryListRequest) -> dict[str, Any]:
    """First step: the ids of the stories to show, in order."""
    order = ([{"last": "desc"}, {"_key": "asc"}] if request.sort == "latest"
             else [{"_count": "desc"}, {"last": "desc"}, {"_key": "asc"}])
    return {
        "size": 0,
        "query": {"bool": {"filter": [{"exists": {"field": "story_id"}}, *_period(request.period_hours)]}},
        "aggs": {"stories": {
            "terms": {"field": "story_id", "size": request.size, "min_doc_count": request.min_articles,
                      "order": order},
            "aggs": {"last": {"max": {"field": "date"}}},
        }},
    }  # fmt: skip


def summaries_query(ids: list[str]) -> dict[str, Any]:
    """Second step: every article of those stories (not only the period's), summarised per story."""
    return {
        "size": 0,
        "query": {"bool": {"filter": [{"terms": {"story_id": ids}}]}},
        "aggs": {"stories": {"terms": {"field": "story_id", "size": len(ids)}, "aggs": summary_aggs()}},
    }


def story_query(story_id: str) -> dict[str, Any]:
    return {
        "size": MAX_TIMELINE,
        "query": {"bool": {"filter": [{"term": {"story_id": story_id}}]}},
        "sort": [{"date": {"order": "asc", **_DATE_ORDER}}, {"article_id": {"order": "asc"}}],
        "_source": ["title", "date", "source", "language", "url"],
        "track_total_hits": True,
        "aggs": summary_aggs(),
    }


def _values(agg: dict[str, Any]) -> list[ValueCount]:
    return [ValueCount(value=str(b["key"]), count=b["doc_count"]) for b in agg.get("buckets", [])]


def parse_summary(story_id: str, aggs: dict[str, Any], count: int) -> StorySummary:
    hits = aggs["label"]["hits"]["hits"]
    source = hits[0].get("_source", {}) if hits else {}
    label = str(source.get("story_label") or source.get("title") or "").strip() or "(untitled story)"
    return StorySummary(
        id=story_id, label=label, articles=count,
        first_seen=aggs["first"].get("value_as_string"), last_seen=aggs["last"].get("value_as_string"),
        **{name: _values(aggs.get(name, {})) for name in _VALUE_FIELDS},
    )  # fmt: skip


def check_story_id(story_id: str) -> str:
    if not STORY_ID.fullmatch(story_id):
        raise SearchError("invalid story id: 64 lowercase hex digits (the `story_id` of an article)")
    return story_id


class StoryBrowser(Searcher):
    """Runs the story aggregations on the read alias (errors as for search: SearchError, BackendUnavailable)."""

    async def stories(self, request: StoryListRequest) -> StoryList:
        first = await self._search(list_query(request))
        buckets = first["aggregations"]["stories"]["buckets"]
        ids = [str(b["key"]) for b in buckets]
        took = int(first.get("took", 0))
        summaries: dict[str, StorySummary] = {}
        if ids:
            second = await self._search(summaries_query(ids))
            took += int(second.get("took", 0))
            for bucket in second["aggregations"]["stories"]["buckets"]:
                summaries[str(bucket["key"])] = parse_summary(str(bucket["key"]), bucket, bucket["doc_count"])
        period = request.period_hours
        stories = []
        for bucket in buckets:
            summary = summaries.get(str(bucket["key"]))
            if summary is not None:
                stories.append(summary.model_copy(update={"recent": bucket["doc_count"] if period else None}))
        return StoryList(sort=request.sort, hours=period, took_ms=took, stories=stories)

    async def story(self, story_id: str) -> StoryDetail | None:
        response = await self._search(story_query(check_story_id(story_id)))
        total = response["hits"]["total"]["value"]
        if not total:
            return None
        summary = parse_summary(story_id, response["aggregations"], total)
        timeline = [
            TimelineEntry(id=hit["_id"], date=s.get("date"), title=s.get("title", ""), source=s.get("source"),
                          language=s.get("language"), url=s.get("url"))
            for hit in response["hits"]["hits"] for s in [hit.get("_source", {})]
        ]  # fmt: skip
        return StoryDetail(**summary.model_dump(), timeline=timeline)
