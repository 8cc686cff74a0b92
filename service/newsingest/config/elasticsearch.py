"""Elasticsearch: the cluster, the index and its aliases, the indexer's bulk requests."""

from __future__ import annotations

from pydantic import BaseModel, Field, SecretStr


class ElasticsearchSettings(BaseModel):
    """Elasticsearch settings (environment: ``NEWSINGEST_<NAME>``)."""

    elasticsearch_url: str | None = Field(
        default=None, description="Elasticsearch URL. Unset: the local stack's node (127.0.0.1:stack_es_port)."
    )
    elasticsearch_username: str | None = Field(default=None, description="basic-auth user of an external cluster")
    elasticsearch_password: SecretStr | None = Field(default=None, description="basic-auth password")
    elasticsearch_api_key: SecretStr | None = Field(default=None, description="API key (instead of user and password)")
    elasticsearch_verify_certs: bool = Field(default=True, description="verify the cluster's TLS certificate")
    index_prefix: str = Field(default="news", description="versioned indices are <prefix>-v<N>")
    read_alias: str = Field(default="news", description="alias searches use (all versions of the index)")
    write_alias: str = Field(default="news-write", description="alias the indexer writes to (the current news-v<N>)")
    index_shards: int = Field(default=1, ge=1, description="primary shards of a new index")
    index_replicas: int = Field(default=0, ge=0, description="replicas of a new index (0 on a single node)")
    index_refresh_interval_ms: int = Field(
        default=1000, ge=100, le=60_000,
        description="how often Elasticsearch makes new documents searchable (the index's refresh_interval): part of"
        " the latency from file to search; each refresh costs Elasticsearch CPU",
    )

    # the indexer
    bulk_max_docs: int = Field(default=500, ge=1, description="messages the indexer takes in one poll (one bulk)")
    bulk_max_bytes: int = Field(
        default=8 * 1024 * 1024, ge=1024, description="a poll's bulk is split into requests of at most this many bytes"
    )
    bulk_max_wait_s: float = Field(default=0.5, gt=0, description="how long an indexer poll waits for a message")
    bulk_linger_s: float = Field(
        default=0.1, ge=0,
        description="after a poll's first messages, collect more for this long before the bulk (fewer, larger"
        " bulks: Elasticsearch spends far less CPU per document; adds at most this much latency)",
    )
    bulk_retry_max_s: float = Field(
        default=300.0,
        gt=0,
        description="retry a failing bulk (Elasticsearch unreachable, 429, 5xx) this long, then the indexer exits "
        "non-zero without committing: the batch is replayed on restart, never dropped or dead-lettered",
    )

