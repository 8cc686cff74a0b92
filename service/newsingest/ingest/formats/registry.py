"""Chooses the parser for a file: every registered parser scores it, the best one above zero parses it."""

from __future__ import annotations

from collections.abc import Sequence

from newsingest.ingest.formats.base import FormatParser, SourceFile, UnsupportedFormat
from newsingest.ingest.formats.text import TextParser
from newsingest.models import RawArticle

PARSERS: Sequence[FormatParser] = (TextParser(),)


def sniff(source: SourceFile) -> str:
    """A short printable description of the file's start, for error reports."""
    return source.data[:64].decode("latin-1").encode("unicode_escape").decode("ascii")[:120]


def choose_parser(source: SourceFile, parsers: Sequence[FormatParser] = PARSERS) -> FormatParser:
    scored = sorted(((p.score(source), i, p) for i, p in enumerate(parsers)), key=lambda t: (-t[0], t[1]))
    if not scored or scored[0][0] <= 0:
        raise UnsupportedFormat("unsupported format", suffix=source.suffix, sniffed=sniff(source))
    return scored[0][2]


def parse_file(source: SourceFile, parsers: Sequence[FormatParser] = PARSERS) -> list[RawArticle]:
    """Parse a file into articles; raises a ParseError subclass for every expected failure."""
    return choose_parser(source, parsers).parse(source)
