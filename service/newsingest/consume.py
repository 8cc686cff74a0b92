"""Reading ``news.enriched`` as a consumer would: the basis of ``newsingest tail``.

A reader of the public contract: it checks the headers (``schema``, ``schema-version``), ignores fields newer
than its own models, skips what it cannot read instead of stopping, and never commits offsets in a consumer
group of newsingest's own (that would make the indexer or the enrich agent skip messages).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaConsumer
from pydantic import ValidationError

from newsingest.config import Settings
from newsingest.kafka.headers import CONTENT_TYPE
from newsingest.log import get_logger
from newsingest.models import SCHEMA_VERSION, EnrichedArticle, EntityType

log = get_logger(__name__)

SCHEMA_NAME = "enriched-article"


class Unreadable(ValueError):
    """A message this reader cannot (or must not) interpret as an enriched article."""


@dataclass(frozen=True)
class ConsumedArticle:
    """One enriched article with where it came from."""

    article: EnrichedArticle
    value: bytes = field(repr=False)
    """the message value as published, with any fields newer than this reader's models"""
    key: str | None
    partition: int
    offset: int
    headers: dict[str, str]


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


def decode_headers(headers: Sequence[tuple[str, bytes]] | None) -> dict[str, str]:
    return {key: value.decode("utf-8", "replace") for key, value in headers or ()}


def decode(
    value: bytes | None, headers: dict[str, str], *, key: str | None = None, partition: int = -1, offset: int = -1
) -> ConsumedArticle:
    """The article in a message of ``news.enriched``; raises :class:`Unreadable` with the reason otherwise.

    Headers are optional (a message without them is judged by its payload), but when present they must name
    the enriched-article schema, JSON, and a schema version of this reader's major version.
    """
    schema = headers.get("schema")
    if schema is not None and schema != SCHEMA_NAME:
        raise Unreadable(f"schema header is {schema!r}, not {SCHEMA_NAME!r}")
    content_type = headers.get("content-type")
    if content_type is not None and content_type != CONTENT_TYPE:
        raise Unreadable(f"content-type header is {content_type!r}, not {CONTENT_TYPE!r}")
    version = headers.get("schema-version")
    if version is not None and _major(version) != _major(SCHEMA_VERSION):
        raise Unreadable(f"schema version {version} is not readable by this reader ({SCHEMA_VERSION})")
    try:
        article = EnrichedArticle.model_validate_json(value or b"")
    except ValidationError as exc:
        raise Unreadable(f"invalid enriched article: {exc.error_count()} error(s), first: {_first_error(exc)}") from exc
    return ConsumedArticle(
        article=article, value=value or b"", key=key, partition=partition, offset=offset, headers=headers
    )


def _major(version: str) -> str:
    return version.split(".", 1)[0]


def _first_error(exc: ValidationError) -> str:
    error = exc.errors(include_url=False)[0]
    return f"{'.'.join(str(p) for p in error['loc']) or '(value)'}: {error['msg']}"


def check_group(settings: Settings, group: str | None) -> None:
    """Refuse consumer groups that belong to the pipeline: committing there would skip messages for it."""
    if group is None:
        return
    if group in {settings.indexer_group, f"{settings.app_id}.enrich"}:
        raise ValueError(f"consumer group {group!r} belongs to the newsingest pipeline; choose one of your own")


def consumer_options(settings: Settings, *, from_beginning: bool, group: str | None) -> dict[str, Any]:
    """aiokafka options: no group (nothing committed) unless one is given; then commits as it reads."""
    return {
        "bootstrap_servers": settings.kafka_servers,
        "group_id": group,
        "enable_auto_commit": group is not None,
        "auto_offset_reset": "earliest" if from_beginning else "latest",
        "client_id": f"{settings.app_id}.tail",
    }


async def tail_articles(
    settings: Settings,
    *,
    from_beginning: bool = False,
    group: str | None = None,
    limit: int | None = None,
    wanted: ArticleFilter | None = None,
) -> AsyncIterator[ConsumedArticle]:
    """Articles from ``news.enriched`` that match ``wanted``, as they arrive, until ``limit`` were yielded.

    Without ``group`` the reader starts at the end of every partition (or the beginning with
    ``from_beginning``) and commits nothing. With a group of its own it resumes from the group's committed
    offsets; ``from_beginning`` then applies only to partitions the group has never committed.
    """
    if limit is not None and limit <= 0:
        return
    check_group(settings, group)
    consumer = AIOKafkaConsumer(
        settings.topic_enriched, **consumer_options(settings, from_beginning=from_beginning, group=group)
    )
    await consumer.start()
    seen = 0
    try:
        async for record in consumer:
            key = record.key.decode("utf-8", "replace") if record.key is not None else None
            try:
                consumed = decode(
                    record.value,
                    decode_headers(record.headers),
                    key=key,
                    partition=record.partition,
                    offset=record.offset,
                )
            except Unreadable as exc:
                log.warning(
                    "skipping unreadable message",
                    partition=record.partition,
                    offset=record.offset,
                    reason=str(exc)[:300],
                )
                continue
            if wanted is None or wanted.matches(consumed.article):
                yield consumed
                seen += 1
                if limit is not None and seen >= limit:
                    return
    finally:
        await consumer.stop()
