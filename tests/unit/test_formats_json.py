"""JSON parser: one object, arrays (a bad item fails alone), wrappers, common field names, broken input."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsingest.ingest.formats.base import MalformedDocument, MissingContent, SourceFile
from newsingest.ingest.formats.jsondoc import JsonParser
from newsingest.ingest.formats.registry import parse_file, parse_file_detailed
from newsingest.models import DatePrecision

FIXTURES = Path(__file__).parents[1] / "fixtures" / "formats" / "json"


def source(name: str) -> SourceFile:
    path = FIXTURES / name
    return SourceFile(path.name, path.read_bytes())


def parse_obj(obj: object) -> SourceFile:
    return SourceFile("item.json", json.dumps(obj).encode())


def test_single_article_object() -> None:
    [article] = parse_file(source("article.json"))
    assert article.provenance.format == "json"
    assert article.title == "EZB lässt Leitzins unverändert"
    assert article.authors == ["Anna Meier", "Jonas Weber"]
    assert article.published_at == datetime(2024, 3, 7, 13, 15, tzinfo=UTC)
    assert article.published_precision is DatePrecision.SECOND
    assert article.source == "Reuters"
    assert article.url == "https://example.com/wirtschaft/ezb-leitzins-2024-03-07"
    assert article.language_hint == "de"
    assert article.keywords == ["EZB", "Leitzins", "Inflation"]
    assert article.dateline == "FRANKFURT (Reuters)"
    assert article.dateline_places == ["Frankfurt"]
    assert article.body.startswith("Die Europäische Zentralbank")
    assert article.body.count("\n\n") == 2


def test_array_keeps_good_items_and_reports_the_bad_one() -> None:
    result = parse_file_detailed(source("array_with_bad_item.json"))
    assert [a.title for a in result.articles] == [
        "Storm Ciarán batters northern France",
        "Rail strike ends after three days",
    ]
    assert [a.provenance.index_in_file for a in result.articles] == [0, 2]
    [error] = result.errors
    assert isinstance(error, MissingContent)
    assert error.detail["index_in_file"] == 1
    storm, strike = result.articles
    assert storm.authors == ["Claire Dubois", "Tom Wright"]
    assert storm.keywords == ["weather", "France", "storm"]
    assert storm.language_hint == "en"
    assert storm.published_precision is DatePrecision.DAY
    assert strike.body == (
        "The train drivers' union ended its strike on Saturday night.\n\n"
        "Services will return to normal on Monday, the operator said."
    )
    assert strike.authors == ["Sam Patel"]
    assert strike.published_at == datetime(2024, 3, 1, 11, 0, tzinfo=UTC)


def test_wrapper_object_with_articles_list() -> None:
    articles = parse_file(source("newsapi_wrapper.json"))
    assert [a.source for a in articles] == ["AP", "BBC"]
    assert articles[0].title == "Biden signs bill averting shutdown"
    assert articles[0].authors == ["Zeke Miller"]
    assert articles[1].body == "The Rubymar had been abandoned after being hit by a missile two weeks ago."


def test_json_ld_news_article() -> None:
    [article] = parse_file(source("jsonld_newsarticle.json"))
    assert article.title == "Lufthansa-Streik legt Flughäfen lahm"
    assert article.authors == ["Katrin Schulz"]
    assert article.source == "Tagesblatt"
    assert article.keywords == ["Streik", "Lufthansa", "Verdi"]
    assert article.published_precision is DatePrecision.DAY


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("language", "de-DE", "de"),
        ("lang", "en_GB", "en"),
        ("inLanguage", "fr", "fr"),
        ("language", "klingon", None),
    ],
)
def test_language_fields(field: str, value: str, expected: str | None) -> None:
    [article] = JsonParser().parse(parse_obj({"title": "T", "body": "Body text.", field: value}))
    assert article.language_hint == expected


def test_missing_title_is_derived() -> None:
    [article] = JsonParser().parse(parse_obj({"text": "Only text here. And more."}))
    assert article.title_derived
    assert article.title == "Only text here"


@pytest.mark.parametrize("name", ["windows1252.json", "utf16_bom.json"])
def test_other_encodings(name: str) -> None:
    [article] = parse_file(source(name))
    assert article.title == "Kältewelle in Österreich"
    assert article.source == "APA"
    assert article.published_at == datetime(2024, 1, 12, tzinfo=UTC)


def test_truncated_json_is_malformed() -> None:
    with pytest.raises(MalformedDocument) as caught:
        parse_file(source("truncated.json"))
    assert caught.value.detail["line"] == 1


def test_object_without_title_or_body_is_missing_content() -> None:
    with pytest.raises(MissingContent) as caught:
        parse_file(source("missing_fields.json"))
    assert "keys" in caught.value.detail


@pytest.mark.parametrize(
    "document",
    ["[]", '"just a string"', "42", "[1, 2, 3]", '{"title": "T", "body": 17}', "[" * 5000 + "]" * 5000],
)
def test_unusable_documents_are_typed_errors(document: str) -> None:
    result = parse_file_detailed(SourceFile("x.json", document.encode()))
    assert not result.articles
    assert result.errors
    assert all(isinstance(e, MalformedDocument | MissingContent) for e in result.errors)


def test_all_items_failing_raises_with_every_error() -> None:
    with pytest.raises(MissingContent) as caught:
        parse_file(SourceFile("x.json", b'[{"id": 1}, {"id": 2}]'))
    assert len(caught.value.detail["errors"]) == 2
