"""A string map every process sees, kept in a compacted Kafka topic (a small, explicit "global table").

The enrich workers keep their same-story state in it. Why not a Faust ``GlobalTable``: after an unclean
exit (``kill -9``) a restarted worker sometimes stalled for good in Faust's table recovery and never
consumed again (faust-streaming #283, #212 and others). This map has no rebalance-dependent recovery:

- **start**: read the topic from its beginning up to the end offsets taken at start (every partition, no
  consumer group), applying each record (a tombstone deletes); progress is logged on long recoveries;
- **writes** (``m[k] = v``, ``del m[k]``) change the local copy at once (a dict, or a map that keeps its bulky
  keys on disk) and mark the key dirty;
  :meth:`flush` sends the current value of every dirty key (coalesced: a key written ten times between two
  flushes is sent once) and returns when the broker acknowledged them; the caller flushes before it
  acknowledges the input that caused the writes, so a restart never sees less state than was acted upon;
- **other writers**: a background task tails the topic and applies records that other instances wrote
  (records carry a ``writer`` header; an instance never re-applies its own, older values).

Records: key = map key (UTF-8), value = map value (UTF-8) or ``None`` (tombstone).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import Iterator, MutableMapping

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.errors import KafkaError

from newsingest.backoff import backoff_delay
from newsingest.log import get_logger

log = get_logger(__name__)

WRITER_HEADER = "writer"
RETRY_MAX_S = 30.0
PROGRESS_EVERY_S = 5.0


class ReplicatedMap(MutableMapping[str, str]):
    """``MutableMapping[str, str]`` backed by a compacted topic; see the module docstring."""

    def __init__(
        self,
        bootstrap_servers: str,
        topic: str,
        *,
        client_id: str,
        compression: str | None = "zstd",
        linger_ms: int = 5,
        coalesce_s: float = 0.01,
        local: MutableMapping[str, str] | None = None,
    ) -> None:
        """``local``: where the local copy is kept (a dict unless given; a large map passes a
        :class:`~newsingest.streaming.spilling_map.SpillingMap` so its bulk is not on the heap)."""
        self.topic = topic
        self.writer_id = uuid.uuid4().hex
        self._data: MutableMapping[str, str] = {} if local is None else local
        self._dirty: set[str] = set()
        self._bootstrap = bootstrap_servers
        self._client_id = client_id
        self._compression = compression
        self._linger_ms = linger_ms
        self._producer: AIOKafkaProducer | None = None
        self._consumer: AIOKafkaConsumer | None = None
        self._tail: asyncio.Task[None] | None = None
        self._start_lock = asyncio.Lock()
        self._last_flush: asyncio.Future[None] | None = None
        self._gathering: asyncio.Future[None] | None = None
        self._coalesce_s = coalesce_s
        self.started = False
        self.recovered_records = 0

    # --- MutableMapping ---------------------------------------------------------------------------------
    @property
    def tail_task(self) -> asyncio.Task[None] | None:
        """The task following other workers' writes (None until ``start()``); a supervisor watches it."""
        return self._tail

    def __getitem__(self, key: str) -> str:
        return self._data[key]

    def get(self, key: str, default: str | None = None) -> str | None:  # type: ignore[override]
        return self._data.get(key, default)  # one lookup in the local copy (no KeyError round trip)

    def __setitem__(self, key: str, value: str) -> None:
        self._data[key] = value
        self._dirty.add(key)

    def __delitem__(self, key: str) -> None:
        del self._data[key]
        self._dirty.add(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    # --- lifecycle --------------------------------------------------------------------------------------
    async def start(self) -> None:
        """Recover the map from the topic (idempotent; concurrent callers wait for the one recovery)."""
        async with self._start_lock:
            if self.started:
                return
            self._producer = AIOKafkaProducer(
                bootstrap_servers=self._bootstrap,
                client_id=f"{self._client_id}.writer",
                enable_idempotence=True,
                acks="all",
                compression_type=self._compression,
                linger_ms=self._linger_ms,
            )
            self._consumer = AIOKafkaConsumer(
                bootstrap_servers=self._bootstrap,
                client_id=f"{self._client_id}.reader",
                group_id=None,
                enable_auto_commit=False,
                auto_offset_reset="earliest",
            )
            try:
                await self._producer.start()
                await self._consumer.start()
                partitions = await self._partitions()
                self._consumer.assign(partitions)
                await self._consumer.seek_to_beginning(*partitions)
                await self._recover(partitions)
            except BaseException:
                await self._consumer.stop()
                await self._producer.stop()
                raise
            self._tail = asyncio.create_task(self._follow(), name=f"replicated-map-tail:{self.topic}")
            self.started = True

    async def stop(self) -> None:
        """Flush what is dirty (if the broker takes it), stop following and close the clients."""
        if not self.started:
            return
        self.started = False
        try:
            await asyncio.wait_for(self.flush(), timeout=30)
        except (TimeoutError, KafkaError) as exc:
            log.warning("state not flushed at stop", topic=self.topic, dirty=len(self._dirty), error=repr(exc))
        if self._tail is not None:
            self._tail.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._tail
        if self._consumer is not None:
            await self._consumer.stop()
        if self._producer is not None:
            await self._producer.stop()

    # --- writes -----------------------------------------------------------------------------------------
    async def flush(self) -> None:
        """Return when every write made before this call is acknowledged by the broker.

        Flushes that arrive within ``coalesce_s`` of each other share one batch (a key written by several
        articles in that time is sent once). Batches are chained: one also waits for the batches before it,
        because a key written earlier may travel in an earlier batch. While the broker is unavailable a
        batch is retried with backoff, sending each key's value as it is at the time of the retry."""
        if self._gathering is None:
            self._gathering = asyncio.ensure_future(self._deliver(self._last_flush))
            self._last_flush = self._gathering
        await asyncio.shield(self._gathering)

    async def _deliver(self, previous: asyncio.Future[None] | None) -> None:
        if self._coalesce_s > 0:
            await asyncio.sleep(self._coalesce_s)
        self._gathering = None  # later writes go into the next batch
        keys, self._dirty = self._dirty, set()
        attempt = 0
        while keys:
            try:
                await self._send(keys)
                break
            except KafkaError as exc:
                attempt += 1
                delay = backoff_delay(attempt, cap_s=RETRY_MAX_S)
                log.warning("state write failed; retrying", topic=self.topic, keys=len(keys), attempt=attempt,
                            retry_in_s=delay, error=repr(exc))
                await asyncio.sleep(delay)
        if previous is not None:
            await previous

    async def _send(self, keys: set[str]) -> None:
        if self._producer is None:
            raise RuntimeError("ReplicatedMap.flush() before start()")
        headers = [(WRITER_HEADER, self.writer_id.encode())]
        deliveries = []
        for key in keys:
            value = self._data.get(key)
            deliveries.append(
                await self._producer.send(
                    self.topic, key=key.encode(), value=None if value is None else value.encode(), headers=headers
                )
            )
        await asyncio.gather(*deliveries)

    # --- reads ------------------------------------------------------------------------------------------
    async def _partitions(self) -> list[TopicPartition]:
        assert self._producer is not None
        try:  # the producer's metadata lookup waits for the topic (up to its request timeout)
            numbers = await self._producer.partitions_for(self.topic)
        except KafkaError as exc:
            raise RuntimeError(f"topic {self.topic!r} not found (it is created at start-up with the others)") from exc
        return [TopicPartition(self.topic, number) for number in sorted(numbers)]

    async def _recover(self, partitions: list[TopicPartition]) -> None:
        assert self._consumer is not None
        ends = await self._consumer.end_offsets(partitions)
        total = sum(ends.values())
        started = last_report = time.monotonic()
        remaining = {tp for tp in partitions if ends[tp] > 0}
        while remaining:
            batches = await self._consumer.getmany(*remaining, timeout_ms=1000, max_records=5000)
            for records in batches.values():
                for record in records:
                    self._apply(record)
            for tp in list(remaining):
                if await self._consumer.position(tp) >= ends[tp]:
                    remaining.discard(tp)
            if time.monotonic() - last_report >= PROGRESS_EVERY_S:
                last_report = time.monotonic()
                log.info("recovering state", topic=self.topic, records=self.recovered_records, up_to_offset=total)
        log.info("state recovered", topic=self.topic, records=self.recovered_records, keys=len(self._data),
                 seconds=round(time.monotonic() - started, 2))

    async def _follow(self) -> None:
        assert self._consumer is not None
        while True:
            try:
                batches = await self._consumer.getmany(timeout_ms=1000, max_records=5000)
            except asyncio.CancelledError:
                raise
            except KafkaError as exc:
                log.warning("state tail failed; retrying", topic=self.topic, error=repr(exc))
                await asyncio.sleep(1.0)
                continue
            for records in batches.values():
                for record in records:
                    if _writer(record) != self.writer_id:
                        self._apply(record)

    def _apply(self, record: ConsumerRecord[bytes, bytes]) -> None:
        self.recovered_records += 1
        if record.key is None:
            return
        key = record.key.decode("utf-8", "replace")
        if key in self._dirty:  # a local write not yet flushed is newer than anything on the topic
            return
        if record.value is None:
            self._data.pop(key, None)
        else:
            self._data[key] = record.value.decode("utf-8", "replace")


def _writer(record: ConsumerRecord[bytes, bytes]) -> str | None:
    for name, value in record.headers or ():
        if name == WRITER_HEADER:
            return value.decode("ascii", "replace")
    return None
