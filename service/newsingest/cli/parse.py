"""``newsingest parse FILE...``: what the parser extracts from files, to check them before dropping them."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import click

from newsingest.ingest.formats.base import ParseError, SourceFile
from newsingest.ingest.formats.registry import parse_file_detailed
from newsingest.models import RawArticle

_PREVIEW = 300


def _summary(article: RawArticle) -> str:
    published = f"{article.published_at.isoformat()} ({article.published_precision})" if article.published_at else "-"
    lines = [
        f"  [{article.provenance.index_in_file}] {article.title}"
        + ("  (title derived)" if article.title_derived else ""),
        f"      format:    {article.provenance.format} ({article.provenance.media_type}, "
        f"{article.provenance.encoding or 'n/a'})",
        f"      source:    {article.source or '-'}",
        f"      authors:   {', '.join(article.authors) or '-'}",
        f"      dateline:  {article.dateline or '-'}"
        + (f"  places: {', '.join(article.dateline_places)}" if article.dateline_places else ""),
        f"      published: {published}",
        f"      language:  {article.language_hint or '-'}",
        f"      keywords:  {', '.join(article.keywords) or '-'}",
        f"      url:       {article.url or '-'}",
        f"      body:      {len(article.body.split())} words, {article.body.count(chr(10) * 2) + 1} paragraphs",
    ]
    preview = article.body[:_PREVIEW] + ("…" if len(article.body) > _PREVIEW else "")
    lines.append(textwrap.indent(textwrap.fill(preview, width=100), "        "))
    return "\n".join(lines)


def _error_line(error: ParseError) -> str:
    extra = {k: v for k, v in error.as_dict().items() if k not in {"code", "reason"}}
    detail = f" {json.dumps(extra, ensure_ascii=False, default=str)}" if extra else ""
    return f"[{error.code}] {error.reason}{detail}"


@click.command("parse")
@click.argument(
    "files",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path),
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per article (RawArticle).")
def parse(files: tuple[Path, ...], as_json: bool) -> None:
    """Show what newsingest extracts from FILE... without ingesting anything.

    Exit code 1 when any file (or any item in a multi-article file) failed to parse.
    """
    failed = False
    for path in files:
        result = parse_file_detailed(SourceFile(path.name, path.read_bytes()))
        failed = failed or bool(result.errors)
        if as_json:
            for article in result.articles:
                click.echo(article.model_dump_json())
            for error in result.errors:
                click.echo(json.dumps({"file": str(path), "error": error.as_dict()}, default=str), err=True)
            continue
        status = "FAILED" if result.errors and not result.articles else "ok"
        click.echo(f"{path}: {status}, {len(result.articles)} article(s), parser {result.parser or '-'}")
        for article in result.articles:
            click.echo(_summary(article))
        for error in result.errors:
            click.echo(f"  error: {_error_line(error)}", err=True)
    if failed:
        raise click.exceptions.Exit(1)
