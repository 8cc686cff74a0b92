"""Export of whole results (issue 15, item 6) against the real Elasticsearch: 2,500 generated articles in an
isolated index (more than two export pages), exported as CSV and NDJSON through the HTTP API and the CLI, compared
with the ids of the same search paged through ``/api/search``; filters, sort order, 400s, the API key, CSV
quoting and formula defusing, and the point in time closed at the end and when the client goes away."""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import json
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from elasticsearch import NotFoundError
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from pydantic import SecretStr

from newsingest.config import Settings
from newsingest.index.client import async_client, sync_client
from newsingest.index.export import EXPORT_FIELDS, PAGE_SIZE, open_export
from newsingest.index.search import BackendUnavailable, SearchRequest
from newsingest.models import EnrichedArticle, Entity, EntityType, Place, Provenance
from newsingest.web.api import create_api
from tests.e2e.support import delete_namespace, index_articles, start_server
from tests.integration.harness import isolated_settings, settings_env, wait_for

NEWSINGEST = str(Path(sys.executable).with_name("newsingest"))
COUNT = 2500
PERSONS = ("Angela Merkel", "Emmanuel Macron", "Olaf Scholz", "Giorgia Meloni", "Pedro Sánchez")
TRICKY_TITLES = ('=HYPERLINK("http://evil.example","click")', "+1 more, and \"quoted\"", "-2 degrees\nsecond line",
                 "@SUM(A1:A2)", "\tTabbed", "plain; with semicolon")


