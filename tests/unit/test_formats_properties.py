"""No input makes a parser crash: random bytes, random text and mutated fixtures give articles or a typed
ParseError, never another exception."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsingest.ingest.formats.base import ParseError, SourceFile
from newsingest.ingest.formats.registry import PARSERS, parse_file, parse_file_detailed
from newsingest.models import RawArticle

FIXTURES = sorted(p for p in (Path(__file__).parents[1] / "fixtures" / "formats").rglob("*") if p.is_file())
NAMES = st.sampled_from(
    ["a.txt", "a.json", "a.jsonl", "a.html", "a.xml", "a.nitf", "noextension", "a.bin", "a.TXT", ".hidden"]
)
PROFILE = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


def check(source: SourceFile) -> None:
    """The contract the watcher relies on."""
    result = parse_file_detailed(source)
    assert all(isinstance(a, RawArticle) for a in result.articles)
    assert all(isinstance(e, ParseError) for e in result.errors)
    assert result.articles or result.errors
    outcome = _articles_or_error(source)
    if isinstance(outcome, ParseError):
        assert outcome.as_dict()["code"]
    else:
        assert outcome
        assert all(a.body.strip() for a in outcome)
    for parser in PARSERS:
        with contextlib.suppress(ParseError):
            parser.parse(source)


def _articles_or_error(source: SourceFile) -> list[RawArticle] | ParseError:
    try:
        return parse_file(source)
    except ParseError as error:
        return error


@PROFILE
@given(data=st.binary(max_size=3000), name=NAMES)
def test_random_bytes(data: bytes, name: str) -> None:
    check(SourceFile(name, data))


@PROFILE
@given(text=st.text(max_size=2000), name=NAMES, encoding=st.sampled_from(["utf-8", "utf-16", "utf-8-sig"]))
def test_random_text(text: str, name: str, encoding: str) -> None:
    check(SourceFile(name, text.encode(encoding, errors="surrogatepass")))


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=60),
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(
            st.sampled_from(
                [
                    "title",
                    "headline",
                    "body",
                    "text",
                    "content",
                    "date",
                    "author",
                    "authors",
                    "url",
                    "source",
                    "language",
                    "keywords",
                    "articles",
                    "items",
                    "name",
                    "@type",
                ]
            )
            | st.text(max_size=10),
            children,
            max_size=6,
        )
    ),
    max_leaves=30,
)


@PROFILE
@given(value=JSON_VALUES, name=st.sampled_from(["a.json", "a.jsonl", "a.txt"]))
def test_random_json_documents(value: object, name: str) -> None:
    check(SourceFile(name, json.dumps(value).encode()))


@st.composite
def mutated_fixture(draw: st.DrawFn) -> SourceFile:
    path = draw(st.sampled_from(FIXTURES))
    data = bytearray(path.read_bytes())
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        kind = draw(st.sampled_from(["truncate", "flip", "insert", "delete", "duplicate"]))
        position = draw(st.integers(min_value=0, max_value=max(0, len(data))))
        if kind == "truncate":
            del data[position:]
        elif kind == "flip" and data:
            index = min(position, len(data) - 1)
            data[index] = draw(st.integers(min_value=0, max_value=255))
        elif kind == "insert":
            data[position:position] = draw(
                st.binary(max_size=20)
                | st.sampled_from([b"<", b"&", b"<!DOCTYPE x [<!ENTITY a 'b'>]>", b"{", b"\x00", b"\xff\xfe", b"]]>"])
            )
        elif kind == "delete":
            del data[position : position + draw(st.integers(min_value=1, max_value=200))]
        elif kind == "duplicate":
            data[position:position] = data[position : position + draw(st.integers(min_value=1, max_value=300))]
    name = draw(st.sampled_from([path.name, "renamed.txt", "renamed.xml", "renamed"]))
    return SourceFile(name, bytes(data))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=mutated_fixture())
def test_mutated_fixtures(source: SourceFile) -> None:
    check(source)


@PROFILE
@given(text=st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_scraped_text_lines(text: str) -> None:
    lines = ["Von " + text[:40], "BERLIN (dpa) - " + text, "© " + text[:30], "date " + text[:12], text]
    check(SourceFile("lines.txt", "\n\n".join(lines).encode("utf-8", errors="surrogatepass")))
