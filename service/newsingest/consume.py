"""Reading ``news.enriched`` as a consumer would: the basis of ``newsingest tail``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer
from pydantic import ValidationError

from newsingest.config import Settings
from newsingest.log import get_logger
from newsingest.models import EnrichedArticle, EntityType

log = get_logger(__name__)


@dataclass(frozen=True)
class ArticleFilter:
    language: str | None = None
    person: str | None = None

    def matches(self, article: EnrichedArticle) -> bool:
        if self.language and article.language != self.language.lower():
            return False
        if self.person:
            wanted = self.person.casefold()
            persons = (e.name.casefold() for e in article.entities if e.type == EntityType.PERSON)
            if not any(wanted in name for name in persons):
                return False
        return True


async def tail_articles(
    settings: Settings,
    *,
    from_beginning: bool = False,
    group: str | None = None,
    limit: int | None = None,
    wanted: ArticleFilter | None = None,
) -> AsyncIterator[EnrichedArticle]:
    consumer = AIOKafkaConsumer(
        settings.topic_enriched,
        bootstrap_servers=settings.kafka_servers,
        group_id=group,
        enable_auto_commit=group is not None,
        auto_offset_reset="earliest" if from_beginning else "latest",
        client_id=f"{settings.app_id}.tail",
    )
    await consumer.start()
    seen = 0
    try:
        async for record in consumer:
            try:
                article = EnrichedArticle.model_validate_json(record.value or b"")
            except ValidationError as exc:
                log.warning("skipping undecodable message", partition=record.partition, offset=record.offset,
                            error=str(exc)[:200])
                continue
            if wanted is None or wanted.matches(article):
                yield article
                seen += 1
                if limit is not None and seen >= limit:
                    return
    finally:
        await consumer.stop()
