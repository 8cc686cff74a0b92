"""Plain-text parser: the two real samples, German and English scraped reports, encodings, broken input."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsingest.ingest.formats.base import BinaryFile, EmptyFile, MissingContent, SourceFile
from newsingest.ingest.formats.registry import parse_file
from newsingest.ingest.formats.text import TextParser
from newsingest.models import DatePrecision, RawArticle

FIXTURES = Path(__file__).parents[1] / "fixtures" / "formats" / "text"


def parse_fixture(name: str) -> RawArticle:
    path = FIXTURES / name
    articles = parse_file(SourceFile(path.name, path.read_bytes()))
    assert len(articles) == 1
    return articles[0]


def parse_text(text: str, name: str = "article.txt") -> RawArticle:
    return TextParser().parse(SourceFile(name, text.encode("utf-8")))[0]


class TestSamples:
    def test_reuters_sample_title_source_authors_dateline(self) -> None:
        article = parse_fixture("sample_reuters_de.txt")
        assert article.title == "Nordkoreas Kim besucht Russland zu Gesprächen mit Putin"
        assert not article.title_derived
        assert article.source == "Reuters"
        assert article.authors == ["Soo-hyang Choi", "Ju-min Park"]
        assert article.dateline == "SEOUL/MOSKAU (Reuters)"
        assert article.dateline_places == ["Seoul", "Moskau"]
        assert article.provenance.format == "text"

    def test_reuters_sample_body_is_clean(self) -> None:
        body = parse_fixture("sample_reuters_de.txt").body
        assert body.startswith("Der nordkoreanische Staatschef Kim Jong Un wird bald Russland besuchen")
        for junk in (
            "©",
            "DATEIFOTO",
            "Von Soo-hyang",
            "SEOUL/MOSKAU",
            "(Reuters)",
            "source site-20",
            "Von Reuters",
        ):
            assert junk not in body
        assert body.endswith("die die Flagge des Nordens zieren.")
        assert "GEHEIMNIS UND SICHERHEIT" in body
        assert "\n\n" in body
        assert "\n\n\n" not in body

    def test_sample_without_headline_gets_month_date_and_derived_title(self) -> None:
        article = parse_fixture("sample_no_headline_de.txt")
        assert article.published_at == datetime(2023, 9, 1, tzinfo=UTC)
        assert article.published_precision is DatePrecision.MONTH
        assert article.title_derived
        assert article.title.startswith("Die russische Führung hat die seit Tagen andauernden Spekulationen")
        assert len(article.title) <= 120
        assert article.body.startswith(article.title)
        assert article.body.startswith("Die russische Führung")
        assert "date 2023-09" not in article.body


class TestScrapedReports:
    def test_english_reuters_report(self) -> None:
        article = parse_fixture("reuters_en_london.txt")
        assert article.title == "Bank of England holds rates, signals cuts may come later this year"
        assert article.source == "Reuters"
        assert article.authors == ["Andy Bruce", "David Milliken"]
        assert article.dateline == "LONDON, March 21 (Reuters)"
        assert article.dateline_places == ["London"]
        assert article.published_at is None
        assert article.body.startswith("The Bank of England kept interest rates")
        for junk in ("REUTERS/Toby Melville", "Read more", "Reporting by", "Our Standards", "By Andy"):
            assert junk not in article.body

    def test_german_dpa_report_with_stand_and_photo_credit(self) -> None:
        article = parse_fixture("dpa_de_berlin.txt")
        assert article.title == "Bundestag beschließt Cannabis-Legalisierung"
        assert article.source == "dpa"
        assert article.dateline == "Berlin (dpa)"
        assert article.dateline_places == ["Berlin"]
        assert article.published_at == datetime(2024, 2, 23, 13, 35, tzinfo=UTC)
        assert article.published_precision is DatePrecision.MINUTE
        for junk in ("Foto:", "Stand:", "Lesen Sie auch", "Quelle:"):
            assert junk not in article.body

    def test_ap_report_with_capitalised_byline_and_photo_credits(self) -> None:
        article = parse_fixture("ap_en_washington.txt")
        assert article.title == "Senate passes stopgap bill to avert government shutdown"
        assert article.source == "AP"
        assert article.authors == ["Lisa Mascaro", "Mary Clare Jalonick", "Kevin Freking"]
        assert article.dateline == "WASHINGTON (AP)"
        assert article.dateline_places == ["Washington"]
        assert article.published_at == datetime(2024, 3, 1, 15, 15, tzinfo=UTC)
        assert article.published_precision is DatePrecision.MINUTE
        for junk in ("Getty", "Photo", "Image copyright", "Share this", "Published"):
            assert junk not in article.body

    def test_metadata_header_lines(self) -> None:
        article = parse_fixture("metadata_header.txt")
        assert article.title == "Stadtrat stimmt für neues Radwegenetz"
        assert not article.title_derived
        assert article.source == "Stadtanzeiger"
        assert article.language_hint == "de"
        assert article.keywords == ["Verkehr", "Radwege", "Stadtrat"]
        assert article.url == "https://example.org/stadtrat-radwege"
        assert article.published_at == datetime(2024, 3, 12, 8, 30, tzinfo=UTC)
        assert article.published_precision is DatePrecision.SECOND
        assert article.body.startswith("Der Stadtrat hat am Dienstagabend")

    def test_plain_article_without_any_metadata(self) -> None:
        article = parse_fixture("english_no_metadata.txt")
        assert article.title == "Heavy rain floods streets in coastal town"
        assert article.source is None
        assert article.authors == []
        assert article.dateline is None
        assert article.body.count("\n\n") == 1

    def test_hard_wrapped_lines_are_joined(self) -> None:
        article = parse_fixture("hard_wrapped.txt")
        assert "wind farm on Tuesday after a debate" in article.body

    @pytest.mark.parametrize(
        ("byline", "authors"),
        [
            ("Von Anna Meier, Peter Schulz und Eva Klein", ["Anna Meier", "Peter Schulz", "Eva Klein"]),
            ("By Jane Doe and John Roe", ["Jane Doe", "John Roe"]),
            ("By Jane Doe, Reuters", ["Jane Doe"]),
        ],
    )
    def test_byline_variants(self, byline: str, authors: list[str]) -> None:
        text = f"Headline of the story\n\n{byline}\n\nThe first paragraph of the story is here and it is long enough."
        assert parse_text(text).authors == authors

    def test_title_suffix_pipe_source(self) -> None:
        article = parse_text("Kim visits Russia | AP\n\nKim Jong Un will visit Russia soon, officials said.")
        assert (article.title, article.source) == ("Kim visits Russia", "AP")

    def test_single_paragraph_gets_derived_title(self) -> None:
        article = parse_text(
            "Die Polizei hat am Montag einen Mann festgenommen. Er soll mehrere Autos beschädigt haben."
        )
        assert article.title_derived
        assert article.title == "Die Polizei hat am Montag einen Mann festgenommen"


class TestEncodings:
    @pytest.mark.parametrize(
        ("name", "encoding"),
        [
            ("windows1252_de.txt", "windows-1252"),
            ("utf16_bom_de.txt", "utf-16"),
            ("utf16le_nobom_de.txt", "utf-16-le"),
            ("utf8_bom_de.txt", "utf-8"),
            ("mojibake_de.txt", "utf-8"),
        ],
    )
    def test_encodings_and_mojibake_give_the_same_text(self, name: str, encoding: str) -> None:
        article = parse_fixture(name)
        assert article.provenance.encoding == encoding
        assert article.title == "Hochwasser in Bayern: Pegel steigen weiter"
        assert article.dateline_places == ["München"]
        assert "höchste Meldestufe" in article.body
        assert "„langen Einsatz“" in article.body

    def test_mixed_utf8_and_windows1252_bytes(self) -> None:
        data = "Überschrift zur Lage\n\nDie Stadt meldet „Hochwasser“.\n".encode() + " Caf\xe9 geschlossen.".encode(
            "latin-1"
        )
        article = TextParser().parse(SourceFile("mixed.txt", data))[0]
        assert article.title == "Überschrift zur Lage"
        assert "„Hochwasser“" in article.body
        assert "Café" in article.body


class TestBrokenInput:
    def test_truncated_file_still_parses(self) -> None:
        article = parse_fixture("truncated_de.txt")
        assert article.title == "Hochwasser in Bayern: Pegel steigen weiter"
        assert article.body == "Nach tagelangem Regen steigen"

    def test_only_captions_and_metadata_is_missing_content(self) -> None:
        path = FIXTURES / "caption_only.txt"
        with pytest.raises(MissingContent):
            parse_file(SourceFile(path.name, path.read_bytes()))

    def test_empty_file(self) -> None:
        with pytest.raises(EmptyFile):
            TextParser().parse(SourceFile("empty.txt", b"  \n\n "))

    def test_binary_file_in_txt(self) -> None:
        with pytest.raises(BinaryFile):
            TextParser().parse(SourceFile("x.txt", bytes(range(256)) * 4))

    def test_wrong_encoding_label_does_not_matter(self) -> None:
        data = "Grüße aus Köln\n\nDer Dom ist überfüllt, sagte die Polizei.".encode("cp1252")
        article = TextParser().parse(SourceFile("utf8-claimed.txt", data, media_type="text/plain; charset=utf-8"))[0]
        assert article.title == "Grüße aus Köln"


def test_date_from_the_dateline_when_no_metadata_line_says_one() -> None:
    article = parse_text("Koalition einigt sich\n\nBerlin, 12.03.2024 (dpa) - Die Koalition hat sich geeinigt.")
    assert article.published_at == datetime(2024, 3, 12, tzinfo=UTC)
    assert article.published_precision is DatePrecision.DAY
    assert article.body == "Die Koalition hat sich geeinigt."


def test_markdown_heading_is_the_title() -> None:
    article = parse_text("# Neue Radwege\n\nDie Stadt baut neue Radwege. Das kostet Geld.", name="a.md")
    assert article.title == "Neue Radwege"
