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
from newsingest.kafka.headers import Headers, message_headers
from newsingest.metrics import ARTICLES_PRODUCED
from newsingest.models import DeadLetter, RawArticle


def raw_producer(settings: Settings) -> AIOKafkaProducer:
    compression = None if settings.producer_compression == "none" else settings.producer_compression
    return AIOKafkaProducer(
        bootstrap_servers=settings.kafka_servers,
        client_id=f"{settings.app_id}.watcher",
        enable_idempotence=True,
        acks="all",
        compression_type=compression,
        linger_ms=settings.producer_linger_ms,
        max_request_size=max(settings.max_file_bytes * 2, 1_048_576),
        request_timeout_ms=30000,
    )


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
        headers = message_headers("raw-article")
        deliveries = [
            await self._producer.send(
                self.settings.topic_raw,
                key=article.article_id.encode(),
                value=article.model_dump_json().encode(),
                headers=headers,
            )
            for article in articles
        ]
        await asyncio.gather(*deliveries)
        ARTICLES_PRODUCED.inc(len(articles))

    async def enqueue(self, topic: str, key: bytes, value: bytes, headers: Headers) -> asyncio.Future[Any]:
        """Queue one message; the returned future resolves when Kafka acknowledged it (or fails)."""
        future: asyncio.Future[Any] = await self._producer.send(topic, key=key, value=value, headers=headers)
        return future

    async def enqueue_article(self, key: bytes, value: bytes) -> asyncio.Future[Any]:
        return await self.enqueue(self.settings.topic_raw, key, value, _RAW_HEADERS)

    async def enqueue_dead_letter(self, letter: DeadLetter) -> asyncio.Future[Any]:
        key = (letter.article_id or letter.key or "").encode()
        return await self.enqueue(self.settings.topic_dlq, key, letter.model_dump_json().encode(), _DLQ_HEADERS)


_RAW_HEADERS = message_headers("raw-article")
_DLQ_HEADERS = message_headers("dead-letter")
