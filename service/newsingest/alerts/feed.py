"""What the API shows of the matches: counts per rule and the newest matches, live, from ``news.alerts``.

Each API process reads ``news.alerts`` from its beginning (no consumer group: every process sees every match)
and keeps, per rule, the number of distinct matches, and the newest ``RECENT`` matches overall; subscribers
(the Server-Sent-Events stream, ``newsingest alerts tail``) get every new match as it arrives. Redeliveries
are recognised by key among the last ``SEEN_KEYS`` keys and not counted twice.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter, OrderedDict, deque

from aiokafka import AIOKafkaConsumer
from pydantic import ValidationError

from newsingest.config import Settings
from newsingest.log import get_logger
from newsingest.models import AlertMatch

log = get_logger(__name__)

RECENT = 500
SEEN_KEYS = 200_000
SUBSCRIBER_QUEUE = 1000


class AlertFeed:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.counts: Counter[str] = Counter()
        self.recent: deque[AlertMatch] = deque(maxlen=RECENT)
        self._seen: OrderedDict[bytes, None] = OrderedDict()
        self._subscribers: set[asyncio.Queue[AlertMatch]] = set()
        self._task: asyncio.Task[None] | None = None
        self._consumer: AIOKafkaConsumer | None = None

    async def start(self) -> None:
        self._consumer = AIOKafkaConsumer(
            self.settings.topic_alerts, bootstrap_servers=self.settings.kafka_servers, group_id=None,
            client_id=f"{self.settings.app_id}.alerts-feed", auto_offset_reset="earliest", enable_auto_commit=False,
        )
        await self._consumer.start()
        self._task = asyncio.create_task(self._follow(), name="alerts-feed")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        if self._consumer is not None:
            with contextlib.suppress(Exception):
                await self._consumer.stop()

    def subscribe(self) -> asyncio.Queue[AlertMatch]:
        queue: asyncio.Queue[AlertMatch] = asyncio.Queue(maxsize=SUBSCRIBER_QUEUE)
        self._subscribers.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[AlertMatch]) -> None:
        self._subscribers.discard(queue)

    def add(self, key: bytes, match: AlertMatch) -> bool:
        """Count a match unless its key was seen recently (a redelivery); False when it was."""
        if key in self._seen:
            return False
        self._seen[key] = None
        if len(self._seen) > SEEN_KEYS:
            self._seen.popitem(last=False)
        self.counts[match.alert_id] += 1
        self.recent.append(match)
        for queue in list(self._subscribers):
            if queue.full():  # a subscriber that does not read loses its oldest match, never blocks the feed
                with contextlib.suppress(asyncio.QueueEmpty):
                    queue.get_nowait()
            queue.put_nowait(match)
        return True

    async def _follow(self) -> None:
        assert self._consumer is not None
        while True:
            batches = await self._consumer.getmany(timeout_ms=500, max_records=1000)
            for records in batches.values():
                for record in records:
                    try:
                        match = AlertMatch.model_validate_json(record.value or b"")
                    except ValidationError:
                        log.warning("alert match skipped: not valid", offset=record.offset)
                        continue
                    self.add(record.key or b"", match)
