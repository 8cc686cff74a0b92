"""The webhook notifier on the real broker with a local HTTP receiver: signed deliveries, retries on 5xx,
a 4xx dead-lettered at once, rules without a webhook left alone, offsets committed after delivery."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from newsingest.alerts.notifier import Notifier, notifier_consumer
from newsingest.alerts.rules import AlertRule
from newsingest.alerts.store import RuleStore
from newsingest.alerts.webhook import DELIVERY_HEADER, SIGNATURE_HEADER, verify
from newsingest.config import Settings
from newsingest.kafka.topics import ensure_topics
from newsingest.models import AlertMatch, DeadLetter
from newsingest_devtools.sandbox import free_port, remove_namespace
from tests.integration.harness import isolated_settings


class Receiver:
    """A webhook receiver: /ok answers 200, /gone 410, /flaky 503 twice and then 200."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, str], bytes]] = []
        self.flaky_left = 2
        self.port = free_port()
        self.runner: web.AppRunner | None = None

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.calls.append((request.path, dict(request.headers), body))
        if request.path == "/gone":
            return web.Response(status=410, text="no such hook")
        if request.path == "/flaky" and self.flaky_left > 0:
            self.flaky_left -= 1
            return web.Response(status=503)
        return web.Response(status=204)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/{tail:.*}", self.handle)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()


@pytest.fixture
def alert_settings(stack: Settings, tmp_path: Path) -> Iterator[Settings]:
    settings = isolated_settings(stack, tmp_path, webhook_allowed_hosts=["127.0.0.1"], webhook_timeout_s=5.0)
    yield settings
    remove_namespace(settings)


def _match(rule: AlertRule, n: int) -> AlertMatch:
    return AlertMatch(alert_id=rule.id, alert_name=rule.name, article_id=f"{n:064x}", title=f"Title {n}",
                      language="en", snippet="The council met.", persons=["Ada Lovelace"])


async def _produce(settings: Settings, matches: list[AlertMatch]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_servers, acks="all")
    await producer.start()
    try:
        for match in matches:
            await producer.send_and_wait(settings.topic_alerts, match.model_dump_json().encode(),
                                         key=f"{match.alert_id}:{match.article_id}".encode())
    finally:
        await producer.stop()


async def _letters(settings: Settings, expected: int) -> list[DeadLetter]:
    consumer = AIOKafkaConsumer(settings.topic_dlq, bootstrap_servers=settings.kafka_servers,
                                auto_offset_reset="earliest", group_id=None)
    await consumer.start()
    letters: list[DeadLetter] = []
    try:
        async with asyncio.timeout(30):
            while len(letters) < expected:
                for records in (await consumer.getmany(timeout_ms=500)).values():
                    letters += [DeadLetter.model_validate_json(r.value or b"") for r in records]
    finally:
        await consumer.stop()
    return letters


async def _run_until(notifier: Notifier, settings: Settings, done: object, limit_s: float = 60) -> None:
    task = asyncio.create_task(notifier.run(notifier_consumer(settings)))
    try:
        async with asyncio.timeout(limit_s):
            while not done():  # type: ignore[operator]
                if task.done():
                    task.result()
                await asyncio.sleep(0.1)
        await asyncio.sleep(1.5)  # one commit interval
    finally:
        notifier.stopping.set()
        await task


async def test_signed_deliveries_retries_and_dead_letters(alert_settings: Settings) -> None:
    settings = alert_settings
    await ensure_topics(settings)
    receiver = Receiver()
    await receiver.start()
    base = f"http://127.0.0.1:{receiver.port}"
    store = RuleStore(settings)
    await store.start()
    dlq = AIOKafkaProducer(bootstrap_servers=settings.kafka_servers, acks="all")
    await dlq.start()

    async def send_letter(letter: DeadLetter) -> None:
        await dlq.send_and_wait(settings.topic_dlq, letter.model_dump_json().encode())

    try:
        ok = await store.put(AlertRule(name="ok", webhook_url=f"{base}/ok", secret="topsecret"))
        gone = await store.put(AlertRule(name="gone", webhook_url=f"{base}/gone"))
        flaky = await store.put(AlertRule(name="flaky", webhook_url=f"{base}/flaky", secret="k2"))
        silent = await store.put(AlertRule(name="no webhook"))
        await _produce(settings, [_match(ok, 1), _match(gone, 2), _match(flaky, 3), _match(silent, 4),
                                  _match(ok, 5)])
        notifier = Notifier(settings, store, send_letter)

        def settled() -> bool:
            paths = [path for path, _, _ in receiver.calls]
            return paths.count("/ok") == 2 and paths.count("/flaky") == 3 and "/gone" in paths

        await _run_until(notifier, settings, settled)
        await notifier.aclose()
        ok_calls = [(h, b) for p, h, b in receiver.calls if p == "/ok"]
        # matches are keyed by alert and article, so they spread over partitions: no order between them
        assert sorted(h[DELIVERY_HEADER] for h, _ in ok_calls) == [f"{ok.id}:{1:064x}", f"{ok.id}:{5:064x}"]
        for headers, body in ok_calls:
            assert verify("topsecret", body, headers[SIGNATURE_HEADER])
            payload = json.loads(body)
            assert payload["alert_name"] == "ok"
            assert payload["persons"] == ["Ada Lovelace"]
            assert "schema_version" not in payload
        flaky_headers, flaky_body = next((h, b) for p, h, b in reversed(receiver.calls) if p == "/flaky")
        assert verify("k2", flaky_body, flaky_headers[SIGNATURE_HEADER])
        assert SIGNATURE_HEADER not in next(h for p, h, _ in receiver.calls if p == "/gone")
        (letter,) = await _letters(settings, 1)
        assert letter.stage.value == "alert"
        assert "410" in letter.error_message
        assert letter.article_id == f"{2:064x}"
        assert notifier.delivered == 3

        # everything was committed: a new notifier of the same group delivers nothing again
        calls = len(receiver.calls)
        again = Notifier(settings, store, send_letter)
        await _run_until(again, settings, lambda: True)
        await again.aclose()
        assert len(receiver.calls) == calls
    finally:
        await dlq.stop()
        await store.stop()
        await receiver.stop()
