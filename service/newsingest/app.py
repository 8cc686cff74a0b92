"""The Faust app: wiring only. Business logic lives in ``ingest/``, ``enrich/`` and ``index/``.

Agents and services:
- agent ``enrich`` (``news.raw`` -> ``news.enriched``): concurrency 1 per partition, manual acks
  (``stream.noack()``): an event is acked only after its enriched message or its dead letter was delivered,
  so Faust never commits past an event still in flight (see faust-streaming #312/#606, #315).
- service ``indexer`` (``news.enriched`` -> Elasticsearch): a plain aiokafka consumer with manual commits.
- service ``watcher`` (inbox -> ``news.raw``), in ``newsingest run`` and ``newsingest watch``.
- web server on ``web_host:web_port`` with ``/metrics`` (Prometheus) and ``/health``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

import faust
from mode import Service
from pydantic import ValidationError

from newsingest.config import Settings
from newsingest.enrich.pipeline import Enricher
from newsingest.kafka.dlq import dead_letter
from newsingest.kafka.headers import message_headers
from newsingest.log import get_logger
from newsingest.metrics import ARTICLES_ENRICHED, ENRICH_SECONDS, render
from newsingest.models import DeadLetter, EnrichedArticle, RawArticle, Stage
from newsingest.shutdown import arm_shutdown_deadline
from newsingest.streaming.ordered import InOrderCompleter
from newsingest.streaming.replicated_map import ReplicatedMap

log = get_logger(__name__)

SEND_RETRY_MAX_S = 30.0


def create_app(
    settings: Settings, *, enrich: bool = True, index: bool = True, watch: bool = False, web: bool = True
) -> faust.App:
    app = faust.App(
        f"{settings.app_id}.enrich",
        broker=";".join(f"kafka://{server}" for server in settings.kafka_servers.split(",")),
        store="memory://",
        datadir=str(settings.data_dir),
        autodiscover=False,
        key_serializer="raw",
        value_serializer="raw",
        topic_partitions=settings.topic_partitions,
        topic_replication_factor=settings.topic_replication_factor,
        topic_disable_leader=True,
        consumer_auto_offset_reset="earliest",
        producer_acks=-1,
        producer_compression_type=None if settings.producer_compression == "none" else settings.producer_compression,
        producer_linger_ms=settings.producer_linger_ms,
        stream_ack_exceptions=False,
        stream_ack_cancelled_tasks=False,
        stream_wait_empty=True,
        broker_commit_interval=1.0,
        web_enabled=web,
        web_host=settings.web_host,
        web_port=settings.web_port,
    )
    if enrich:
        _add_enrich_agent(app, settings)
    if index:
        app.service(_service_class("IndexerService", _run_indexer, settings))
    if watch:
        app.service(_service_class("WatcherService", _run_watcher, settings))
    if web:
        from faust.contrib.asgi import serve_asgi

        serve_asgi(app, MetricsApp(), host=settings.web_host, port=settings.web_port, log_level="warning",
                   interface="asgi3", lifespan="off")
    return app


# --- enrich agent -----------------------------------------------------------------------------------
#: How many attempts an article gets when enrichment fails for a reason other than an outage.
ENRICH_ATTEMPTS = 3
OUTAGE_RETRY_MAX_S = 30.0


def is_outage(exc: BaseException) -> bool:
    """True when a failure is a dependency being unreachable (retry, never dead-letter), not the article."""
    import aiohttp

    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ConnectionError | aiohttp.ClientConnectionError | OSError) and not isinstance(
            seen, TimeoutError
        ):
            return True
        seen = seen.__cause__
    return False


def _add_enrich_agent(app: faust.App, settings: Settings) -> None:
    from newsingest.enrich.ner.factory import build_engine

    raw_topic = app.topic(settings.topic_raw, key_type=bytes, value_type=bytes)
    enriched_topic = app.topic(settings.topic_enriched, key_type=bytes, value_type=bytes)
    dlq_topic = app.topic(settings.topic_dlq, key_type=bytes, value_type=bytes)
    # Same-story state: a map every worker sees, kept in a compacted topic and recovered from it at start
    # (streaming/replicated_map.py; not a Faust GlobalTable, whose recovery can stall after kill -9).
    stories = ReplicatedMap(
        settings.kafka_servers,
        settings.topic_stories,
        client_id=f"{settings.app_id}.stories",
        compression=None if settings.producer_compression == "none" else settings.producer_compression,
    )
    enricher = Enricher(settings, engine=build_engine(settings), story_store=stories)
    in_flight = settings.enrich_max_in_flight

    async def deliver(topic: faust.TopicT, key: bytes, value: bytes, schema: str) -> None:
        """Send and wait for the broker's ack, retrying while Kafka is unavailable."""
        await _retrying(
            lambda: _send_and_wait(topic, key, value, schema), what=f"send to {topic.get_topic_name()}"
        )

    async def dead(letter: DeadLetter) -> None:
        log.warning("dead-lettered", stage=letter.stage.value, article_id=letter.article_id,
                    error=f"{letter.error_type}: {letter.error_message[:200]}")
        await deliver(dlq_topic, (letter.article_id or letter.key or "").encode(), letter.model_dump_json().encode(),
                      "dead-letter")

    async def enrich_with_retries(raw: RawArticle) -> EnrichedArticle | BaseException:
        """The enriched article, or the error that makes it a poison message. Outages are waited out."""
        attempt = 0
        while True:
            try:
                with ENRICH_SECONDS.time():
                    return await asyncio.wait_for(enricher.enrich(raw), timeout=settings.enrich_timeout_s)
            except asyncio.CancelledError:
                raise
            except TimeoutError:
                return TimeoutError(f"enrichment exceeded {settings.enrich_timeout_s}s")
            except Exception as exc:
                attempt += 1
                outage = is_outage(exc)
                if not outage and attempt >= ENRICH_ATTEMPTS:
                    return exc
                delay = min(OUTAGE_RETRY_MAX_S, 0.5 * 2**attempt)
                log.warning("enrichment failed; retrying", article_id=raw.article_id, attempt=attempt,
                            outage=outage, retry_in_s=delay, error=f"{type(exc).__name__}: {exc}")
                await asyncio.sleep(delay)

    async def process(event: faust.EventT) -> None:
        """Enrich one event and deliver its result (or its dead letter); the caller acks it afterwards."""
        message = event.message
        origin: dict[str, Any] = {"payload": message.value, "key": message.key, "topic": message.topic,
                                  "partition": message.partition, "offset": message.offset}
        try:
            raw = RawArticle.model_validate_json(message.value or b"")
        except ValidationError as exc:
            await dead(dead_letter(stage=Stage.DECODE, error=exc, **origin))
            return
        result = await enrich_with_retries(raw)
        if isinstance(result, BaseException):
            await dead(dead_letter(stage=Stage.ENRICH, error=result, article_id=raw.article_id, **origin))
            return
        # the story state this article changed is durable before the article can be acked
        await asyncio.gather(
            deliver(enriched_topic, raw.article_id.encode(), result.model_dump_json().encode(), "enriched-article"),
            stories.flush(),
        )
        ARTICLES_ENRICHED.inc()
        log.debug("article enriched", article_id=raw.article_id, language=result.language,
                  story_id=result.story_id)

    @app.agent(raw_topic, name="enrich", concurrency=1)
    async def enrich_agent(stream: faust.StreamT[Any]) -> None:
        # Up to `in_flight` events are enriched concurrently (NER is I/O bound), but they are acked strictly
        # in arrival order, each only after its result (or dead letter) was delivered and every earlier event
        # was acked: Faust can never commit an offset whose article, or an earlier one, is still in flight.
        await enricher.warm_up()  # models and gazetteer loaded before the first article, not during it
        await stories.start()
        async with InOrderCompleter[faust.EventT](in_flight, on_done=lambda event: event.ack()) as completer:
            async for event in stream.noack().events():
                await completer.submit(event, process(event))

    @app.on_before_shutdown.connect  # type: ignore[misc]
    async def _close_enricher(app: faust.App, **_: Any) -> None:
        await enricher.aclose()
        await stories.stop()


