"""Chooses the parser for a file: every registered parser scores it (extension, media type, content
sniffing), the best one above zero parses it. A file nobody accepts is an ``UnsupportedFormat``."""

from __future__ import annotations

from collections.abc import Sequence

from newsingest.ingest.formats.base import (
    EmptyFile,
    FormatParser,
    ParseError,
    ParseResult,
    SourceFile,
    UnsupportedFormat,
)
from newsingest.ingest.formats.htmlpage import HtmlParser
from newsingest.ingest.formats.jsondoc import JsonParser
from newsingest.ingest.formats.jsonl import JsonlParser
from newsingest.ingest.formats.newsml import NewsMLParser
from newsingest.ingest.formats.nitf import NitfParser
from newsingest.ingest.formats.sniffing import Kind, head_preview
from newsingest.ingest.formats.sniffing import sniff as sniff_kind
from newsingest.ingest.formats.text import TextParser
from newsingest.models import RawArticle

PARSERS: Sequence[FormatParser] = (
    NitfParser(),
    NewsMLParser(),
    HtmlParser(),
    JsonlParser(),
    JsonParser(),
    TextParser(),
)


def sniff(source: SourceFile) -> str:
    """A short printable description of what the file looks like, for error reports."""
    return sniff_kind(source).description


def choose_parser(source: SourceFile, parsers: Sequence[FormatParser] = PARSERS) -> FormatParser:
    sniffed = sniff_kind(source)
    if sniffed.kind is Kind.EMPTY:
        raise EmptyFile("file is empty or only whitespace", size=len(source.data))
    scored = sorted(((p.score(source), i, p) for i, p in enumerate(parsers)), key=lambda t: (-t[0], t[1]))
    if not scored or scored[0][0] <= 0:
        raise UnsupportedFormat(
            "unsupported format", suffix=source.suffix, sniffed=sniffed.description, head=head_preview(source)
        )
    return scored[0][2]


def parse_file_detailed(source: SourceFile, parsers: Sequence[FormatParser] = PARSERS) -> ParseResult:
    """All articles of a file and one typed error per item (or for the whole file) that failed.

    Never raises a ParseError: a file that fails as a whole comes back with no articles and one error.
    """
    parser: FormatParser | None = None
    try:
        parser = choose_parser(source, parsers)
        parse_detailed = getattr(parser, "parse_detailed", None)
        if parse_detailed is not None:
            result: ParseResult = parse_detailed(source)
            return result
        return ParseResult(parser.parse(source), [], parser.name)
    except ParseError as error:
        return ParseResult([], [error], parser.name if parser else None)


def parse_file(source: SourceFile, parsers: Sequence[FormatParser] = PARSERS) -> list[RawArticle]:
    """Parse a file into articles; raises a ParseError subclass for every expected failure.

    Items that failed in a file that also has good ones (a bad JSONL line) are dropped here: use
    ``parse_file_detailed`` to see them.
    """
    return parse_file_detailed(source, parsers).articles_or_raise()
