"""The incremental readers of large multi-article files give what the whole-file parsers give."""

from __future__ import annotations

import codecs
import io
import json
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsingest.ingest.formats.base import ParseError, SourceFile
from newsingest.ingest.formats.json_stream import iter_json_array, locate_items
from newsingest.ingest.formats.jsonl_stream import iter_jsonl, jsonl_chunks
from newsingest.ingest.formats.newsml_stream import iter_newsml
from newsingest.ingest.formats.registry import parse_file_detailed
from newsingest.ingest.formats.stream_base import START, StreamItem, StreamPosition

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "formats"


RECEIVED = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def _source(name: str, data: bytes) -> SourceFile:
    return SourceFile(name=name, data=data, received_at=RECEIVED)


def _split(items: list[StreamItem]) -> tuple[list, list[ParseError]]:
    articles = [i.result for i in items if i.result is not None and not isinstance(i.result, ParseError)]
    return articles, [i.result for i in items if isinstance(i.result, ParseError)]


def _jsonl(data: bytes, limit: int = 1_000_000, start: StreamPosition = START, name: str = "x.jsonl"
           ) -> list[StreamItem]:
    return list(iter_jsonl(io.BytesIO(data), _source(name, data), start=start, max_line_bytes=limit))


def _json(data: bytes, name: str = "x.json") -> list[StreamItem]:
    fh = io.BytesIO(data)
    located = locate_items(fh)
    assert located is not None
    return list(iter_json_array(fh, _source(name, data), located, max_item_bytes=1_000_000))


def test_jsonl_fixture_equals_the_whole_file_parser() -> None:
    data = (FIXTURES / "jsonl" / "articles.jsonl").read_bytes()
    whole = parse_file_detailed(_source("articles.jsonl", data))
    articles, errors = _split(_jsonl(data, name="articles.jsonl"))
    assert articles == whole.articles
    assert [e.reason for e in errors] == [e.reason for e in whole.errors]


@pytest.mark.parametrize("name", ["array_with_bad_item.json", "newsapi_wrapper.json"])
def test_json_array_fixtures_equal_the_whole_file_parser(name: str) -> None:
    data = (FIXTURES / "json" / name).read_bytes()
    whole = parse_file_detailed(_source(name, data))
    articles, errors = _split(_json(data, name))
    assert articles == whole.articles
    assert articles
    assert [e.reason for e in errors] == [e.reason for e in whole.errors]


@pytest.mark.parametrize("name", ["newsmessage.xml", "package.xml", "utf16_message.xml"])
def test_newsml_fixtures_equal_the_whole_file_parser(name: str) -> None:
    data = (FIXTURES / "newsml" / name).read_bytes()
    whole = parse_file_detailed(_source(name, data))
    articles, errors = _split(list(iter_newsml(io.BytesIO(data), _source(name, data))))
    assert articles == whole.articles
    assert articles
    assert [e.reason for e in errors] == [e.reason for e in whole.errors]


def _line(n: int) -> bytes:
    return json.dumps({"title": f"Title {n}", "body": f"Body text of article number {n}, long enough."}).encode()


def test_jsonl_bom_and_crlf_give_the_same_articles_as_plain_lines() -> None:
    plain = b"\n".join(_line(n) for n in range(3)) + b"\n"
    crlf = b"\xef\xbb\xbf" + b"\r\n".join(_line(n) for n in range(3)) + b"\r\n"
    a, _ = _split(_jsonl(plain))
    b, _ = _split(_jsonl(crlf))
    assert [x.article_id for x in a] == [x.article_id for x in b]
    assert len(a) == 3


def test_jsonl_bad_and_truncated_lines_fail_alone_with_line_and_bytes() -> None:
    data = _line(0) + b"\n{not json}\n\n" + _line(1) + b'\n{"title": "cut'
    items = _jsonl(data)
    articles, _errors = _split(items)
    assert len(articles) == 2
    bad = [i for i in items if isinstance(i.result, ParseError)]
    assert [(i.line, i.index, i.raw) for i in bad] == [(2, 1, b"{not json}"), (5, 3, b'{"title": "cut')]
    assert bad[0].result.reason.startswith("line 2: invalid JSON")  # type: ignore[union-attr]


def test_jsonl_line_over_the_limit_goes_alone_and_is_not_held_whole() -> None:
    long = json.dumps({"title": "Long", "body": "x" * 5000}).encode()
    data = _line(0) + b"\n" + long + b"\n" + _line(1) + b"\n"
    items = _jsonl(data, limit=2048)
    assert [type(i.result).__name__ for i in items] == ["RawArticle", "LineTooLong", "RawArticle"]
    assert len(items[1].raw) <= 2049
    assert items[1].result.detail["size"] == len(long) + 1  # type: ignore[union-attr]


