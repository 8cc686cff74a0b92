"""The Faust enrich agent (``news.raw`` -> ``news.enriched``), batch by batch.

The agent takes up to ``enrich_batch_max`` events (``stream.noack().noack_take``: Faust acks nothing by itself,
faust-streaming #312/#315/#606), decodes them, enriches the batch (``Enricher.enrich_batch``: language for the
batch, NER requests concurrently, places and stories in arrival order), then sends every enriched article and
every dead letter of the batch with the enrich role's own producer and flushes the story state once, waits for
all of Kafka's acks, and only then acks the batch's events in arrival order. So Faust never commits an offset
whose result (or dead letter), or an earlier one's, is not acknowledged by Kafka; a crash replays the batch.

Two batches overlap: while batch k's last articles are finished, its results delivered and its events acked (a
task of its own), batch k+1 is taken, decoded, its languages detected and its NER requests started, queued behind
batch k's in one shared budget of ``enrich_max_in_flight`` articles. Batch k+1 is finished only after batch k was
delivered and acked, so stories still see the articles in arrival order and acks stay in order; the NER server
no longer idles between batches (work alone: about 9 % more articles/s, bench/work_overlap.py).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

import faust
from aiokafka import AIOKafkaProducer
from pydantic import ValidationError

from newsingest.config import Settings
from newsingest.cputime import add_cpu, install_task_timing, thread_time, timed_coroutine
from newsingest.enrich.batch import StartedBatch
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
from newsingest.runtime.overlap import run_overlapped
from newsingest.runtime.supervisor import Supervisor
from newsingest.runtime.tail import inject_into_tail, tail_task
from newsingest.streaming.replicated_map import ReplicatedMap
from newsingest.streaming.spilling_map import SpillingMap

log = get_logger(__name__)


@dataclass
class StartedEvents:
    """A batch of events decoded, its languages known and its NER requests running."""

    raws: list[RawArticle]
    origins: list[dict[str, Any]]
    letters: list[DeadLetter]  # events that did not decode
    batch: StartedBatch | None  # None: no event decoded
    started_at: float

    def cancel(self) -> None:
        """Stop the batch's NER requests (it will not be finished: its events stay unacked)."""
        if self.batch is not None:
            self.batch.cancel()


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
        # One NER budget for the batch being finished and the next one: the next batch's requests queue behind the
        # earlier batch's, so the NER server stays busy while the earlier batch's last articles are finished,
        # delivered and acked (bench/work_overlap.py).
        slots = asyncio.Semaphore(self.settings.enrich_max_in_flight)
        await run_overlapped(batches, lambda events: self.start(events, slots), self.finish,
                             lambda exc: self.supervisor.fail("enrich", exc), abandon=StartedEvents.cancel)

    async def start(self, events: list[faust.EventT], slots: asyncio.Semaphore) -> StartedEvents:
        """Decode a batch, detect its languages and start its NER requests (within ``slots``)."""
        started_at = time.monotonic()
        ENRICH_BATCH_SIZE.observe(len(events))
        cpu = thread_time()
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
        add_cpu("consume", thread_time() - cpu)
        batch = await self.enricher.start_batch(raws, guard=self.guard, slots=slots) if raws else None
        return StartedEvents(raws, origins, letters, batch, started_at)

    async def finish(self, events: list[faust.EventT], started: StartedEvents) -> None:
        """Finish a started batch, deliver all of its results and dead letters, then ack its events in arrival
        order (every result of the batch, and of every batch before it, is acknowledged by Kafka by then)."""
        await self.handle(started)
        for event in events:
            event.ack()
        ENRICH_BATCH_SECONDS.observe(time.monotonic() - started.started_at)

    async def handle(self, started: StartedEvents) -> None:
        """Finish a started batch and deliver all of its results and dead letters (the caller acks it afterwards)."""
        assert self._producer is not None, "consume() starts the producer before the first batch"
        letters = list(started.letters)
        results = await self.enricher.finish_batch(started.batch) if started.batch is not None else []
        cpu = thread_time()
        outgoing: list[Outgoing] = []
        for raw, origin, result in zip(started.raws, started.origins, results, strict=True):
            if isinstance(result, BaseException):
                letters.append(dead_letter(stage=Stage.ENRICH, error=result, article_id=raw.article_id, **origin))
            else:
                outgoing.append(Outgoing(raw.article_id.encode(), result.__pydantic_serializer__.to_json(result),
                                         _ENRICHED_HEADERS))
        add_cpu("enriched_produce", thread_time() - cpu)
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
