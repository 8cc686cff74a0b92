"""JSON Lines: one article object per line. A bad line fails alone; the good lines still give articles."""

from __future__ import annotations

from newsingest.ingest.formats.base import (
    MalformedDocument,
    MissingContent,
    ParseError,
    ParseResult,
    SourceFile,
)
from newsingest.ingest.formats.encoding import decode_text
from newsingest.ingest.formats.jsondoc import articles_from_items, find_items, load_json
from newsingest.ingest.formats.sniffing import Kind, declared_kind, sniff
from newsingest.models import RawArticle

_MAX_LINES = 100000


def _at_line(error: ParseError, number: int, index: int) -> ParseError:
    """The error of one line, saying which line it was."""
    error.reason = f"line {number}: {error.reason}"
    error.args = (error.reason,)
    error.detail.update(line=number, index_in_file=index)
    return error.detached()


class JsonlParser:
    name = "jsonl"
    media_type = "application/x-ndjson"

    def score(self, source: SourceFile) -> float:
        kind = sniff(source).kind
        declared = declared_kind(source)
        if declared is Kind.JSONL and kind in {Kind.JSON, Kind.JSONL, Kind.TEXT}:
            return 0.95
        return 0.9 if kind is Kind.JSONL else 0.0

    def parse_detailed(self, source: SourceFile) -> ParseResult:
        text, encoding = decode_text(source.data)
        lines = text.lstrip("\ufeff").split("\n")
        articles: list[RawArticle] = []
        errors: list[ParseError] = []
        index = 0
        for number, line in enumerate(lines[:_MAX_LINES], start=1):
            if not line.strip():
                continue
            try:
                value = load_json(line)
            except MalformedDocument as error:
                error.detail.pop("line", None)
                errors.append(_at_line(error, number, index))
                index += 1
                continue
            good, bad = articles_from_items(
                [value],
                source,
                parser=self.name,
                media_type=self.media_type,
                encoding=encoding,
                first_index=index,
            )
            articles.extend(good)
            errors.extend(_at_line(error, number, index) for error in bad)
            index += 1
        if not articles and not errors:
            raise MissingContent("file has no JSON lines")
        if not articles and len(errors) > 1:
            whole = self._as_single_document(text, source, encoding)
            if whole is not None:
                return whole
        return ParseResult(articles, errors, self.name)

    def _as_single_document(self, text: str, source: SourceFile, encoding: str) -> ParseResult | None:
        """A pretty-printed JSON document in a .jsonl file: read it whole rather than line by line."""
        try:
            items = find_items(load_json(text.lstrip("\ufeff")))
        except MalformedDocument:
            return None
        articles, errors = articles_from_items(
            items, source, parser=self.name, media_type=self.media_type, encoding=encoding
        )
        return ParseResult(articles, errors, self.name) if articles else None

    def parse(self, source: SourceFile) -> list[RawArticle]:
        return self.parse_detailed(source).articles_or_raise()
