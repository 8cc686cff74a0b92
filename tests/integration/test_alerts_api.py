"""The alerts API against the real stack: create (201), list with counts, read, change, delete; malformed
queries, unknown filters, bad or internal webhooks refused with 400; secrets never returned; the API key;
rules survive a restart of the API (they live on the compacted rules topic)."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from newsingest.config import Settings
from newsingest.models import AlertMatch
from newsingest.web.api import create_api
from tests.e2e.support import delete_namespace, index_articles, sample_articles, start_server
from tests.integration.harness import isolated_settings, produce


@pytest.fixture(scope="module")
def alert_settings(stack: Settings, tmp_path_factory: pytest.TempPathFactory, samples_dir: Path) -> Iterator[Settings]:
    from newsingest_devtools.sandbox import remove_namespace

    settings = isolated_settings(stack, tmp_path_factory.mktemp("alerts-api"), webhook_allowed_hosts=[])
    index_articles(settings, sample_articles(samples_dir))
    yield settings
    delete_namespace(settings)
    remove_namespace(settings)


def test_rules_are_created_listed_changed_and_deleted(alert_settings: Settings) -> None:
    with TestClient(create_api(alert_settings)) as client:
        created = client.post("/api/alerts", json={
            "name": "Kim in Russland", "query": "Kim Wladiwostok", "filters": {"lang": ["de"]},
            "webhook_url": "https://hooks.example.org/newsroom", "secret": "very-secret"})
        assert created.status_code == 201, created.text
        rule = created.json()
        assert rule["has_secret"] is True
        assert "secret" not in rule
        assert "very-secret" not in created.text
        assert len(rule["id"]) == 32

        listed = client.get("/api/alerts").json()
        assert [r["id"] for r in listed] == [rule["id"]]
        assert listed[0]["matches"] == 0
        assert "very-secret" not in client.get(f"/api/alerts/{rule['id']}").text

        changed = client.patch(f"/api/alerts/{rule['id']}", json={"enabled": False})
        assert changed.status_code == 200
        assert changed.json()["enabled"] is False
        assert changed.json()["has_secret"] is True

        now = client.get(f"/api/alerts/{rule['id']}/matches").json()
        assert now["total"] >= 1  # the German samples mention Kim and Wladiwostok

    with TestClient(create_api(alert_settings)) as client:  # a new API process: the rule is still there
        again = client.get(f"/api/alerts/{rule['id']}")
        assert again.status_code == 200
        assert again.json()["enabled"] is False
        assert client.delete(f"/api/alerts/{rule['id']}").status_code == 204
        assert client.get(f"/api/alerts/{rule['id']}").status_code == 404
        assert client.delete(f"/api/alerts/{rule['id']}").status_code == 404


@pytest.mark.parametrize("body", [
    {"name": "bad query", "query": "title:(unclosed"},
    {"name": "bad filter", "filters": {"colour": ["red"]}},
    {"name": "ftp", "webhook_url": "ftp://example.org/x"},
    {"name": "metadata", "webhook_url": "http://169.254.169.254/latest/meta-data"},
    {"name": "loopback", "webhook_url": "http://127.0.0.1:9200/_cluster/settings"},
    {"name": ""},
    {"query": "no name"},
])
def test_bad_rules_are_refused_with_the_reason(alert_settings: Settings, body: dict[str, object]) -> None:
    with TestClient(create_api(alert_settings)) as client:
        answer = client.post("/api/alerts", json=body)
        assert answer.status_code == 400, answer.text
        assert answer.json()["detail"]


def test_the_api_key_guards_the_alerts(alert_settings: Settings) -> None:
    settings = alert_settings.model_copy(update={"api_key": SecretStr("k3y")})
    with TestClient(create_api(settings)) as client:
        assert client.get("/api/alerts").status_code == 401
        assert client.post("/api/alerts", json={"name": "x"}).status_code == 401
        assert client.get("/api/alerts/stream").status_code == 401
        assert client.get("/api/alerts", headers={"X-API-Key": "k3y"}).status_code == 200


def test_the_live_stream_sends_new_matches(alert_settings: Settings, tmp_path: Path) -> None:
    """``GET /api/alerts/stream`` of a real ``newsingest serve``: a match put on news.alerts arrives as an event;
    the API key may come as ``?key=`` (EventSource cannot send headers)."""
    settings = alert_settings.model_copy(update={"api_key": SecretStr("k3y")})
    server, url = start_server(settings, tmp_path / "serve.log")
    try:
        assert httpx.get(f"{url}/api/alerts/stream", timeout=10).status_code == 401
        match = AlertMatch(alert_id="a" * 32, alert_name="live", article_id="b" * 64, title="Live", language="en",
                           snippet="…")
        with httpx.stream("GET", f"{url}/api/alerts/stream", params={"key": "k3y"}, timeout=30) as stream:
            assert stream.status_code == 200
            assert stream.headers["content-type"].startswith("text/event-stream")
            lines = stream.iter_lines()
            assert next(lines) == ": connected"
            produce(settings, settings.topic_alerts, [(f"{'a' * 32}:{'b' * 64}".encode(),
                                                       match.model_dump_json().encode())])
            event = [line for line in itertools.islice(lines, 6) if line.startswith(("event:", "id:", "data:"))]
        assert event[0] == "event: match"
        assert event[1] == f"id: {'a' * 32}:{'b' * 64}"
        assert json.loads(event[2].removeprefix("data: "))["title"] == "Live"
    finally:
        server.stop()
