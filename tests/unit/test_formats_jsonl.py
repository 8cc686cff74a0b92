"""JSON Lines parser: one article per line; a bad line fails alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsingest.ingest.formats.base import MalformedDocument, MissingContent, SourceFile
from newsingest.ingest.formats.jsonl import JsonlParser
from newsingest.ingest.formats.registry import choose_parser, parse_file, parse_file_detailed

FIXTURES = Path(__file__).parents[1] / "fixtures" / "formats" / "jsonl"


def fixture() -> SourceFile:
    path = FIXTURES / "articles.jsonl"
    return SourceFile(path.name, path.read_bytes())


def test_good_lines_give_articles_bad_lines_give_errors() -> None:
    result = parse_file_detailed(fixture())
    assert result.parser == "jsonl"
    assert [a.title for a in result.articles] == [
        "Ferry service suspended in gale",
        "Neue S-Bahn-Linie eröffnet",
        "Museum returns looted bronzes",
    ]
    assert [a.provenance.index_in_file for a in result.articles] == [0, 2, 4]
    assert [type(e) for e in result.errors] == [MalformedDocument, MissingContent]
    assert [e.detail["line"] for e in result.errors] == [2, 4]
    assert all(e.reason.startswith("line ") for e in result.errors)


def test_fields_per_line() -> None:
    ferry, sbahn, museum = parse_file(fixture())
    assert (ferry.source, ferry.language_hint, ferry.published_precision) == ("PA Media", "en", "second")
    assert sbahn.keywords == ["Verkehr", "Nahverkehr"]
    assert museum.authors == ["Ada Okafor"]
    assert museum.url == "https://example.org/bronzes"


def test_truncated_last_line_fails_alone() -> None:
    lines = [json.dumps({"title": f"T{i}", "body": f"Body {i}."}) for i in range(3)]
    data = ("\n".join(lines))[:-10].encode()
    result = JsonlParser().parse_detailed(SourceFile("cut.jsonl", data))
    assert len(result.articles) == 2
    [error] = result.errors
    assert error.detail["line"] == 3


def test_wrong_encoding_still_reads_lines() -> None:
    data = '{"title": "Größte Messe", "body": "Die Messe öffnet heute."}\n'.encode("cp1252")
    [article] = JsonlParser().parse(SourceFile("latin.jsonl", data))
    assert article.title == "Größte Messe"


def test_only_bad_lines_raise() -> None:
    with pytest.raises(MalformedDocument):
        JsonlParser().parse(SourceFile("bad.jsonl", b"{not json}\n{also not}\n"))


def test_line_without_fields_is_missing_content() -> None:
    with pytest.raises(MissingContent):
        JsonlParser().parse(SourceFile("x.jsonl", b'{"id": 1}\n'))


def test_pretty_printed_json_in_jsonl_file_is_read_whole() -> None:
    data = json.dumps({"title": "Pretty", "body": "Printed over several lines."}, indent=2).encode()
    [article] = parse_file(SourceFile("pretty.jsonl", data))
    assert article.title == "Pretty"


def test_jsonl_is_sniffed_without_extension() -> None:
    data = b'{"title": "A", "body": "a."}\n{"title": "B", "body": "b."}\n'
    assert choose_parser(SourceFile("feed", data)).name == "jsonl"
