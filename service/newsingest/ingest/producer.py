"""Producing parsed articles to ``news.raw``: idempotent, acks=all, and a send is done only when acked."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from aiokafka import AIOKafkaProducer

from newsingest.config import Settings
from newsingest.kafka.headers import message_headers
from newsingest.metrics import ARTICLES_PRODUCED
from newsingest.models import RawArticle


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
