"""File content that made a parser hang (catastrophic backtracking, quadratic loops), blow up memory or raise
something other than a ParseError. Each input is read in a child process with a generous time budget, so a
regression fails the test instead of stalling the suite; every one of them took minutes (or crashed) before."""

from __future__ import annotations

import codecs
import io
import json
import subprocess
import sys
import textwrap
import tracemalloc
from typing import Any

import pytest

from newsingest.ingest.formats import encoding, titles
from newsingest.ingest.formats.base import MalformedDocument, ParseError, SourceFile
from newsingest.ingest.formats.newsml_stream import iter_newsml
from newsingest.ingest.formats.refine import MAX_PARAGRAPHS
from newsingest.ingest.formats.registry import parse_file_detailed
from newsingest.ingest.formats.titles import sentences as split_sentences

BUDGET_S = 10.0
"""Each input takes well under a second now; before, each took far longer than this."""
BODY = "Die Regierung hat am Montag neue Regeln beschlossen, die ab dem kommenden Jahr gelten sollen. "
G2 = "http://iptc.org/std/nar/2006-10-01/"

_CHILD_HEAD = f"""
import json, sys
from newsingest.ingest.formats.base import SourceFile
from newsingest.ingest.formats.registry import parse_file_detailed
from newsingest.ingest.formats.titles import sentences as split_sentences
BODY, G2 = {BODY!r}, {G2!r}
"""
_CHILD_TAIL = """
outcomes = []
for name, data in FILES:
    result = parse_file_detailed(SourceFile(name, data))
    outcomes.append({
        "articles": [article.model_dump(mode="json") for article in result.articles],
        "errors": [{"code": error.code, "reason": error.reason} for error in result.errors],
    })
    print(name, file=sys.stderr, flush=True)
print(json.dumps(outcomes))
"""


def run_in_child(code: str) -> str:
    """The output of ``code`` run in a fresh interpreter that may take at most ``BUDGET_S``."""
    try:
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=BUDGET_S)
    except subprocess.TimeoutExpired as exc:
        finished = exc.stderr.decode() if isinstance(exc.stderr, bytes) else exc.stderr or ""
        pytest.fail(f"took longer than {BUDGET_S} s (files done: {finished.split()})")
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def parse_in_child(files: str) -> list[dict[str, Any]]:
    """What ``parse_file_detailed`` makes of the files that ``files`` (Python source) lists as ``FILES``,
    ``[(name, data), ...]``, read in a fresh interpreter that may take at most ``BUDGET_S``."""
    outcomes: list[dict[str, Any]] = json.loads(run_in_child(_CHILD_HEAD + textwrap.dedent(files) + _CHILD_TAIL))
    return outcomes


def codes(outcome: dict[str, Any]) -> list[str]:
    return [error["code"] for error in outcome["errors"]]


# --- plain text: sentences, datelines, boilerplate, trailers, encodings ---------------------------------------


def test_long_runs_of_sentence_marks_and_abbreviations_are_read_in_linear_time() -> None:
    dots, abbreviations = parse_in_child(
        """
        FILES = [("dots.txt", b"." * 300_000 + b"x"), ("abbreviations.txt", b"Z. " * 200_000 + b"Ende")]
        """
    )
    assert dots["articles"][0]["title_derived"] is True
    assert abbreviations["articles"][0]["title"].startswith("Z. Z. Z.")


def test_sentences_of_long_runs_of_marks_and_abbreviations_are_found_in_linear_time() -> None:
    found = run_in_child(
        textwrap.dedent(
            """
            from newsingest.ingest.formats.titles import sentences
            print(len(sentences("." * 300_000 + "x")), len(sentences("Z. " * 300_000 + "Ende. Der Rest.")))
            """
        )
    )
    assert found.split() == ["1", "2"]