def test_jsonl_resumes_after_an_item_with_the_same_indexes_and_line_numbers() -> None:
    data = b"\n".join(_line(n) for n in range(5)) + b"\n\n{bad\n"
    whole = _jsonl(data)
    resumed = _jsonl(data, start=whole[1].position)
    assert [(i.index, i.line, i.end) for i in resumed] == [(i.index, i.line, i.end) for i in whole[2:]]


def test_json_array_resume_and_truncation() -> None:
    items = [{"title": f"T{n}", "body": f"Body number {n} with words."} for n in range(4)]
    data = json.dumps(items, indent=1).encode()
    whole = _json(data)
    assert len(_split(whole)[0]) == 4
    fh = io.BytesIO(data)
    located = locate_items(fh)
    assert located is not None
    resumed = list(iter_json_array(fh, _source("x.json", data), located, start=whole[1].position,
                                   max_item_bytes=1_000_000))
    assert [i.result.article_id for i in resumed] == [i.result.article_id for i in whole[2:]]  # type: ignore[union-attr]
    cut = _json(data[: whole[2].end - 3])
    articles, errors = _split(cut)
    assert len(articles) == 2
    assert "truncated" in errors[0].reason


def test_json_strings_with_brackets_quotes_and_escapes_do_not_confuse_the_scanner() -> None:
    items = [{"title": 'A "quoted" [title] {x}', "body": "Back\\slash \\\" and ] } inside a string."},
             {"title": "Second", "body": "Plain body text here."}]
    articles, errors = _split(_json(json.dumps(items).encode()))
    assert [a.title for a in articles] == ['A "quoted" [title] {x}', "Second"]
    assert not errors


def test_a_single_article_object_is_not_streamed() -> None:
    assert locate_items(io.BytesIO(b'{"title": "One", "body": "Only one article"}')) is None


def test_newsml_truncated_message_keeps_the_items_before_the_cut() -> None:
    data = (FIXTURES / "newsml" / "newsmessage.xml").read_bytes()
    cut = data[: data.rindex(b"</newsItem>")]
    articles, errors = _split(list(iter_newsml(io.BytesIO(cut), _source("m.xml", cut))))
    assert len(articles) >= 1
    assert errors
    assert "truncated" in errors[-1].reason


def test_newsml_with_an_entity_declaration_is_refused() -> None:
    data = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><newsMessage><itemSet/></newsMessage>'
    items = list(iter_newsml(io.BytesIO(data), _source("m.xml", data)))
    assert [i.result.code for i in items] == ["unsafe_xml"]  # type: ignore[union-attr]


_LINES = st.one_of(
    st.integers(0, 50).map(lambda n: _line(n)),
    st.sampled_from([b"", b"   ", b"\t", b"{bad", b"[1, 2]", b"null"]),
    st.integers(300, 900).map(lambda n: json.dumps({"title": "Long", "body": "y" * n}).encode()),
    st.integers(500, 700).map(lambda n: b" " * n),  # blank, but over the limit from 601 on: an item
)


@settings(max_examples=60, deadline=None)
@given(lines=st.lists(_LINES, max_size=40), crlf=st.booleans(), bom=st.booleans(), last_newline=st.booleans(),
       per_chunk=st.integers(1, 7), skip=st.integers(0, 5))
def test_jsonl_chunks_read_one_by_one_give_exactly_the_items_of_one_reader(
    lines: list[bytes], crlf: bool, bom: bool, last_newline: bool, per_chunk: int, skip: int
) -> None:
    """Parser processes parse chunks of a file at once; together they must be the sequential reader's items."""
    newline = b"\r\n" if crlf else b"\n"
    data = (codecs.BOM_UTF8 if bom else b"") + newline.join(lines) + (newline if last_newline else b"")
    limit = 600  # some of the long lines are over it
    whole = _jsonl(data, limit=limit)
    start = whole[skip - 1].position if 0 < skip <= len(whole) else START
    expected = [i for i in whole if i.index >= start.index]
    fh = io.BytesIO(data)
    chunks = list(jsonl_chunks(fh, start=start, max_line_bytes=limit, items_per_chunk=per_chunk))
    assert all(0 < c.items <= per_chunk for c in chunks)
    pieced = [item for c in chunks for item in islice(_jsonl(data, limit=limit, start=c.start), c.items)]
    assert [_key(i) for i in pieced] == [_key(i) for i in expected]


def _key(item: StreamItem) -> tuple:
    result = item.result
    what = result.code if isinstance(result, ParseError) else getattr(result, "article_id", None)
    index_in_file = result.provenance.index_in_file if hasattr(result, "provenance") else None
    return item.index, item.end, item.line, item.lines, what, index_in_file, item.raw