def _article(n: int) -> EnrichedArticle:
    english = n % 3 != 0
    title = TRICKY_TITLES[n] if n < len(TRICKY_TITLES) else f"{'Summit report' if english else 'Gipfelbericht'} {n}"
    body = ("The leaders met at the summit to talk about energy and trade. " if english
            else "Die Regierungschefs trafen sich zum Gipfel über Energie und Handel. ") * 3
    persons = [PERSONS[n % 5], PERSONS[(n // 5) % 5]] if n % 7 else []
    return EnrichedArticle(
        article_id=hashlib.sha256(f"export-{n}".encode()).hexdigest(), title=title, body=body,
        language="en" if english else "de", language_confidence=0.99,
        published_at=datetime(2024, 1, 1, tzinfo=UTC) + timedelta(hours=n % 1000),  # ties on date: id order
        source=("Reuters", "AP", "dpa")[n % 3], url=f"https://news.example/{n}",
        entities=[Entity(name=p, type=EntityType.PERSON, count=1) for p in dict.fromkeys(persons)]
        + [Entity(name="European Union", type=EntityType.ORGANISATION, count=1)],
        places=[Place(name="Brüssel" if not english else "Brussels", resolved_name="Brussels", country_code="BE",
                      lat=50.85, lon=4.35)],
        countries=["BE"], word_count=len(body.split()), story_id=f"story-{n % 40}", pipeline_version="test",
        provenance=Provenance(file_name=f"{n}.txt", file_sha256="0" * 64, file_size=1, media_type="text/plain",
                              format="text", received_at=datetime(2024, 2, 1, tzinfo=UTC)),
    )


@pytest.fixture(scope="module")
def corpus(stack: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    settings = isolated_settings(stack, tmp_path_factory.mktemp("export"))
    index_articles(settings, [_article(n) for n in range(COUNT)])
    yield settings
    delete_namespace(settings)


@pytest.fixture(scope="module")
def client(corpus: Settings) -> Iterator[TestClient]:
    with TestClient(create_api(corpus)) as test_client:
        yield test_client


def search_ids(client: TestClient, params: dict[str, Any]) -> list[str]:
    """Every id of the search, paged through /api/search with `after`."""
    ids: list[str] = []
    after: str | None = None
    while True:
        page = client.get("/api/search", params={**params, "size": 100, "facets": "false",
                                                 **({"after": after} if after else {})})
        assert page.status_code == 200, page.text
        body = page.json()
        ids += [hit["id"] for hit in body["hits"]]
        after = body["next"]
        if not after:
            return ids


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_csv_export_is_the_whole_result_in_search_order(client: TestClient) -> None:
    params = {"q": "summit", "sort": "date"}
    answer = client.get("/api/export", params={**params, "format": "csv"})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    assert re.fullmatch(r'attachment; filename="newsingest-summit-\d{8}T\d{6}Z\.csv"',
                        answer.headers["content-disposition"])
    assert answer.content.startswith(",".join(EXPORT_FIELDS).encode() + b"\r\n")
    rows = csv_rows(answer.text)
    expected = search_ids(client, params)
    assert len(expected) > PAGE_SIZE  # two pages and a prefetch
    assert [row["id"] for row in rows] == expected
    assert answer.headers["x-total-count"] == str(len(expected))
    row = next(r for r in rows if r["url"] == "https://news.example/16")
    assert row["title"] == "Summit report 16"
    assert row["persons"] == "Emmanuel Macron; Giorgia Meloni"
    assert (row["organisations"], row["places"], row["countries"]) == ("European Union", "Brussels", "BE")
    assert (row["source"], row["language"], row["story_id"]) == ("AP", "en", "story-16")
    assert row["date"].startswith("2024-01-01T16:00:00")


def test_ndjson_export_with_filters_equals_the_search(client: TestClient) -> None:
    params = {"person": ["angela merkel", "OLAF SCHOLZ"], "lang": "en", "sort": "relevance", "q": "energy"}
    answer = client.get("/api/export", params={**params, "format": "ndjson"})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/x-ndjson")
    assert answer.headers["content-disposition"].endswith('.ndjson"')
    rows = [json.loads(line) for line in answer.text.splitlines()]
    assert len(rows) > 0
    assert [row["id"] for row in rows] == search_ids(client, params)
    for row in rows:
        assert list(row) == list(EXPORT_FIELDS)
        assert {"Angela Merkel", "Olaf Scholz"} <= set(row["persons"])
        assert row["language"] == "en"
    dated = client.get("/api/export", params={"since": "2024-01-02", "until": "2024-01-02", "format": "ndjson"})
    dates = {json.loads(line)["date"][:10] for line in dated.text.splitlines()}
    assert dates == {"2024-01-02"}


def test_empty_result_is_a_header_only_csv(client: TestClient) -> None:
    answer = client.get("/api/export", params={"q": "nothingmatchesthis"})
    assert answer.status_code == 200
    assert answer.text == ",".join(EXPORT_FIELDS) + "\r\n"
    assert client.get("/api/export", params={"q": "nothingmatchesthis", "format": "ndjson"}).text == ""


@pytest.mark.parametrize(("params", "reason"), [
    ({"q": "summit AND ("}, "Failed to parse query"),
    ({"since": "last tuesday"}, "invalid date"),
    ({"format": "xlsx"}, "format"),
    ({"sort": "random"}, "sort"),
    ({"q": "x" * 1001}, "q"),
])
def test_bad_requests_are_400_with_the_reason(client: TestClient, params: dict[str, str], reason: str) -> None:
    answer = client.get("/api/export", params=params)
    assert answer.status_code == 400
    assert reason in answer.json()["detail"]


def test_csv_quoting_and_formula_defusing(client: TestClient) -> None:
    rows = {row["url"]: row for row in csv_rows(client.get("/api/export", params={"sort": "oldest"}).text)}
    titles = [rows[f"https://news.example/{n}"]["title"] for n in range(len(TRICKY_TITLES))]
    assert titles == ["'" + TRICKY_TITLES[0], "'+1 more, and \"quoted\"", "'-2 degrees\nsecond line", "'@SUM(A1:A2)",
                      "'\tTabbed", "plain; with semicolon"]
    ndjson = client.get("/api/export", params={"format": "ndjson", "q": "Tabbed"}).text
    assert json.loads(ndjson)["title"] == "\tTabbed"  # NDJSON is data, not a spreadsheet: unchanged


def test_the_api_key_is_required(corpus: Settings) -> None:
    keyed = corpus.model_copy(update={"api_key": SecretStr("k3y")})
    with TestClient(create_api(keyed)) as keyed_client:
        assert keyed_client.get("/api/export").status_code == 401
        answer = keyed_client.get("/api/export", params={"story": "story-3"}, headers={"X-API-Key": "k3y"})
        assert answer.status_code == 200
        assert len(csv_rows(answer.text)) == COUNT // 40 + (1 if COUNT % 40 > 3 else 0)


def _pit_is_gone(settings: Settings, pit_id: str) -> bool:
    es = sync_client(settings)
    try:
        es.search(pit={"id": pit_id}, size=0)
    except NotFoundError:
        return True
    finally:
        es.close()
    return False


def test_point_in_time_closed_after_a_whole_and_an_abandoned_export(corpus: Settings) -> None:
    async def main() -> tuple[str, str, int]:
        es = async_client(corpus)
        try:
            whole = await open_export(es, corpus, SearchRequest(), page_size=700)
            rows = sum([len(chunk.splitlines()) async for chunk in whole.chunks("ndjson")])
            await whole.close()
            partial = await open_export(es, corpus, SearchRequest(), page_size=700)
            async for _ in partial.chunks("csv"):
                break  # a page requested ahead is pending now
            await partial.close("disconnected")
            return whole.pit_id, partial.pit_id, rows
        finally:
            await es.close()

    whole_pit, partial_pit, rows = asyncio.run(main())
    assert rows == COUNT
    assert _pit_is_gone(corpus, whole_pit)
    assert _pit_is_gone(corpus, partial_pit)


def test_client_disconnect_closes_the_point_in_time(corpus: Settings, tmp_path: Path) -> None:
    server, url = start_server(corpus, tmp_path / "serve.log")
    try:
        port = int(url.rsplit(":", 1)[1])
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # the server cannot push it all at once
            sock.connect(("127.0.0.1", port))
            sock.sendall(b"GET /api/export?format=ndjson HTTP/1.1\r\nHost: x\r\n\r\n")
            assert sock.recv(1024).startswith(b"HTTP/1.1 200")
        wait_for(lambda: "export.closed" in server.log(), 30, "the export to end", server.log)
        events = [json.loads(line) for line in server.log().splitlines() if line.startswith("{")]
        closed = next(e for e in events if e.get("event") == "export.closed")
        assert closed["outcome"] == "disconnected"
        assert closed["rows"] < COUNT
        assert _pit_is_gone(corpus, closed["pit_id"])
        assert httpx.get(f"{url}/api/export", params={"q": "("}).status_code == 400
    finally:
        server.stop()


def test_cli_export_streams_the_same(corpus: Settings, client: TestClient) -> None:
    env = settings_env(corpus)
    done = subprocess.run([NEWSINGEST, "search", "summit", "--lang", "en", "--sort", "date", "--export", "csv"],
                          env=env, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    rows = csv_rows(done.stdout.decode())
    assert [row["id"] for row in rows] == search_ids(client, {"q": "summit", "lang": "en", "sort": "date"})
    ndjson = subprocess.run([NEWSINGEST, "search", "--source", "dpa", "--export", "ndjson"], env=env,
                            capture_output=True, timeout=120)
    assert ndjson.returncode == 0, ndjson.stderr
    assert {json.loads(line)["source"] for line in ndjson.stdout.splitlines()} == {"dpa"}
    bad = subprocess.run([NEWSINGEST, "search", "summit AND (", "--export", "csv"], env=env, capture_output=True,
                         timeout=60)
    assert bad.returncode == 2
    assert b"Failed to parse query" in bad.stderr
    assert bad.stdout == b""
    mixed = subprocess.run([NEWSINGEST, "search", "--export", "csv", "--json"], env=env, capture_output=True,
                           timeout=60)
    assert mixed.returncode == 2


@hypothesis_settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(q=st.sampled_from(["", "summit", "energy AND trade", "Gipfel*", "report -Gipfelbericht", '"the summit"']),
       person=st.lists(st.sampled_from([p.lower() for p in PERSONS]), max_size=2, unique=True),
       lang=st.sampled_from([None, "en", "de"]), source=st.sampled_from([None, "AP", "dpa"]),
       since=st.sampled_from([None, "2024-01-20", "2024-02-01T12:00:00Z"]),
       until=st.sampled_from([None, "2024-01-25", "now"]), sort=st.sampled_from(["relevance", "date", "oldest"]))
def test_export_agrees_with_the_search_on_random_requests(client: TestClient, q: str, person: list[str],
                                                          lang: str | None, source: str | None, since: str | None,
                                                          until: str | None, sort: str) -> None:
    params = {k: v for k, v in {"q": q, "person": person, "lang": lang, "source": source, "since": since,
                                "until": until, "sort": sort}.items() if v}
    answer = client.get("/api/export", params={**params, "format": "ndjson"})
    assert answer.status_code == 200, answer.text
    assert [json.loads(line)["id"] for line in answer.text.splitlines()] == search_ids(client, params)


def test_a_point_in_time_lost_midway_fails_the_stream(corpus: Settings) -> None:
    async def main() -> int:
        es = async_client(corpus)
        stream = await open_export(es, corpus, SearchRequest(sort="date"), page_size=400)
        rows = 0
        try:
            async for chunk in stream.chunks("ndjson"):
                rows += chunk.count(b"\n")
                if rows == 400:
                    await es.close_point_in_time(id=stream.pit_id)  # as if it had expired
            return rows
        finally:
            await stream.close("failed")
            await es.close()

    with pytest.raises(BackendUnavailable, match="point in time"):
        asyncio.run(main())
