"""Producing parsed articles to ``news.raw``: idempotent, acks=all, and a send is done only when acked.

``send_articles`` sends a whole (small) file and waits for every ack. ``enqueue`` is for streamed files: it
hands one message to the client's batches (waiting only while its buffer is full) and returns the future
of its acknowledgement, so many sends stay in flight and the caller acknowledges them in order.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from aiokafka import AIOKafkaProducer

from newsingest.config import Settings
from newsingest.cputime import timed_coroutine
from newsingest.kafka.dlq import count_delivered, letter_key
from newsingest.kafka.headers import Headers, message_headers
from newsingest.kafka.producers import role_producer
from newsingest.metrics import ARTICLES_PRODUCED
from newsingest.models import DeadLetter, RawArticle


def raw_producer(settings: Settings) -> AIOKafkaProducer:
    """The watcher's producer (``<app_id>.watcher``)."""
    return role_producer(settings, "watcher")


class ArticleProducer:
    """Sends a file's articles to Kafka and returns only when the broker acknowledged every one."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._producer = raw_producer(settings)

    async def start(self) -> None:
        await self._producer.start()

    async def stop(self) -> None:
        await self._producer.stop()

    async def send_articles(self, articles: Sequence[RawArticle]) -> None:
        """Send every article of a file (without waiting for each), then wait until Kafka acknowledged them all."""
        deliveries = await timed_coroutine(self._send_all(articles), "produce")
        await asyncio.gather(*deliveries)
        ARTICLES_PRODUCED.inc(len(articles))

    async def _send_all(self, articles: Sequence[RawArticle]) -> list[asyncio.Future[Any]]:
        send, topic = self._producer.send, self.settings.topic_raw
        return [
            await send(topic, key=article.article_id.encode(), value=article.__pydantic_serializer__.to_json(article),
                       headers=_RAW_HEADERS)
            for article in articles
        ]

    async def enqueue(self, topic: str, key: bytes, value: bytes, headers: Headers) -> asyncio.Future[Any]:
        """Queue one message; the returned future resolves when Kafka acknowledged it (or fails)."""
        future: asyncio.Future[Any] = await self._producer.send(topic, key=key, value=value, headers=headers)
        return future

    async def enqueue_article(self, key: bytes, value: bytes) -> asyncio.Future[Any]:
        return await self.enqueue(self.settings.topic_raw, key, value, _RAW_HEADERS)

    async def enqueue_dead_letter(self, letter: DeadLetter) -> asyncio.Future[Any]:
        """Queue a dead letter; it is counted once Kafka acknowledged it."""
        future = await self.enqueue(self.settings.topic_dlq, letter_key(letter), letter.model_dump_json().encode(),
                                    _DLQ_HEADERS)
        future.add_done_callback(lambda done: None if done.cancelled() or done.exception() else count_delivered(letter))
        return future


_RAW_HEADERS = message_headers("raw-article")
_DLQ_HEADERS = message_headers("dead-letter")
