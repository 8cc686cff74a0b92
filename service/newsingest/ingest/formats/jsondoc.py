"""JSON: one article object, an array of them, or a wrapper such as {"articles": [...]} / JSON-LD @graph.
A bad item in an array fails alone."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from newsingest.ingest.formats.base import (
    MalformedDocument,
    MissingContent,
    ParseError,
    ParseResult,
    SourceFile,
)
from newsingest.ingest.formats.encoding import decode_text
from newsingest.ingest.formats.mapping import BODY_KEYS, TITLE_KEYS, Fields, draft_from_mapping
from newsingest.ingest.formats.refine import finish_article
from newsingest.ingest.formats.sniffing import Kind, declared_kind, sniff
from newsingest.models import RawArticle

_CONTAINER_KEYS = (
    "articles", "items", "data", "results", "entries", "posts", "documents", "docs", "stories", "news",
    "graph", "hits", "records", "response", "feed",
)  # fmt: skip
_MAX_ITEMS = 10000


def load_json(text: str) -> Any:
    """json.loads with every failure as a MalformedDocument (syntax, nesting depth, huge numbers)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise MalformedDocument(
            f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})",
            line=exc.lineno,
            column=exc.colno,
        ) from exc
    except (ValueError, RecursionError) as exc:
        raise MalformedDocument(f"invalid JSON: {type(exc).__name__}: {str(exc)[:200]}") from exc


def _is_article(obj: Mapping[str, Any]) -> bool:
    fields = Fields(obj)
    return fields.first(TITLE_KEYS) is not None or fields.first(BODY_KEYS) is not None


def find_items(value: Any, depth: int = 0) -> list[Any]:
    """The article objects in a JSON document, looking through common wrappers."""
    if isinstance(value, list):
        return value
    if not isinstance(value, Mapping) or depth > 4:
        return [value]
    if _is_article(value) and not any(
        isinstance(v, list) and v and all(isinstance(i, Mapping) for i in v) for v in value.values()
    ):
        return [value]
    fields = Fields(value)
    for key in _CONTAINER_KEYS:
        inner = fields.first((key,))
        if isinstance(inner, list) and inner and all(isinstance(i, Mapping) for i in inner[:20]):
            return [_unwrap(i) for i in inner]
        if isinstance(inner, Mapping) and not _is_article(value):
            return find_items(inner, depth + 1)
    if not _is_article(value) and len(value) == 1:
        only = next(iter(value.values()))
        if isinstance(only, Mapping | list):
            return find_items(only, depth + 1)
    return [value]


def _unwrap(item: Any) -> Any:
    """Search-engine hits keep the article under "_source"."""
    if isinstance(item, Mapping) and isinstance(item.get("_source"), Mapping) and not _is_article(item):
        return item["_source"]
    return item


def articles_from_items(
    items: list[Any],
    source: SourceFile,
    *,
    parser: str,
    media_type: str,
    encoding: str | None,
    first_index: int = 0,
) -> tuple[list[RawArticle], list[ParseError]]:
    articles: list[RawArticle] = []
    errors: list[ParseError] = []
    for offset, item in enumerate(items[:_MAX_ITEMS]):
        index = first_index + offset
        try:
            draft = draft_from_mapping(item, index)
            articles.append(
                finish_article(
                    draft,
                    source,
                    parser=parser,
                    media_type=media_type,
                    encoding=encoding,
                    index_in_file=index,
                )
            )
        except ParseError as error:
            error.detail.setdefault("index_in_file", index)
            errors.append(error.detached())
    return articles, errors


class JsonParser:
    name = "json"
    media_type = "application/json"

    def score(self, source: SourceFile) -> float:
        kind = sniff(source).kind
        if kind is Kind.JSON:
            return 0.9
        if kind in {Kind.EMPTY, Kind.BINARY}:
            return 0.0
        return 0.6 if declared_kind(source) is Kind.JSON else 0.0

    def parse_detailed(self, source: SourceFile) -> ParseResult:
        text, encoding = decode_text(source.data)
        document = load_json(text.lstrip("\ufeff"))
        items = find_items(document)
        if not items:
            raise MissingContent("JSON array is empty")
        articles, errors = articles_from_items(
            items, source, parser=self.name, media_type=self.media_type, encoding=encoding
        )
        return ParseResult(articles, errors, self.name)

    def parse(self, source: SourceFile) -> list[RawArticle]:
        return self.parse_detailed(source).articles_or_raise()