async def _send_and_wait(topic: faust.TopicT, key: bytes, value: bytes, schema: str) -> None:
    pending = await topic.send(key=key, value=value, headers=message_headers(schema), force=True)
    await pending


async def _retrying(action: Callable[[], Awaitable[object]], *, what: str, stop: asyncio.Event | None = None) -> bool:
    """Run ``action`` until it succeeds (True) or ``stop`` is set (False), backing off between attempts."""
    attempt = 0
    while stop is None or not stop.is_set():
        try:
            await action()
            return True
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            attempt += 1
            delay = min(SEND_RETRY_MAX_S, 0.5 * 2**attempt)
            log.warning("failed; retrying", what=what, attempt=attempt, retry_in_s=delay,
                        error=f"{type(exc).__name__}: {exc}")
            if stop is None:
                await asyncio.sleep(delay)
            else:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=delay)
    return False


# --- services: indexer and watcher -------------------------------------------------------------------
Runner = Callable[[Settings, asyncio.Event], Awaitable[None]]


class _LoopService(Service):
    """Runs one long-lived coroutine; on stop it sets the stop event and lets the loop finish its batch."""

    settings: Settings
    runner: Runner

    async def on_start(self) -> None:
        self._stop_event = asyncio.Event()
        self._task = asyncio.ensure_future(self._run())

    async def _run(self) -> None:
        try:
            await type(self).runner(self.settings, self._stop_event)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("service crashed; stopping the worker", service=type(self).__name__)
            asyncio.get_running_loop().call_soon(_crash)

    async def on_stop(self) -> None:
        self._stop_event.set()
        try:
            await asyncio.wait_for(asyncio.shield(self._task), timeout=40)
        except TimeoutError:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task


