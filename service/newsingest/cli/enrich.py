"""``newsingest enrich``: enrich articles from a file or stdin and print what enrichment found.

Runs the real pipeline (the NER engine from settings, the gazetteer, an in-memory story store shared by
the articles of one run) without Kafka or Elasticsearch; for trying enrichment on a file.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

import click

from newsingest.config import Settings, load_settings
from newsingest.models import EnrichedArticle, EntityType, RawArticle

LINES_PARSER = "lines"


def _settings() -> Settings:
    ctx = click.get_current_context(silent=True)
    root = ctx.find_root().obj if ctx is not None else None
    return root if isinstance(root, Settings) else load_settings()


def read_articles(name: str, data: bytes, *, lines: bool) -> list[RawArticle]:
    """Articles of a file: parsed by format, or (``lines``) one article per non-empty line."""
    from newsingest.ingest.formats.base import SourceFile, build_article
    from newsingest.ingest.formats.encoding import decode_text
    from newsingest.ingest.formats.registry import parse_file
    from newsingest.ingest.formats.titles import derive_title

    source = SourceFile(name, data)
    if not lines:
        return parse_file(source)
    text_of_file, encoding = decode_text(data)
    articles = []
    for index, line in enumerate(text_of_file.splitlines()):
        text = line.strip()
        if text:
            articles.append(build_article(
                source, parser=LINES_PARSER, media_type="text/plain", title=derive_title(text), body=text,
                index_in_file=index, encoding=encoding, title_derived=True,
            ))  # fmt: skip
    return articles


def _names(article: EnrichedArticle, kind: EntityType) -> str:
    found = [f"{e.name} ({e.count})" if e.count > 1 else e.name for e in article.entities if e.type is kind]
    return ", ".join(found) or "-"


def summary(index: int, article: EnrichedArticle) -> str:
    """A readable block for one enriched article."""
    places = []
    for place in article.places:
        where = f" {place.lat:.2f},{place.lon:.2f}" if place.lat is not None and place.lon is not None else ""
        code = f" [{place.country_code}]" if place.country_code else ""
        count = f" ({place.count})" if place.count > 1 else ""
        places.append(f"{place.name} -> {place.resolved_name}, {place.kind}{code}{where}{count}")
    lines = [
        f"[{index}] {article.title}",
        f"    language: {article.language} ({article.language_confidence:.2f})   words: {article.word_count}"
        f"   simhash: {article.simhash}",
        f"    story: {article.story_id}" + (f"   duplicate of: {article.duplicate_of}" if article.duplicate_of else ""),
        f"    persons: {_names(article, EntityType.PERSON)}",
        f"    organisations: {_names(article, EntityType.ORGANISATION)}",
        f"    other: {_names(article, EntityType.MISC)}",
        "    places: " + ("; ".join(places) or "-"),
        f"    countries: {', '.join(article.countries) or '-'}",
    ]
    return "\n".join(lines)


async def enrich_all(settings: Settings, articles: Sequence[RawArticle]) -> list[EnrichedArticle]:
    """Enrich articles in order with the engine from settings and one in-memory story store."""
    from newsingest.enrich.ner.factory import build_engine
    from newsingest.enrich.pipeline import Enricher

    enricher = Enricher(settings, engine=build_engine(settings), story_store={})
    try:
        return [await enricher.enrich(article) for article in articles]
    finally:
        await enricher.aclose()


def _is_ner_unreachable(exc: BaseException) -> bool:
    try:
        from newsingest.enrich.ner.corenlp import CoreNLPError
    except ImportError:  # pragma: no cover - engine module not present
        return False
    return isinstance(exc, CoreNLPError)


def _emit(results: Iterable[EnrichedArticle], as_json: bool) -> None:
    for index, article in enumerate(results, start=1):
        click.echo(article.model_dump_json() if as_json else summary(index, article) + "\n")


@click.command("enrich")
@click.argument("file", default="-", type=click.Path(exists=True, dir_okay=False, allow_dash=True, path_type=str))
@click.option("--json", "as_json", is_flag=True, help="print one EnrichedArticle JSON per line")
@click.option("--lines", is_flag=True, help="each input line is one article (title: its first sentence)")
def enrich_cmd(file: str, as_json: bool, lines: bool) -> None:
    """Enrich the articles of FILE (or stdin with '-') and print entities, places and story ids."""
    from newsingest.ingest.formats.base import ParseError

    settings = _settings()
    if file == "-":
        name, data = "stdin.txt", sys.stdin.buffer.read()
    else:
        path = Path(file)
        name, data = path.name, path.read_bytes()
    try:
        articles = read_articles(name, data, lines=lines)
    except ParseError as exc:
        click.echo(f"error: cannot read {file}: {exc.reason} ({exc.code})", err=True)
        sys.exit(1)
    try:
        results = asyncio.run(enrich_all(settings, articles))
    except Exception as exc:
        if not _is_ner_unreachable(exc):
            raise
        click.echo(
            f"error: the NER server at {settings.corenlp_server} is not reachable or failed: {exc}\n"
            "Start the local stack with `newsingest stack up` (or set NEWSINGEST_CORENLP_URL, "
            "or NEWSINGEST_NER_ENABLED=false to enrich without entities).",
            err=True,
        )
        sys.exit(2)
    _emit(results, as_json)
