"""The Faust enrich agent (``news.raw`` -> ``news.enriched``), batch by batch.

The agent takes up to ``enrich_batch_max`` events (``stream.noack().noack_take``: Faust acks nothing by itself,
faust-streaming #312/#315/#606), decodes them, enriches the batch (``Enricher.enrich_batch``: language for the
batch, NER requests concurrently, places and stories in arrival order), then sends every enriched article and
every dead letter of the batch with the enrich role's own producer and flushes the story state once, waits for
all of Kafka's acks, and only then acks the batch's events in arrival order. So Faust never commits an offset
whose result (or dead letter), or an earlier one's, is not acknowledged by Kafka; a crash replays the batch.
"""

from __future__ import annotations

import asyncio
from typing import Any

import faust
from aiokafka import AIOKafkaProducer
from pydantic import ValidationError

from newsingest.config import Settings
from newsingest.cputime import add_cpu, install_task_timing, thread_time, timed_coroutine
from newsingest.enrich.pipeline import Enricher
from newsingest.enrich.stories import SPILL_PREFIXES
from newsingest.kafka.dlq import DeadLetterSink, dead_letter
from newsingest.kafka.headers import message_headers
from newsingest.kafka.producers import role_producer
from newsingest.kafka.send import Outgoing, deliver_all
from newsingest.log import get_logger
from newsingest.metrics import ARTICLES_ENRICHED, ENRICH_BATCH_SECONDS, ENRICH_BATCH_SIZE, STATE_KEYS
from newsingest.models import DeadLetter, RawArticle, Stage
from newsingest.runtime.faults import parse_faults
from newsingest.runtime.ner_guard import NerRetries
from newsingest.runtime.supervisor import Supervisor
from newsingest.runtime.tail import inject_into_tail, tail_task
from newsingest.streaming.replicated_map import ReplicatedMap
from newsingest.streaming.spilling_map import SpillingMap

log = get_logger(__name__)

_ENRICHED_HEADERS = message_headers("enriched-article")
STOP_TIMEOUT_S = 20.0