def _crash() -> None:
    raise SystemExit(1)


def _service_class(name: str, runner: Runner, settings: Settings) -> type[Service]:
    return type(name, (_LoopService,), {"settings": settings, "runner": staticmethod(runner)})


async def _run_indexer(settings: Settings, stop: asyncio.Event) -> None:
    from newsingest.index.client import async_client
    from newsingest.index.indexer import Indexer
    from newsingest.index.setup import ensure_index
    from newsingest.ingest.producer import raw_producer

    es = async_client(settings)
    dlq_producer = raw_producer(settings)
    await dlq_producer.start()
    try:
        if await _retrying(lambda: ensure_index(es, settings), what="create index template and aliases", stop=stop):
            await Indexer(settings, es, dlq_producer, stop).run()
    finally:
        await dlq_producer.stop()
        await es.close()


async def _run_watcher(settings: Settings, stop: asyncio.Event) -> None:
    from newsingest.ingest.producer import ArticleProducer
    from newsingest.ingest.watcher import FolderWatcher

    producer = ArticleProducer(settings)
    await producer.start()
    try:
        await FolderWatcher(settings, producer).run(stop)
    finally:
        await producer.stop()


# --- without Faust: the indexer and/or the watcher alone -------------------------------------------------
def run_without_faust(settings: Settings, *, index: bool, watch: bool, web: bool = True) -> None:
    """Run the indexer and/or the watcher (no enrich agent, so no Faust consumer) until SIGINT/SIGTERM."""
    import signal

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        def on_signal() -> None:
            if not stop.is_set():
                arm_shutdown_deadline(settings.shutdown_timeout_s, process="indexer/watcher")
            stop.set()

        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, on_signal)
        runners = [r for r, wanted in ((_run_indexer, index), (_run_watcher, watch)) if wanted]
        tasks = [asyncio.create_task(runner(settings, stop)) for runner in runners]
        server = _metrics_server(settings) if web else None
        web_task = asyncio.create_task(server.serve()) if server else None
        stopper = asyncio.create_task(stop.wait())
        await asyncio.wait([*tasks, stopper], return_when=asyncio.FIRST_COMPLETED)
        stop.set()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        if server and web_task:
            server.should_exit = True
            await web_task
        for result in results:
            if isinstance(result, BaseException):
                raise result

    asyncio.run(main())


def _metrics_server(settings: Settings) -> Any:
    import uvicorn
    from faust.contrib.asgi import _disable_signal_handling

    config = uvicorn.Config(MetricsApp(), host=settings.web_host, port=settings.web_port, log_level="warning",
                            lifespan="off", interface="asgi3")
    server = uvicorn.Server(config)
    _disable_signal_handling(server)
    return server


# --- web: /metrics and /health ------------------------------------------------------------------------
class MetricsApp:
    """A minimal ASGI app: ``/metrics`` in the Prometheus text format and ``/health``."""

    async def __call__(self, scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        if scope["type"] != "http":
            return
        if scope["path"] == "/metrics":
            status, body, ctype = 200, render(), b"text/plain; version=0.0.4; charset=utf-8"
        elif scope["path"] == "/health":
            status, body, ctype = 200, b'{"status":"ok"}', b"application/json"
        else:
            status, body, ctype = 404, b"not found", b"text/plain"
        await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", ctype)]})
        await send({"type": "http.response.body", "body": body})
