"""NITF 3.x parser: headline, byline, dateline, dates, language, subjects/keywords, body paragraphs."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsingest.ingest.formats.base import MalformedDocument, MissingContent, SourceFile
from newsingest.ingest.formats.nitf import NitfParser
from newsingest.ingest.formats.registry import parse_file
from newsingest.models import DatePrecision

FIXTURES = Path(__file__).parents[1] / "fixtures" / "formats" / "nitf"


def source(name: str) -> SourceFile:
    path = FIXTURES / name
    return SourceFile(path.name, path.read_bytes())


def test_nitf_named_xml() -> None:
    [article] = parse_file(source("reuters_nitf.xml"))
    assert article.provenance.format == "nitf"
    assert article.title == "Japan's economy slips into recession, loses spot as world's third-largest"
    assert article.authors == ["Leika Kihara", "Satoshi Sugiyama"]
    assert article.source == "Reuters"
    assert article.dateline == "TOKYO, Feb 15"
    assert article.dateline_places == ["Tokyo"]
    assert article.published_at == datetime(2024, 2, 15, 0, 30, tzinfo=UTC)
    assert article.published_precision is DatePrecision.SECOND
    assert article.language_hint == "en"
    assert {"Japan", "recession", "economy, business and finance"} <= set(article.keywords)
    assert article.url == "https://www.reuters.com/markets/asia/japan-recession-2024-02-15/"
    assert article.body.split("\n\n") == [
        "Japan unexpectedly slipped into a recession in the final quarter of last year, losing its title as the "
        "world's third-largest economy to Germany.",
        "Gross domestic product shrank an annualised 0.4% in October-December after a 3.3% slump in the previous "
        "quarter.",
        "Weak consumption",
        "Private consumption fell for a third straight quarter as rising living costs hurt households.",
    ]
    assert "REUTERS/Kim" not in article.body
    assert "Editing" not in article.body


def test_namespaced_latin1_nitf() -> None:
    [article] = parse_file(source("dpa_namespaced.nitf"))
    assert article.title == "Föhnsturm in den Alpen: Bahnstrecken gesperrt"
    assert article.authors == ["Martina Huber"]
    assert article.source == "dpa"
    assert article.language_hint == "de"
    assert article.keywords == ["Wetter"]
    assert article.dateline_places == ["Garmisch-Partenkirchen"]
    assert article.provenance.encoding == "iso-8859-1"


def test_wrongly_declared_encoding_is_retried() -> None:
    [article] = parse_file(source("wrong_encoding.xml"))
    assert article.title == "Föhnsturm in den Alpen: Bahnstrecken gesperrt"


def test_truncated_nitf() -> None:
    with pytest.raises(MalformedDocument) as caught:
        parse_file(source("truncated.xml"))
    assert "truncated" in caught.value.reason


def test_nitf_without_body_text() -> None:
    with pytest.raises(MissingContent):
        parse_file(source("missing_body.xml"))


def test_nitf_extension_with_other_root() -> None:
    with pytest.raises(MalformedDocument):
        NitfParser().parse(SourceFile("x.nitf", b"<rss><channel/></rss>"))


def test_abstract_is_used_when_there_is_no_body_content() -> None:
    data = (
        b"<nitf><body><body.head><hedline><hl1>Kurz</hl1></hedline>"
        b"<abstract><p>Nur eine Zusammenfassung.</p></abstract></body.head></body></nitf>"
    )
    [article] = NitfParser().parse(SourceFile("a.xml", data))
    assert article.body == "Nur eine Zusammenfassung."
