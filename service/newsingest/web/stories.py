"""``GET /api/stories`` (latest or growing stories) and ``GET /api/stories/{id}`` (one story and its timeline).

Same rules as ``/api/search``: the API key when one is configured (401), 400 with the reason for bad
parameters, 503 when Elasticsearch is unreachable (the app's exception handlers), 404 for an unknown story.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, status
from pydantic import ValidationError

from newsingest.config import Settings
from newsingest.index.search import SearchError
from newsingest.index.stories import (
    MAX_HOURS,
    MAX_STORIES,
    StoryBrowser,
    StoryDetail,
    StoryList,
    StoryListRequest,
    StorySort,
)
from newsingest.web.auth import api_key_guard


def _browser(request: Request) -> StoryBrowser:
    searcher = request.app.state.searcher
    return StoryBrowser(searcher.es, searcher.settings)


def stories_router(settings: Settings, errors: dict[int | str, dict[str, Any]]) -> APIRouter:
    router = APIRouter(dependencies=[Depends(api_key_guard(settings))], tags=["stories"])

    @router.get("/api/stories", response_model=StoryList, responses=errors, summary="Latest or growing stories")
    async def stories(
        request: Request,
        sort: StorySort = "latest",
        hours: Annotated[int | None, Query(ge=1, le=MAX_HOURS, description="only stories with articles dated in "
                                           "the last `hours` (growing: 24 when not given)")] = None,
        size: Annotated[int, Query(ge=1, le=MAX_STORIES)] = 20,
        min_articles: Annotated[int, Query(ge=1, le=10_000)] = 2,
    ) -> StoryList:
        """Stories with their label (the headline of the most central article), first and last seen, article
        count, sources, languages and top persons, organisations and places. `latest`: the newest article
        first; `growing`: the most articles in the last `hours` first."""
        try:
            query = StoryListRequest(sort=sort, hours=hours, size=size, min_articles=min_articles)
        except ValidationError as exc:
            raise SearchError("; ".join(str(err["msg"]) for err in exc.errors())) from None
        return await _browser(request).stories(query)

    @router.get("/api/stories/{story_id}", response_model=StoryDetail,
                responses={**errors, 404: {"model": errors[400]["model"], "description": "no such story"}},
                summary="One story and the timeline of its articles")
    async def story(request: Request,
                    story_id: Annotated[str, Path(max_length=64, description="the story id")]) -> StoryDetail:
        """The story's summary and its articles oldest first (date, title, source, language)."""
        found = await _browser(request).story(story_id)
        if found is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no story {story_id} in the index")
        return found

    return router
