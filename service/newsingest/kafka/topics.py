"""Creating the pipeline's topics with the partitions and retention from settings."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
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
        # compacted by article_id too: the latest parsed version of every article is kept (forever by default),
        # so an improved enrichment can reach every old article (newsingest reenrich)
        TopicSpec(settings.topic_raw, p, rf, raw_topic_config(settings)),
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
        # alert matches (key <alert_id>:<article_id>): compacted, so a consumer that starts late still finds
        # every match once; kept like the dead letters
        TopicSpec(settings.topic_alerts, p, rf,
                  {"cleanup.policy": "compact,delete", "retention.ms": str(settings.dlq_retention_ms)}),
        # the alert rules (newsingest.alerts.store): compacted by rule id, kept forever; deleted rules are
        # tombstones; one partition, like the other replicated maps
        TopicSpec(
            settings.topic_alert_rules,
            1,
            rf,
            {"cleanup.policy": "compact", "retention.ms": "-1", "min.compaction.lag.ms": "60000",
             "delete.retention.ms": "3600000", "segment.ms": "3600000"},
        ),
    ]


def raw_topic_config(settings: Settings) -> dict[str, str]:
    """news.raw: compacted by article_id; with a finite ``raw_retention_ms`` also deleted after it."""
    policy = "compact" if settings.raw_retention_ms < 0 else "compact,delete"
    return {"cleanup.policy": policy, "retention.ms": str(settings.raw_retention_ms)}


async def ensure_topics(settings: Settings) -> list[str]:
    """Create missing topics; returns the names created. Existing topics keep their partitions; their
    configuration is brought to the spec (``align_configs``: e.g. news.raw of an older release gets compacted)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_servers, request_timeout_ms=15000)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        await align_configs(admin, [s for s in topic_specs(settings) if s.name in existing])
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


async def topic_config(admin: AIOKafkaAdminClient, topic: str) -> dict[str, tuple[str, bool]] | None:
    """``name -> (value, set on the topic itself)`` of a topic's configuration; None if it does not exist."""
    (response,) = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
    (resource,) = response.to_object()["resources"]
    if resource["error_code"]:
        return None
    return {e["config_names"]: (e["config_value"], e["config_source"] == _DYNAMIC_TOPIC_CONFIG)
            for e in resource["config_entries"]}


async def align_configs(admin: AIOKafkaAdminClient, specs: list[TopicSpec]) -> list[str]:
    """Alter the configuration of existing topics whose values differ from their spec; returns their names.

    Kafka's AlterConfigs replaces all of a topic's own settings, so the ones set on the topic and not in the
    spec (set by an operator) are sent along unchanged.
    """
    altered: list[str] = []
    for spec in specs:
        current = await topic_config(admin, spec.name)
        if current is None or all(current.get(k, ("", False))[0] == v for k, v in spec.config.items()):
            continue
        merged = {k: value for k, (value, own) in current.items() if own} | spec.config
        (response,) = await admin.alter_configs([ConfigResource(ConfigResourceType.TOPIC, spec.name, merged)])
        (resource,) = response.to_object()["resources"]
        if resource["error_code"]:
            log.warning("topic configuration not changed", topic=spec.name, error=resource["error_message"])
            continue
        log.info("topic configuration changed", topic=spec.name,
                 was={k: current.get(k, ("", False))[0] for k in spec.config}, now=spec.config)
        altered.append(spec.name)
    return altered


_DYNAMIC_TOPIC_CONFIG = 1  # DescribeConfigs config_source of a value set on the topic itself