def test_a_title_is_derived_from_the_start_of_a_long_paragraph_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    read: list[int] = []

    def sentences(text: str) -> list[str]:
        read.append(len(text))
        return split_sentences(text)

    monkeypatch.setattr(titles, "sentences", sentences)
    assert titles.derive_title("Erster Satz. " + "Z. " * 1_000_000) == "Erster Satz"
    assert read == [1_000]  # not the 3 MB of the paragraph, split at every "Z. " (5 s)


def test_runs_of_spaces_in_scraped_text_are_read_in_linear_time() -> None:
    # U+1680 is a space that survives the text hygiene, so regular expressions meet long runs of \s
    outcomes = parse_in_child(
        """
        OGHAM = "\\u1680" * 200_000
        texts = [
            "BERLIN, " + OGHAM + "x\\n\\n" + BODY,  # datelines._PREFIX
            BODY + "\\n\\n|" + OGHAM + "x",  # boilerplate._WHOLE
            BODY + "\\n\\n(Reporting by Hans" + OGHAM + "Meier)",  # bylines._TRAILER_NAMES, _SEPARATORS
            "date 12.03.2024" + OGHAM + "x " + BODY,  # dates._TIME
        ]
        FILES = [(f"{i}.txt", text.encode()) for i, text in enumerate(texts)]
        """
    )
    assert all(outcome["articles"] or outcome["errors"] for outcome in outcomes)
    assert outcomes[0]["articles"][0]["body"].startswith("BERLIN,")


def test_trailer_naming_many_reporters_before_a_parenthesis_is_read_in_linear_time() -> None:
    (outcome,) = parse_in_child(
        """
        trailer = "(Reporting by " + "reporting by " * 20_000 + "(Hans Meier))"
        FILES = [("trailer.txt", ("Titel der Meldung\\n\\n" + BODY + "\\n\\n" + trailer).encode())]
        """
    )
    assert outcome["articles"][0]["body"] == BODY.strip()


def test_long_lines_with_many_non_ascii_runs_are_checked_for_mojibake_in_linear_time() -> None:
    # the check reads each run's line: it looked the line's ends up from every run, scanning the line each time
    found = run_in_child(
        textwrap.dedent(
            """
            from newsingest.ingest.formats.cleaning import repair_text
            text = ("ä" + "a" * 19) * 150_000
            print(repair_text(text) == text)
            """
        )
    )
    assert found.split() == ["True"]


def test_text_of_millions_of_lines_is_refused_without_reading_each() -> None:
    outcomes = parse_in_child(
        """
        FILES = [
            ("lines.txt", b"a\\n" * 3_000_000),  # each line a paragraph to analyse
            ("entities.txt", b"&amp;\\n" * 1_500_000),  # each line a call of ftfy (10 us)
            ("title.json", json.dumps({"title": "&amp;\\n" * 2_000_000, "body": BODY}).encode()),
        ]
        """
    )
    assert [codes(outcome) for outcome in outcomes] == [["malformed_document"]] * 3
    assert all("lines" in outcome["errors"][0]["reason"] for outcome in outcomes)


def test_an_article_of_too_many_paragraphs_is_refused() -> None:
    body = "\n".join(f"Absatz {i}." for i in range(MAX_PARAGRAPHS + 1))
    result = parse_file_detailed(SourceFile("a.json", json.dumps({"title": "T", "body": body}).encode()))
    assert [type(e) for e in result.errors] == [MalformedDocument]
    assert "paragraphs" in result.errors[0].reason


def test_doctype_with_many_bracket_pairs_is_sniffed_in_linear_time() -> None:
    (outcome,) = parse_in_child(
        """
        FILES = [("doctype.html", b"<!DOCTYPE " + b"[]" * 30_000)]
        """
    )
    assert outcome["errors"]


# --- JSON fields -------------------------------------------------------------------------------------------


