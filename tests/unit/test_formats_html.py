"""HTML parser: main text without navigation and ads, metadata from JSON-LD, Open Graph and meta tags."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsingest.ingest.formats.base import MissingContent, SourceFile
from newsingest.ingest.formats.htmlpage import HtmlParser
from newsingest.ingest.formats.registry import parse_file
from newsingest.models import DatePrecision

FIXTURES = Path(__file__).parents[1] / "fixtures" / "formats" / "html"


def source(name: str) -> SourceFile:
    path = FIXTURES / name
    return SourceFile(path.name, path.read_bytes())


def test_page_with_json_ld() -> None:
    [article] = parse_file(source("article_jsonld.html"))
    assert article.provenance.format == "html"
    assert article.title == "Dutch farmers block motorways in protest over nitrogen rules"
    assert article.authors == ["Eva de Vries", "Mark Jansen"]
    assert article.published_at == datetime(2024, 2, 6, 8, 12, tzinfo=UTC)
    assert article.published_precision is DatePrecision.SECOND
    assert article.source == "Example Times"
    assert article.url == "https://www.example-times.com/world/dutch-farmers-protest"
    assert article.language_hint == "en"
    assert article.keywords == ["Netherlands", "agriculture", "protest"]
    assert article.dateline == "THE HAGUE (Reuters)"
    assert article.dateline_places == ["The Hague"]
    assert article.body.startswith("Hundreds of Dutch farmers drove their tractors")
    assert article.body.endswith("invited farmers' groups to talks later this week.")


def test_navigation_ads_and_captions_are_not_body() -> None:
    body = parse_file(source("article_jsonld.html"))[0].body
    for junk in (
        "Home",
        "Advertisement",
        "premium coffee",
        "Most read",
        "Related",
        "Tractors on the A12",
        "All rights reserved",
        "dataLayer",
        "By Eva",
    ):
        assert junk not in body


def test_open_graph_and_meta_tags_in_windows_1252() -> None:
    [article] = parse_file(source("og_only_de.html"))
    assert article.title == "Bahnstreik: Pendler müssen sich auf Ausfälle einstellen"
    assert article.source == "Morgenpost"
    assert article.authors == ["Lena Hoffmann"]
    assert article.language_hint == "de"
    assert article.keywords == ["Bahn", "Streik", "GDL"]
    assert article.published_at == datetime(2024, 1, 10, tzinfo=UTC)
    assert article.published_precision is DatePrecision.DAY
    assert article.dateline == "Berlin (dpa)"
    assert "Anzeige" not in article.body
    assert "Teilen" not in article.body


def test_html_without_extension_with_wrong_charset_declaration() -> None:
    [article] = parse_file(source("page_without_extension"))
    assert article.provenance.format == "html"
    assert article.title == "Glatteis sorgt für Unfälle"
    assert article.source == "Nordkurier"
    assert article.authors == ["Jan Krüger"]
    assert article.dateline_places == ["Rostock"]
    assert "Glätteunfälle" in article.body


def test_truncated_page_without_body_is_missing_content() -> None:
    with pytest.raises(MissingContent):
        parse_file(source("truncated.html"))


def test_page_without_text_is_missing_content() -> None:
    page = b"<html><head><title>Nothing here</title></head><body><nav><a href='/'>Home</a></nav></body></html>"
    with pytest.raises(MissingContent):
        HtmlParser().parse(SourceFile("empty.html", page))


def test_title_site_suffix_becomes_source_when_nothing_else_says() -> None:
    page = (
        b"<html><head><title>Hafen erwartet Rekordjahr | hafenblatt.de</title></head><body><article>"
        b"<p>Der Hafen erwartet in diesem Jahr so viel Umschlag wie nie zuvor, "
        b"teilte die Betreibergesellschaft mit.</p>"
        b"</article></body></html>"
    )
    [article] = HtmlParser().parse(SourceFile("hafen.htm", page))
    assert (article.title, article.source) == ("Hafen erwartet Rekordjahr", "hafenblatt.de")
