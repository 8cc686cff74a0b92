"""Alerts end to end on the real stack: a rule created through ``POST /api/alerts`` fires one signed webhook
per matching article dropped afterwards and none for the others, the same matches are on ``news.alerts``,
rules survive a restart, and after a kill -9 every match is still delivered (at least once)."""

from __future__ import annotations

import json
import signal
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from newsingest.alerts.webhook import DELIVERY_HEADER, SIGNATURE_HEADER, verify
from newsingest.config import Settings
from newsingest.web.api import create_api
from tests.integration.harness import (
    PipelineProcess,
    bbc_files,
    count_docs,
    drop,
    expected_ids,
    indexed_ids,
    read_topic,
    wait_for,
)

SECRET = "drill-secret"
QUERY = "minister"


class Receiver:
    """A local webhook receiver (a thread): records every delivery, answers 204."""

    def __init__(self) -> None:
        self.deliveries: list[tuple[dict[str, str], bytes]] = []
        lock = self.lock = threading.Lock()
        deliveries = self.deliveries

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with lock:
                    deliveries.append((dict(self.headers), body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *_: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def article_ids(self) -> list[str]:
        with self.lock:
            return [json.loads(body)["article_id"] for _, body in self.deliveries]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.server.shutdown()


@pytest.fixture
def alerting(isolated: Settings) -> Settings:
    return isolated.model_copy(update={"webhook_allowed_hosts": ["127.0.0.1"], "ner_enabled": False})


def _create_rule(settings: Settings, receiver: Receiver) -> str:
    with TestClient(create_api(settings)) as client:
        answer = client.post("/api/alerts", json={"name": "Ministers", "query": QUERY, "filters": {"lang": ["en"]},
                                                  "webhook_url": f"http://127.0.0.1:{receiver.port}/hook",
                                                  "secret": SECRET})
        assert answer.status_code == 201, answer.text
        return str(answer.json()["id"])


def _matching(settings: Settings, ids: set[str]) -> set[str]:
    """The articles among ``ids`` that /api/search finds for the rule's query and filter."""
    with TestClient(create_api(settings)) as client:
        found: set[str] = set()
        after = None
        while True:
            params: dict[str, Any] = {"q": QUERY, "lang": "en", "size": 100, "facets": "false"}
            if after:
                params["after"] = after
            page = client.get("/api/search", params=params).json()
            found |= {hit["id"] for hit in page["hits"]}
            after = page.get("next")
            if not after:
                return found & ids


def test_a_rule_fires_one_signed_webhook_per_matching_article(alerting: Settings, receiver: Receiver,
                                                               tmp_path: Path) -> None:
    files = bbc_files(40)
    first_batch, second_batch = files[:30], files[30:]
    pipeline = PipelineProcess(alerting, tmp_path / "run.log").start()
    try:
        wait_for(lambda: "indexer started" in pipeline.log(), 120, "the indexer", pipeline.log)
        rule_id = _create_rule(alerting, receiver)
        time.sleep(1.0)  # the indexer's replica of the rules sees the new rule (tail of the rules topic)
        drop(first_batch, alerting.inbox_dir)
        wanted = expected_ids(first_batch)
        wait_for(lambda: set(indexed_ids(alerting)) >= wanted, 180, "first batch indexed", pipeline.log)
        matching = _matching(alerting, wanted)
        assert 0 < len(matching) < len(wanted), "the query should match some articles, not all"
        wait_for(lambda: set(receiver.article_ids()) >= matching, 60, "webhooks of the first batch", pipeline.log)
        time.sleep(2)  # nothing more arrives
        assert sorted(receiver.article_ids()) == sorted(matching)  # exactly one per matching article
        for headers, body in receiver.deliveries:
            assert verify(SECRET, body, headers[SIGNATURE_HEADER])
            assert headers[DELIVERY_HEADER] == f"{rule_id}:{json.loads(body)['article_id']}"
        on_topic = read_topic(alerting, alerting.topic_alerts, expect=len(matching), timeout=20)
        assert sorted(r.key.decode() for r in on_topic) == sorted(f"{rule_id}:{a}" for a in matching)
        assert pipeline.stop() == 0

        # a restart: the rule is still there, old matches are not delivered again, new ones are
        pipeline = PipelineProcess(alerting, tmp_path / "run2.log").start()
        drop(second_batch, alerting.inbox_dir)
        both = wanted | expected_ids(second_batch)
        wait_for(lambda: set(indexed_ids(alerting)) >= both, 180, "second batch indexed", pipeline.log)
        all_matching = _matching(alerting, both)
        wait_for(lambda: set(receiver.article_ids()) >= all_matching, 60, "webhooks after the restart",
                 pipeline.log)
        time.sleep(2)
        assert sorted(receiver.article_ids()) == sorted(all_matching)
    finally:
        pipeline.stop()


@pytest.mark.drill
def test_kill_9_loses_no_alert(alerting: Settings, receiver: Receiver, tmp_path: Path) -> None:
    files = bbc_files(150)
    wanted = expected_ids(files)
    log = tmp_path / "run.log"
    first = PipelineProcess(alerting, log).start()
    wait_for(lambda: "indexer started" in first.log(), 120, "the indexer", first.log)
    _create_rule(alerting, receiver)
    time.sleep(1.0)
    drop(files, alerting.inbox_dir)
    wait_for(lambda: len(receiver.article_ids()) >= 3, 180, "some webhooks", first.log)
    first.kill(signal.SIGKILL)
    assert count_docs(alerting) < len(wanted), "the kill came too late to test anything"
    second = PipelineProcess(alerting, log).start()
    try:
        wait_for(lambda: set(indexed_ids(alerting)) >= wanted, 300, "everything indexed", second.log)
        matching = _matching(alerting, wanted)
        wait_for(lambda: set(receiver.article_ids()) >= matching, 90, "every match delivered", second.log)
        time.sleep(2)
        delivered = receiver.article_ids()
        assert set(delivered) == matching  # nothing lost, nothing that does not match
        duplicates = len(delivered) - len(set(delivered))
        assert duplicates <= len(matching)  # only redeliveries after the crash repeat a match
    finally:
        second.stop()
