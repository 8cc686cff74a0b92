"""IPTC NewsML-G2 parser: news items, messages with several items, packages; a bad item fails alone."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsingest.ingest.formats.base import MalformedDocument, MissingContent, SourceFile
from newsingest.ingest.formats.newsml import NewsMLParser
from newsingest.ingest.formats.registry import parse_file, parse_file_detailed
from newsingest.models import DatePrecision

FIXTURES = Path(__file__).parents[1] / "fixtures" / "formats" / "newsml"


def source(name: str) -> SourceFile:
    path = FIXTURES / name
    return SourceFile(path.name, path.read_bytes())


def test_news_item_with_inline_nitf() -> None:
    [article] = parse_file(source("newsitem_nitf.xml"))
    assert article.provenance.format == "newsml"
    assert article.provenance.media_type == "application/vnd.iptc.g2.newsitem+xml"
    assert article.title == "Wildfires in central Chile force thousands to evacuate"
    assert article.authors == ["María González", "Pedro Soto"]
    assert article.dateline == "SANTIAGO, March 5"
    assert article.dateline_places == ["Santiago"]
    assert article.published_at == datetime(2024, 3, 5, 17, 45, tzinfo=UTC)
    assert article.published_precision is DatePrecision.SECOND
    assert article.language_hint == "en"
    assert article.keywords == ["wildfire", "Chile", "environment"]
    assert article.source == "Example Wire"
    assert article.body.count("\n\n") == 1
    assert article.body.startswith("Wildfires fanned by strong winds")


def test_news_message_skips_pictures_and_reports_items_without_text() -> None:
    result = parse_file_detailed(source("newsmessage.xml"))
    assert [a.title for a in result.articles] == [
        "Tarifeinigung im Einzelhandel",
        "Kurzmeldung: Hafen meldet Rekordumschlag",
    ]
    first, second = result.articles
    assert first.source == "dpa"
    assert first.language_hint == "de"
    assert first.published_precision is DatePrecision.DAY
    assert first.body.startswith("Gewerkschaft und Arbeitgeber")
    assert "Tarifeinigung" not in first.body
    assert second.dateline == "Hamburg (dpa)"
    assert second.body.startswith("Der Hamburger Hafen")
    [error] = result.errors
    assert isinstance(error, MissingContent)
    assert error.detail["remote"] == "https://wire.example.org/text2.xml"


def test_utf16_message() -> None:
    result = parse_file_detailed(source("utf16_message.xml"))
    assert len(result.articles) == 2
    assert result.articles[0].provenance.encoding == "utf-16"


def test_package_with_item_references() -> None:
    [article] = parse_file(source("package.xml"))
    assert article.title == "Central bank raises rates"
    assert article.body.startswith("The central bank raised its key rate")
    assert article.provenance.media_type == "application/vnd.iptc.g2.packageitem+xml"


def test_package_without_content() -> None:
    data = (
        b'<packageItem xmlns="http://iptc.org/std/nar/2006-10-01/"><groupSet><group>'
        b'<itemRef residref="urn:a"/></group></groupSet></packageItem>'
    )
    with pytest.raises(MissingContent) as caught:
        NewsMLParser().parse(SourceFile("p.xml", data))
    assert caught.value.detail["residrefs"] == ["urn:a"]


def test_truncated_item() -> None:
    with pytest.raises(MalformedDocument):
        parse_file(source("truncated.xml"))


def test_item_with_only_remote_content() -> None:
    with pytest.raises(MissingContent):
        parse_file(source("remote_only.xml"))


def test_picture_item_on_its_own() -> None:
    data = (
        b'<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/"><itemMeta><itemClass qcode="ninat:picture"/>'
        b"</itemMeta></newsItem>"
    )
    with pytest.raises(MissingContent):
        NewsMLParser().parse(SourceFile("pic.xml", data))
