"""``newsingest tail``: print enriched articles from ``news.enriched`` as they arrive."""

from __future__ import annotations

import asyncio
import contextlib
import json

import click

from newsingest.consume import ArticleFilter, ConsumedArticle, check_group, tail_articles
from newsingest.models import EntityType


def article_line(consumed: ConsumedArticle) -> str:
    """One human-readable line: time, article id, language, title and the persons mentioned."""
    article = consumed.article
    persons = ", ".join(e.name for e in article.entities if e.type == EntityType.PERSON)
    line = f"{article.enriched_at:%H:%M:%S}  {article.article_id[:12]}  [{article.language}] {article.title[:80]}"
    return f"{line}  ({persons})" if persons else line


def json_line(consumed: ConsumedArticle) -> str:
    """The message value as published (fields newer than this reader included), on one line."""
    return json.dumps(json.loads(consumed.value), ensure_ascii=False, separators=(",", ":"))


@click.command("tail")
@click.option("--from-beginning", is_flag=True, help="start at the oldest retained message (default: only new ones)")
@click.option(
    "--group",
    default=None,
    help="consumer group of your own to join and commit to (default: none, nothing is committed)",
)
@click.option("--lang", default=None, help="only articles in this language (ISO 639-1, e.g. de)")
@click.option("--person", default=None, help="only articles mentioning this person (case-insensitive substring)")
@click.option("--json", "as_json", is_flag=True, help="print each article as one line of JSON, as published")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="stop after this many articles")
@click.pass_context
def tail_cmd(
    ctx: click.Context,
    from_beginning: bool,
    group: str | None,
    lang: str | None,
    person: str | None,
    as_json: bool,
    limit: int | None,
) -> None:
    """Print enriched articles as they arrive on news.enriched (Ctrl-C stops)."""
    settings = ctx.find_root().obj
    try:
        check_group(settings, group)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--group") from exc
    wanted = ArticleFilter(language=lang, person=person)
    render = json_line if as_json else article_line

    async def main() -> None:
        async for consumed in tail_articles(
            settings, from_beginning=from_beginning, group=group, limit=limit, wanted=wanted
        ):
            click.echo(render(consumed))

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())
