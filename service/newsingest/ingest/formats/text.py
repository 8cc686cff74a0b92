"""Plain text as scraped from news sites (German, English): a headline line if there is one, then bylines,
credits, datelines, metadata lines and body paragraphs, which ``refine`` tells apart."""

from __future__ import annotations

import re

from newsingest.ingest.formats.base import ParseResult, SourceFile
from newsingest.ingest.formats.boilerplate import is_boilerplate
from newsingest.ingest.formats.bylines import parse_byline
from newsingest.ingest.formats.cleaning import repair_text, split_paragraphs
from newsingest.ingest.formats.credits import match_credit
from newsingest.ingest.formats.datelines import match_dateline
from newsingest.ingest.formats.draft import ArticleDraft
from newsingest.ingest.formats.encoding import decode_text
from newsingest.ingest.formats.metadata import match_metadata_line, split_metadata_prefix
from newsingest.ingest.formats.refine import finish_article
from newsingest.ingest.formats.sniffing import Kind, declared_kind, sniff
from newsingest.ingest.formats.titles import looks_like_headline
from newsingest.models import RawArticle

_TEXT_SUFFIXES = {"txt", "text", ""}
_LOOKAHEAD = 4
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")


def _is_furniture(paragraph: str) -> bool:
    return bool(match_metadata_line(paragraph) or match_credit(paragraph) or is_boilerplate(paragraph))


def take_headline(paragraphs: list[str]) -> tuple[str, list[str]]:
    """The headline line among the first paragraphs, and the paragraphs without it ("" if there is none)."""
    for index, paragraph in enumerate(paragraphs[:_LOOKAHEAD]):
        if _is_furniture(paragraph):
            continue
        rest = paragraphs[:index] + paragraphs[index + 1 :]
        has_body = any(not _is_furniture(p) and not parse_byline(p) for p in paragraphs[index + 1 :])
        if (
            has_body
            and looks_like_headline(paragraph)
            and not parse_byline(paragraph)
            and not match_dateline(paragraph)
        ):
            return paragraph, rest
        break
    return "", paragraphs


class TextParser:
    name = "text"
    media_type = "text/plain"

    def score(self, source: SourceFile) -> float:
        sniffed = sniff(source)
        if sniffed.kind is not Kind.TEXT:
            return 0.0
        declared = declared_kind(source)
        if declared is Kind.TEXT or source.suffix in _TEXT_SUFFIXES:
            return 0.5
        return 0.3 if declared is None else 0.1

    def parse_detailed(self, source: SourceFile) -> ParseResult:
        text, encoding = decode_text(source.data)
        paragraphs = split_paragraphs(repair_text(text))
        if paragraphs:
            paragraphs = [*split_metadata_prefix(paragraphs[0]), *paragraphs[1:]]
        title, paragraphs = take_headline(paragraphs)
        title = _MARKDOWN_HEADING.sub("", title)
        draft = ArticleDraft(title=title, paragraphs=paragraphs)
        article = finish_article(draft, source, parser=self.name, media_type=self.media_type, encoding=encoding)
        return ParseResult([article], [], self.name)

    def parse(self, source: SourceFile) -> list[RawArticle]:
        return self.parse_detailed(source).articles_or_raise()
