"""Shared by the alerts CLI, watchlist and browser tests: AlertMatch messages produced onto the isolated
``news.alerts`` topic by hand (the indexer's matching hook is tested elsewhere)."""

from __future__ import annotations

import asyncio

from aiokafka import AIOKafkaProducer

from newsingest.config import Settings
from newsingest.kafka.topics import ensure_topics
from newsingest.models import AlertMatch, EnrichedArticle, EntityType


def alert_match(rule_id: str, rule_name: str, article: EnrichedArticle) -> AlertMatch:
    return AlertMatch(
        alert_id=rule_id,
        alert_name=rule_name,
        article_id=article.article_id,
        title=article.title,
        url=article.url,
        published_at=article.published_at,
        language=article.language,
        snippet=article.body[:300],
        persons=[e.name for e in article.entities if e.type == EntityType.PERSON],
    )


def produce_matches(settings: Settings, matches: list[AlertMatch]) -> None:
    """Put the matches on news.alerts with the key ``<alert_id>:<article_id>``, acknowledged."""

    async def main() -> None:
        await ensure_topics(settings)
        producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_servers, acks="all")
        await producer.start()
        try:
            for match in matches:
                await producer.send_and_wait(
                    settings.topic_alerts,
                    match.model_dump_json().encode(),
                    key=f"{match.alert_id}:{match.article_id}".encode(),
                )
        finally:
            await producer.stop()

    asyncio.run(main())
