"""The registry picks the parser by extension, media type and content sniffing; nobody's files fail typed."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsingest.ingest.formats.base import EmptyFile, ParseResult, SourceFile, UnsupportedFormat
from newsingest.ingest.formats.registry import PARSERS, choose_parser, parse_file, parse_file_detailed

FIXTURES = Path(__file__).parents[1] / "fixtures" / "formats"


def source(relative: str, name: str | None = None, media_type: str | None = None) -> SourceFile:
    path = FIXTURES / relative
    return SourceFile(name or path.name, path.read_bytes(), media_type=media_type)


@pytest.mark.parametrize(
    ("relative", "name", "parser"),
    [
        ("text/sample_reuters_de.txt", None, "text"),
        ("text/sample_reuters_de.txt", "no_extension", "text"),
        ("text/json_content.txt", None, "json"),
        ("json/article.json", None, "json"),
        ("json/article.json", "article.data", "json"),
        ("jsonl/articles.jsonl", None, "jsonl"),
        ("jsonl/articles.jsonl", "articles.json", "jsonl"),
        ("html/article_jsonld.html", None, "html"),
        ("html/page_without_extension", None, "html"),
        ("html/article_jsonld.html", "page.txt", "html"),
        ("nitf/reuters_nitf.xml", None, "nitf"),
        ("nitf/dpa_namespaced.nitf", "story", "nitf"),
        ("newsml/newsitem_nitf.xml", None, "newsml"),
        ("newsml/newsmessage.xml", "message.txt", "newsml"),
        ("newsml/package.xml", None, "newsml"),
        ("nitf/truncated.xml", None, "nitf"),
        ("json/truncated.json", None, "json"),
    ],
)
def test_parser_choice(relative: str, name: str | None, parser: str) -> None:
    assert choose_parser(source(relative, name)).name == parser


@pytest.mark.parametrize(
    ("media_type", "parser"),
    [("application/json", "json"), ("text/html; charset=utf-8", "html"), ("application/nitf+xml", "nitf")],
)
def test_media_type_decides_when_content_is_ambiguous(media_type: str, parser: str) -> None:
    broken = SourceFile("upload", b"this is not really anything", media_type=media_type)
    assert choose_parser(broken).name == parser


@pytest.mark.parametrize(
    ("relative", "sniffed"),
    [
        ("unsupported/photo.png", "PNG image"),
        ("unsupported/report.pdf", "PDF document"),
        ("unsupported/rss_feed.xml", "XML document with root element <rss>"),
    ],
)
def test_unsupported_files(relative: str, sniffed: str) -> None:
    with pytest.raises(UnsupportedFormat) as caught:
        parse_file(source(relative))
    error = caught.value
    assert error.reason == "unsupported format"
    assert error.code == "unsupported_format"
    assert error.detail["sniffed"] == sniffed
    assert error.detail["suffix"] == relative.rsplit(".", 1)[-1]


def test_empty_file() -> None:
    with pytest.raises(EmptyFile):
        parse_file(SourceFile("empty.json", b"\n  \n"))


def test_detailed_result_never_raises_for_a_failed_file() -> None:
    result = parse_file_detailed(source("unsupported/photo.png"))
    assert isinstance(result, ParseResult)
    assert result.articles == []
    assert isinstance(result.errors[0], UnsupportedFormat)


def test_parse_file_returns_good_items_of_a_partly_bad_file() -> None:
    articles = parse_file(source("jsonl/articles.jsonl"))
    assert len(articles) == 3


def test_parsers_have_names_and_media_types() -> None:
    assert [p.name for p in PARSERS] == ["nitf", "newsml", "html", "jsonl", "json", "text"]
    assert all(p.media_type for p in PARSERS)
