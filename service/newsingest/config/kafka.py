"""Kafka: the brokers, the topics and their retention, consumer groups, producers."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class KafkaSettings(BaseModel):
    """Kafka settings (environment: ``NEWSINGEST_<NAME>``)."""

    kafka_bootstrap_servers: str | None = Field(
        default=None,
        description="Kafka bootstrap servers. Unset: the local stack's broker (127.0.0.1:stack_kafka_port).",
    )
    topic_raw: str = Field(default="news.raw", description="topic of parsed articles (watcher -> enrich agent)")
    topic_enriched: str = Field(
        default="news.enriched",
        description="topic of enriched articles: the published contract (enrich agent -> indexer, others)",
    )
    topic_dlq: str = Field(
        default="news.dlq", description="dead letters of every stage, with the reason and the original payload"
    )
    topic_stories: str = Field(
        default="news.stories",
        description="compacted topic holding the same-story state every enrich worker reads (internal)",
    )
    topic_entities: str = Field(
        default="news.entities",
        description="compacted topic holding the entity registry (canonical names, aliases) every enrich worker reads",
    )
    topic_alerts: str = Field(
        default="news.alerts",
        description="topic of alert matches (key <alert_id>:<article_id>, JSON Schema alert-match), for consumers"
        " and the webhook notifier",
    )
    topic_alert_rules: str = Field(
        default="news.alert-rules", description="compacted topic holding the alert rules every process reads"
    )
    topic_partitions: int = Field(
        default=3, ge=1, description="partitions of news.raw and news.enriched when created (the unit of scale-out)"
    )
    topic_replication_factor: int = Field(
        default=1, ge=1, description="replication factor of new topics (3 on a production cluster)"
    )
    raw_retention_ms: int = Field(
        default=-1, description="news.raw retention (-1 = forever; the topic is also compacted by key, for reenrich)"
    )
    enriched_retention_ms: int = Field(
        default=-1, description="news.enriched retention (-1 = forever; the topic is also compacted by key)"
    )
    dlq_retention_ms: int = Field(default=30 * 24 * 3600 * 1000, description="news.dlq retention")
    app_id: str = Field(default="newsingest", description="Faust app id; prefix of consumer groups")
    indexer_group: str = Field(default="newsingest.indexer", description="consumer group of the indexer")
    kafka_session_timeout_s: float = Field(
        default=60.0,
        ge=6.0,
        le=300.0,
        description="how long Kafka waits for a silent consumer before it hands its partitions to another: a worker"
        " killed with kill -9 is replaced after this long (the enrich agent's group; the indexer's is at most 30 s)",
    )
    producer_linger_ms: int = Field(default=20, ge=0, description="how long producers wait to fill a batch")
    producer_batch_bytes: int = Field(
        default=256 * 1024, ge=16 * 1024, le=8 * 1024 * 1024,
        description="the most bytes (before compression) a producer batches per partition (Kafka's batch.size;"
        " 16 KiB, the clients' default, cost a third more CPU per message: bench/large_file.py)",
    )
    producer_compression: Literal["gzip", "snappy", "lz4", "zstd", "none"] = Field(
        default="zstd",
        description="compression of produced batches (zstd: a better ratio than gzip for a fraction of its CPU;"
        " every current Kafka client reads it)",
    )

    @property
    def kafka_heartbeat_interval_s(self) -> float:
        """Heartbeats of the consumer groups: every 3 s, or a third of a shorter session timeout."""
        return min(3.0, self.kafka_session_timeout_s / 3)

    @property
    def compression_type(self) -> str | None:
        """``producer_compression`` as the Kafka clients take it (None: uncompressed)."""
        return None if self.producer_compression == "none" else self.producer_compression