def test_long_runs_in_json_fields_are_read_in_linear_time() -> None:
    outcomes = parse_in_child(
        """
        def item(**fields):
            return json.dumps({"title": "Titel", "body": BODY, **fields}).encode()
        FILES = [
            ("source.json", item(source="a" + "." * 200_000 + "b")),  # agencies._TRIM
            ("date.json", item(date="12.03.2024" + " " * 3_000 + "x")),  # dates._TIME: cubic
            ("keywords.json", item(keywords="a" + " " * 200_000 + "b")),  # refine.split_keywords
            ("authors.json", json.dumps([
                {"title": f"T{i}", "body": BODY, "authors": ["Hans" + " " * 290 + "Meier"] * 100} for i in range(50)
            ]).encode()),  # bylines._SEPARATORS, 300-character names
            ("html-bodies.json", json.dumps([{"title": f"T{i}", "body": "<p" * 10_000} for i in range(250)]).encode()),
        ]
        """
    )
    source, date, keywords, authors, bodies = outcomes
    assert source["articles"][0]["source"] is None  # too long to be a name
    assert date["articles"][0]["published_at"] is None
    assert keywords["articles"][0]["keywords"] == ["a b"]
    assert len(authors["articles"]) == 50
    assert len(bodies["articles"]) == 250


# --- XML ---------------------------------------------------------------------------------------------------


def test_nested_nitf_elements_are_read_once() -> None:
    (outcome,) = parse_in_child(
        """
        def nested(tag, levels, inner=""):
            return f"<{tag}>" * levels + inner + f"</{tag}>" * levels
        contents = "".join(f"<body.content><p>Absatz {i} des Artikels.</p>" for i in range(3_000))
        nitf = (
            "<nitf><head>" + nested("keyword", 60_000, "k") + "</head><body><body.head>" + nested("hl1", 60_000)
            + "<byline>" + nested("person", 40_000, "Hans Meier") + nested("byttl", 50_000, "Reporter") + "</byline>"
            + "<dateline>" + nested("location", 20_000, "x") + "<location>" + nested("city", 60_000, "Berlin")
            + "</location></dateline></body.head>" + contents + "</body.content>" * 3_000 + "</body></nitf>"
        )
        FILES = [("nested.nitf", nitf.encode())]
        """
    )
    (article,) = outcome["articles"]
    assert article["body"].split("\n\n") == [f"Absatz {i} des Artikels." for i in range(3_000)]  # once, in order
    assert (article["authors"], article["keywords"]) == (["Hans Meier"], ["k"])
    assert article["dateline_places"] == ["x", "Berlin"]


def test_nested_item_references_of_a_package_are_read_once() -> None:
    (outcome,) = parse_in_child(
        """
        levels = 5_000
        refs = "".join(f"<itemRef><description>Beschreibung {i} des Artikels." for i in range(levels))
        package = f"<packageItem xmlns='{G2}'>" + refs + "</description></itemRef>" * levels + "</packageItem>"
        FILES = [("package.xml", package.encode())]
        """
    )
    assert [a["body"] for a in outcome["articles"]] == [f"Beschreibung {i} des Artikels." for i in range(5_000)]


def test_long_runs_in_nitf_names_are_read_in_linear_time() -> None:
    (outcome,) = parse_in_child(
        """
        nitf = (
            "<nitf><body><body.head><byline>Von Hans Meier<byttl>a" + "." * 200_000 + "b</byttl></byline>"
            "<distributor>a" + "." * 200_000 + "b</distributor></body.head>"
            "<body.content><p>" + BODY + "</p></body.content></body></nitf>"
        )
        FILES = [("names.nitf", nitf.encode())]
        """
    )
    assert outcome["articles"][0]["source"] is None


