"""Export rows and encodings (no stack): CSV quoting and formula defusing, NDJSON, file names, and the export's
parameters being exactly the search's filters."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import pytest

from newsingest.config import Settings
from newsingest.index.export import EXPORT_FIELDS, csv_cell, encode, encode_csv, encode_ndjson, export_row
from newsingest.index.search import SearchRequest
from newsingest.web.api import create_api
from newsingest.web.export import file_name

RAW = {
    "_id": "a" * 64,
    "_source": {"article_id": "a" * 64, "date": "2024-01-02T03:04:05Z", "title": "Gipfel, \"Treffen\"\nzwei",
                "source": "dpa", "language": "de", "url": "https://x.example/1", "persons": ["Olaf Scholz", "=cmd"],
                "organisations": [], "places": [{"name": "Berlin"}, {"name": "Bonn"}, {}], "countries": ["DE"],
                "story_id": None},
}


@pytest.mark.parametrize(("value", "cell"), [
    ("=1+2", "'=1+2"), ("+49 30", "'+49 30"), ("-3 Grad", "'-3 Grad"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("a=b", "a=b"), ("", ""), (None, ""), (["a", "b"], "a; b"),
    (["=x", "y"], "'=x; y"), ([], ""), ("2024-01-02T03:04:05Z", "2024-01-02T03:04:05Z"),
])
def test_csv_cell(value: object, cell: str) -> None:
    assert csv_cell(value) == cell


def test_export_row_has_every_field_in_order() -> None:
    row = export_row(RAW)
    assert list(row) == list(EXPORT_FIELDS)
    assert row["places"] == ["Berlin", "Bonn"]
    assert row["persons"] == ["Olaf Scholz", "=cmd"]
    assert row["story_id"] is None


def test_csv_round_trips_through_a_csv_reader() -> None:
    data = encode_csv([export_row(RAW), export_row(RAW)], header=True)
    assert data.count(b"\r\n") == 3  # header + 2 rows; the newline inside the title is quoted, not a line end
    rows = list(csv.DictReader(io.StringIO(data.decode(), newline="")))
    assert len(rows) == 2
    assert rows[0]["title"] == "Gipfel, \"Treffen\"\nzwei"
    assert rows[0]["persons"] == "Olaf Scholz; =cmd"  # the cell starts with "O": nothing to defuse
    assert rows[0]["places"] == "Berlin; Bonn"
    assert rows[0]["story_id"] == ""
    assert not encode([export_row(RAW)], "csv", first=False).startswith(b"id,")  # header on the first page only


def test_ndjson_keeps_values_and_lists() -> None:
    lines = encode_ndjson([export_row(RAW)]).decode().splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0]) == export_row(RAW)


def test_file_name() -> None:
    when = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)
    assert file_name(SearchRequest(q='"Kim Jong Un" AND Pütin'), "csv", when) == \
        "newsingest-kim-jong-un-and-p-tin-20261204T150000Z.csv"
    assert file_name(SearchRequest(), "ndjson", when) == "newsingest-20261204T150000Z.ndjson"
    assert file_name(SearchRequest(q="x" * 100), "csv", when) == f"newsingest-{'x' * 40}-20261204T150000Z.csv"


def test_export_takes_exactly_the_search_filters() -> None:
    paths = create_api(Settings()).openapi()["paths"]
    search = {p["name"]: p["schema"] for p in paths["/api/search"]["get"]["parameters"]}
    export = {p["name"]: p["schema"] for p in paths["/api/export"]["get"]["parameters"]}
    paging = {"size", "after", "facets"}
    assert set(export) == (set(search) - paging) | {"format"}
    for name in set(search) - paging:
        assert export[name] == search[name], name
    assert export["format"]["enum"] == ["csv", "ndjson"]
