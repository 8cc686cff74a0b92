"""The Faust app: wiring only. Business logic lives in ``ingest/``, ``enrich/`` and ``index/``.

Agents and services:
- agent ``enrich`` (``news.raw`` -> ``news.enriched``): concurrency 1 per partition, manual acks
  (``stream.noack()``): an event is acked only after its enriched message or its dead letter was delivered,
  so Faust never commits past an event still in flight (see faust-streaming #312/#606, #315).
- service ``indexer`` (``news.enriched`` -> Elasticsearch): a plain aiokafka consumer with manual commits.
- service ``watcher`` (inbox -> ``news.raw``), in ``newsingest run`` and ``newsingest watch``.
- web server on ``web_host:web_port`` with ``/metrics`` (Prometheus) and ``/health``.

Every part runs under the process's :class:`~newsingest.runtime.supervisor.Supervisor` (crash-only: a part that
dies ends the process with exit code 70); the parts other than the agent live in ``runtime/parts.py``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import faust
from pydantic import ValidationError

from newsingest.config import Settings
from newsingest.enrich.pipeline import Enricher
from newsingest.kafka.dlq import dead_letter
from newsingest.kafka.headers import message_headers
from newsingest.log import get_logger
from newsingest.metrics import ARTICLES_ENRICHED, ENRICH_SECONDS
from newsingest.models import DeadLetter, EnrichedArticle, RawArticle, Stage
from newsingest.runtime.faults import parse_faults
from newsingest.runtime.parts import loop_service, run_indexer, run_watcher, web_service
from newsingest.runtime.retry import retrying
from newsingest.runtime.supervisor import Supervisor
from newsingest.runtime.tail import inject_into_tail, tail_task
from newsingest.streaming.ordered import InOrderCompleter
from newsingest.streaming.replicated_map import ReplicatedMap

log = get_logger(__name__)


def create_app(
    settings: Settings,
    supervisor: Supervisor,
    *,
    enrich: bool = True,
    index: bool = True,
    watch: bool = False,
    web: bool = True,
    refresh: Callable[[], None] | None = None,
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
        web_enabled=False,  # our own web part serves /health and /metrics (runtime/parts.py)
        web_host=settings.web_host,
        web_port=settings.web_port,
    )
    if enrich:
        _add_enrich_agent(app, settings, supervisor)
    if index:
        supervisor.register("indexer")
        app.service(loop_service("indexer", run_indexer, settings, supervisor))
    if watch:
        supervisor.register("watcher")
        app.service(loop_service("watcher", run_watcher, settings, supervisor))
    if web:
        supervisor.register("web")
        app.service(web_service(settings, supervisor, refresh))
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


def _add_enrich_agent(app: faust.App, settings: Settings, supervisor: Supervisor) -> None:
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
    # the entity registry (enrich/registry.py): canonical names and aliases every worker shares, same mechanism
    entities = ReplicatedMap(
        settings.kafka_servers,
        settings.topic_entities,
        client_id=f"{settings.app_id}.entities",
        compression=None if settings.producer_compression == "none" else settings.producer_compression,
    )
    enricher = Enricher(settings, engine=build_engine(settings), story_store=stories, entity_store=entities)
    in_flight = settings.enrich_max_in_flight
    fault = parse_faults(settings.test_fault)
    enrich_fault, tail_fault = fault.get("enrich"), fault.get("stories-tail")
    supervisor.register("enrich")
    supervisor.register("stories-tail")

    async def deliver(topic: faust.TopicT, key: bytes, value: bytes, schema: str) -> None:
        """Send and wait for the broker's ack, retrying while Kafka is unavailable."""
        await retrying(
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
        if enrich_fault is not None:
            enrich_fault.tick()

    async def supervised(event: faust.EventT) -> None:
        """``process`` reports its own crash at once (the completer would only raise it at the next event)."""
        try:
            await process(event)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            supervisor.fail("enrich", exc)
            raise

    @app.agent(raw_topic, name="enrich", concurrency=1)
    async def enrich_agent(stream: faust.StreamT[Any]) -> None:
        # Up to `in_flight` events are enriched concurrently (NER is I/O bound), but they are acked strictly
        # in arrival order, each only after its result (or dead letter) was delivered and every earlier event
        # was acked: Faust can never commit an offset whose article, or an earlier one, is still in flight.
        # A crash of the agent (or of the story-state tail) ends the process: Faust would log it, restart the
        # actor and keep a worker that looks alive (runtime/supervisor.py).
        await supervisor.run("enrich", consume(stream))

    async def consume(stream: faust.StreamT[Any]) -> None:
        await enricher.warm_up()  # models and gazetteer loaded before the first article, not during it
        await stories.start()
        await entities.start()
        supervisor.watch("stories-tail", tail_task(stories))
        if tail_fault is not None:
            inject_into_tail(stories, tail_fault)
        supervisor.running("enrich")
        async with InOrderCompleter[faust.EventT](in_flight, on_done=lambda event: event.ack()) as completer:
            async for event in stream.noack().events():
                await completer.submit(event, supervised(event))

    @app.on_before_shutdown.connect  # type: ignore[misc]
    async def _close_enricher(app: faust.App, **_: Any) -> None:
        supervisor.begin_stop()
        await enricher.aclose()
        await stories.stop()
        await entities.stop()


async def _send_and_wait(topic: faust.TopicT, key: bytes, value: bytes, schema: str) -> None:
    pending = await topic.send(key=key, value=value, headers=message_headers(schema), force=True)
    await pending
