"""Creating the pipeline's topics with the partitions and retention from settings."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from newsingest.config import Settings
from newsingest.log import get_logger

log = get_logger(__name__)


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    replication_factor: int
    config: dict[str, str]


def topic_specs(settings: Settings) -> list[TopicSpec]:
    p, rf = settings.topic_partitions, settings.topic_replication_factor
    return [
        TopicSpec(settings.topic_raw, p, rf, {"retention.ms": str(settings.raw_retention_ms)}),
        TopicSpec(
            settings.topic_enriched,
            p,
            rf,
            # compacted by article_id: the latest enrichment of every article is kept, so the index can
            # always be rebuilt by replaying the topic (newsingest reindex)
            {"cleanup.policy": "compact", "retention.ms": str(settings.enriched_retention_ms)},
        ),
        TopicSpec(settings.topic_dlq, 1, rf, {"retention.ms": str(settings.dlq_retention_ms)}),
        # the enrich workers' same-story state (newsingest.streaming.replicated_map): compacted by state key,
        # expired entries are deleted with tombstones; one partition keeps every worker's writes in one order
        TopicSpec(
            settings.topic_stories,
            1,
            rf,
            {"cleanup.policy": "compact", "retention.ms": "-1", "min.compaction.lag.ms": "60000",
             "delete.retention.ms": "3600000", "segment.ms": "3600000"},
        ),
        # the entity registry (newsingest.enrich.registry): compacted by entity/alias key, evicted entries are
        # deleted with tombstones; one partition, like the story state
        TopicSpec(
            settings.topic_entities,
            1,
            rf,
            {"cleanup.policy": "compact", "retention.ms": "-1", "min.compaction.lag.ms": "60000",
             "delete.retention.ms": "3600000", "segment.ms": "3600000"},
        ),
    ]


async def ensure_topics(settings: Settings) -> list[str]:
    """Create missing topics; returns the names created. Existing topics are left as they are."""
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_servers, request_timeout_ms=15000)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [s for s in topic_specs(settings) if s.name not in existing]
        if not missing:
            return []
        new_topics = [NewTopic(s.name, s.partitions, s.replication_factor, topic_configs=s.config) for s in missing]
        with contextlib.suppress(TopicAlreadyExistsError):  # created concurrently by another process
            await admin.create_topics(new_topics)
        for spec in missing:
            log.info("topic created", topic=spec.name, partitions=spec.partitions, config=spec.config)
        return [s.name for s in missing]
    finally:
        await admin.close()