def test_declared_encodings_that_are_no_text_encodings_do_not_crash() -> None:
    page = b"<html><head><meta charset='%s'></head><body><p>" + BODY.encode() + b"</p></body></html>"
    nitf = b"<?xml version='1.0' encoding='%s'?><nitf><body><body.content><p>" + BODY.encode() + b"\xe4</p>"
    for name in (b"rot13", b"hex", b"base64", b"undefined", b"punycode"):
        for file_name, template in (("a.html", page), ("a.xml", nitf + b"</body.content></body></nitf>")):
            result = parse_file_detailed(SourceFile(file_name, template.replace(b"%s", name)))
            assert result.articles or all(isinstance(e, ParseError) for e in result.errors)


def test_streamed_newsml_declaring_an_unusable_encoding_is_a_malformed_document() -> None:
    for name in ("bogus", "rot13", "utf-7", "undefined"):
        data = (
            f"<?xml version='1.0' encoding='{name}'?><newsMessage xmlns='{G2}'><itemSet><newsItem><contentSet>"
            f"<inlineData>{BODY}</inlineData></contentSet></newsItem></itemSet></newsMessage>"
        ).encode()
        items = list(iter_newsml(io.BytesIO(data), SourceFile("a.xml", b"")))
        assert [type(item.result) for item in items] == [MalformedDocument]


# --- HTML --------------------------------------------------------------------------------------------------


def test_html_element_with_tens_of_thousands_of_attributes_is_refused_before_parsing() -> None:
    page, fragment = parse_in_child(
        """
        attributes = " ".join(f"a{i}='1'" for i in range(100_000))
        FILES = [
            ("attributes.html", f"<html><body><p {attributes}>{BODY}</p></body></html>".encode()),
            ("attributes.json", json.dumps({"title": "T", "body": f"<p>Vorspann.</p><p {attributes}>x</p>"}).encode()),
        ]
        """
    )
    assert codes(page) == ["malformed_document"]
    assert "attributes" in page["errors"][0]["reason"]
    assert fragment["articles"][0]["body"].startswith("Vorspann.")  # a fragment falls back to stripping tags


def test_html_page_of_very_many_paragraphs_is_read_without_trafilatura() -> None:
    (outcome,) = parse_in_child(
        """
        FILES = [("paragraphs.html", ("<html><body><article>" + "<p>Absatz.</p>" * 80_000).encode())]
        """
    )
    assert codes(outcome) == ["malformed_document"]  # more paragraphs than an article has


# --- encodings and memory ----------------------------------------------------------------------------------


def test_runs_of_bytes_that_are_not_utf8_are_decoded_in_one_go() -> None:
    calls = 0
    handler = codecs.lookup_error(encoding._MIXED_HANDLER)

    def counting(exc: UnicodeError) -> tuple[str, int]:
        nonlocal calls
        calls += 1
        return handler(exc)  # type: ignore[no-any-return]

    codecs.register_error(encoding._MIXED_HANDLER, counting)
    try:
        text, name = encoding.decode_text("ä ".encode() * 10 + b"\xed\xa0\x80" * 100_000)
    finally:
        codecs.register_error(encoding._MIXED_HANDLER, handler)
    assert name == "utf-8+windows-1252"
    assert text.startswith("ä ä")
    assert text.endswith("í\xa0€")
    assert calls == 1  # was one call per byte


def test_counting_utf8_sequences_keeps_no_list_of_them() -> None:
    data = b"\xc3\xa4" * 300_000 + b"\xff"
    tracemalloc.start()
    try:
        text, name = encoding.decode_text(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (text[-2:], name) == ("äÿ", "utf-8+windows-1252")
    assert peak < 10 * len(data)  # was 23 times the size of the data (two lists of every sequence)


def test_errors_kept_for_a_file_of_many_bad_lines_do_not_hold_their_frames() -> None:
    tracemalloc.start()
    try:
        result = parse_file_detailed(SourceFile("a.jsonl", b"{}\n" * 10_000))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(result.errors) == 10_000
    assert all(error.__traceback__ is None for error in result.errors)
    assert peak < 15_000_000  # was 24 MB: 2.4 KB per line, most of it the frames of the failed item
