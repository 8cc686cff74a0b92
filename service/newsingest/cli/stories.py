"""``newsingest stories`` (latest or growing stories) and ``newsingest stories show ID`` (registered in cli/).

Reads the index directly, like ``newsingest search``. Exit codes: 0 ok, 1 no such story, 2 bad parameters,
3 Elasticsearch unreachable."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import click

from newsingest.config import Settings

T = TypeVar("T")


def _settings() -> Settings:
    return click.get_current_context().find_root().obj


def _run(call: Callable[[Any], Awaitable[T]]) -> T:
    """Run ``call(browser)`` on a StoryBrowser; bad parameters exit 2, an unreachable backend 3."""
    from newsingest.index.client import async_client
    from newsingest.index.search import BackendUnavailable, SearchError
    from newsingest.index.stories import StoryBrowser

    settings = _settings()

    async def main() -> T:
        es = async_client(settings, request_timeout=settings.search_timeout_s + 5)
        try:
            return await call(StoryBrowser(es, settings))
        finally:
            await es.close()

    try:
        return asyncio.run(main())
    except SearchError as exc:
        click.echo(f"error: {exc.reason}", err=True)
        sys.exit(2)
    except BackendUnavailable as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(3)


def _names(values: list[Any], limit: int = 3) -> str:
    return ", ".join(v.value for v in values[:limit])


def _day(moment: Any) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment is not None else "?"


def _print_summary(story: Any) -> None:
    recent = f", {story.recent} recent" if story.recent is not None else ""
    click.echo(click.style(story.label, bold=True))
    click.echo(f"  {story.articles} articles{recent} · {_day(story.first_seen)} – {_day(story.last_seen)}"
               f" · sources: {_names(story.sources) or '-'} · languages: {_names(story.languages) or '-'}")
    people = [part for part in (_names(story.persons), _names(story.organisations), _names(story.places)) if part]
    if people:
        click.echo(f"  {' · '.join(people)}")
    click.echo(f"  id {story.id}")


@click.group("stories", invoke_without_command=True)
@click.option("--sort", type=click.Choice(["latest", "growing"]), default="latest",
              help="latest: newest article first; growing: most articles in the last --hours first")
@click.option("--hours", type=click.IntRange(1, 24 * 366), default=None,
              help="only stories with articles dated in the last HOURS (growing: 24 when not given)")
@click.option("--size", type=click.IntRange(1, 100), default=20)
@click.option("--min-articles", type=click.IntRange(1, 10_000), default=2, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="print the result as JSON")
@click.pass_context
def stories_group(ctx: click.Context, sort: str, hours: int | None, size: int, min_articles: int,
                  as_json: bool) -> None:
    """The latest or growing stories: label, dates, articles, sources, languages, who and where."""
    if ctx.invoked_subcommand is not None:
        return
    from newsingest.index.stories import StoryListRequest

    request = StoryListRequest(sort=sort, hours=hours, size=size, min_articles=min_articles)  # type: ignore[arg-type]
    result = _run(lambda browser: browser.stories(request))
    if as_json:
        click.echo(result.model_dump_json(indent=2))
        return
    period = f" in the last {result.hours} h" if result.hours else ""
    click.echo(f"{len(result.stories)} {result.sort} stories{period}")
    for story in result.stories:
        click.echo("")
        _print_summary(story)


@stories_group.command("show")
@click.argument("story_id")
@click.option("--json", "as_json", is_flag=True, help="print the story as JSON")
def show_cmd(story_id: str, as_json: bool) -> None:
    """One story and the timeline of its articles (oldest first)."""
    story = _run(lambda browser: browser.story(story_id.strip().lower()))
    if story is None:
        click.echo(f"error: no story {story_id} in the index", err=True)
        sys.exit(1)
    if as_json:
        click.echo(story.model_dump_json(indent=2))
        return
    _print_summary(story)
    click.echo("")
    for entry in story.timeline:
        where = " · ".join(part for part in (entry.source, entry.language) if part)
        click.echo(f"  {_day(entry.date)}  {entry.title}" + (f"  ({where})" if where else ""))