class EnrichAgent:
    def __init__(self, settings: Settings, supervisor: Supervisor) -> None:
        from newsingest.enrich.ner.factory import build_engine

        self.settings, self.supervisor = settings, supervisor
        # Same-story state: a map every worker sees, kept in a compacted topic and recovered from it at start
        # (streaming/replicated_map.py; not a Faust GlobalTable, whose recovery can stall after kill -9).
        # Its article records and centroids (one per article or story of the window) are kept on disk, in a private
        # temporary SQLite file (streaming/spilling_map.py): memory does not grow with the window.
        self.stories = ReplicatedMap(
            settings.kafka_servers, settings.topic_stories, client_id=f"{settings.app_id}.stories",
            compression=settings.compression_type,
            coalesce_s=0,  # one flush per batch: nothing to coalesce
            local=SpillingMap(SPILL_PREFIXES),
        )
        # the entity registry (enrich/registry.py): canonical names and aliases every worker shares, same mechanism
        self.entities = ReplicatedMap(
            settings.kafka_servers, settings.topic_entities, client_id=f"{settings.app_id}.entities",
            compression=settings.compression_type,
            coalesce_s=0,  # one flush per batch: nothing to coalesce
        )
        for state in (self.stories, self.entities):
            STATE_KEYS.labels(state.topic).set_function(state.__len__)
        self.enricher = Enricher(settings, engine=build_engine(settings), story_store=self.stories,
                                 entity_store=self.entities)
        self._producer: AIOKafkaProducer | None = None  # made in the worker's event loop (aiokafka needs one)
        self.guard = NerRetries(settings.enrich_timeout_s)
        faults = parse_faults(settings.test_fault)
        self.fault, self.tail_fault = faults.get("enrich"), faults.get("stories-tail")

    def register(self, app: faust.App) -> None:
        raw_topic = app.topic(self.settings.topic_raw, key_type=bytes, value_type=bytes)
        self.supervisor.register("enrich")
        self.supervisor.register("stories-tail")

        @app.agent(raw_topic, name="enrich", concurrency=1)
        async def enrich_agent(stream: faust.StreamT[Any]) -> None:
            # A crash of the agent (or of the story-state tail) ends the process: Faust would log it, restart the
            # actor and keep a worker that looks alive (runtime/supervisor.py).
            await self.supervisor.run("enrich", self.consume(stream))

        @app.on_before_shutdown.connect  # type: ignore[misc]
        async def _close(app: faust.App, **_: Any) -> None:
            await self.close()

    async def consume(self, stream: faust.StreamT[Any]) -> None:
        install_task_timing(asyncio.get_running_loop())  # the NER client's own tasks count as ner_client CPU
        await self.enricher.warm_up()  # models and gazetteer loaded before the first article, not during it
        self._producer = role_producer(self.settings, "enrich")
        await self._producer.start()
        self.dead_letters = DeadLetterSink(self._producer, self.settings.topic_dlq)
        await self.stories.start()
        await self.entities.start()
        self.supervisor.watch("stories-tail", tail_task(self.stories))
        if self.tail_fault is not None:
            inject_into_tail(self.stories, self.tail_fault)
        self.supervisor.running("enrich")
        batches = stream.noack().noack_take(self.settings.enrich_batch_max, within=self.settings.enrich_batch_wait_s)
        async for events in batches:
            ENRICH_BATCH_SIZE.observe(len(events))
            with ENRICH_BATCH_SECONDS.time():
                await self.handle(events)
            for event in events:  # arrival order; every result of the batch is acknowledged by Kafka
                event.ack()

    async def handle(self, events: list[faust.EventT]) -> None:
        """Enrich a batch and deliver all of its results and dead letters (the caller acks it afterwards)."""
        started = thread_time()
        raws: list[RawArticle] = []
        origins: list[dict[str, Any]] = []
        letters: list[DeadLetter] = []
        for event in events:
            message = event.message
            origin = {"payload": message.value, "key": message.key, "topic": message.topic,
                      "partition": message.partition, "offset": message.offset}
            try:
                raws.append(RawArticle.model_validate_json(message.value or b""))
                origins.append(origin)
            except ValidationError as exc:
                letters.append(dead_letter(stage=Stage.DECODE, error=exc, **origin))
        add_cpu("consume", thread_time() - started)
        assert self._producer is not None, "consume() starts the producer before the first batch"
        results = await self.enricher.enrich_batch(raws, guard=self.guard) if raws else []
        started = thread_time()
        outgoing: list[Outgoing] = []
        for raw, origin, result in zip(raws, origins, results, strict=True):
            if isinstance(result, BaseException):
                letters.append(dead_letter(stage=Stage.ENRICH, error=result, article_id=raw.article_id, **origin))
            else:
                outgoing.append(Outgoing(raw.article_id.encode(), result.__pydantic_serializer__.to_json(result),
                                         _ENRICHED_HEADERS))
        add_cpu("enriched_produce", thread_time() - started)
        # the story state and entity registry these articles changed are durable before any of them can be acked
        topic = self.settings.topic_enriched
        await asyncio.gather(
            timed_coroutine(deliver_all(self._producer, topic, outgoing, what=f"send to {topic}"), "enriched_produce"),
            self.dead_letters.send(letters),
            self.stories.flush(),
            self.entities.flush(),
        )
        ARTICLES_ENRICHED.inc(len(outgoing))
        if self.fault is not None and outgoing:
            self.fault.tick(len(outgoing))

    async def close(self) -> None:
        """Stop the state maps and the producer together, bounded: with the broker down each could wait for its
        request timeout, and nothing unflushed matters (no event was acked before its state and results were)."""
        self.supervisor.begin_stop()
        await self.enricher.aclose()
        closing = [self.stories.stop(), self.entities.stop()]
        if self._producer is not None:
            closing.append(self._producer.stop())
        try:
            await asyncio.wait_for(asyncio.gather(*closing, return_exceptions=True), timeout=STOP_TIMEOUT_S)
        except TimeoutError:
            log.warning("enrich agent's clients not closed in time", timeout_s=STOP_TIMEOUT_S)
