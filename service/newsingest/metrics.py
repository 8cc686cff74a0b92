"""Prometheus counters of the pipeline, served at /metrics on the worker's web server."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

REGISTRY = CollectorRegistry(auto_describe=True)

FILES = Counter("newsingest_files_total", "Files handled by the watcher, by outcome", ["outcome"], registry=REGISTRY)
ARTICLES_PRODUCED = Counter("newsingest_articles_produced_total", "Articles acked by Kafka", registry=REGISTRY)
ARTICLES_ENRICHED = Counter("newsingest_articles_enriched_total", "Articles enriched", registry=REGISTRY)
ARTICLES_INDEXED = Counter(
    "newsingest_articles_indexed_total", "Documents acknowledged by Elasticsearch", ["result"], registry=REGISTRY
)
DEAD_LETTERS = Counter("newsingest_dead_letters_total", "Messages sent to the DLQ", ["stage"], registry=REGISTRY)
BULK_RETRIES = Counter("newsingest_bulk_retries_total", "Bulk requests retried", registry=REGISTRY)
CONSUMER_LAG = Gauge(
    "newsingest_consumer_lag", "Messages behind the end of the topic", ["group", "topic"], registry=REGISTRY
)
ENRICH_BATCH_SECONDS = Histogram(
    "newsingest_enrich_batch_seconds", "Time to enrich and deliver one batch of the enrich agent", registry=REGISTRY
)
ENRICH_BATCH_SIZE = Histogram(
    "newsingest_enrich_batch_size", "Events in one batch of the enrich agent",
    buckets=(1, 2, 5, 10, 20, 50, 100, 200, 500, 1000), registry=REGISTRY,
)
BULK_SECONDS = Histogram("newsingest_bulk_seconds", "Time of one bulk request", registry=REGISTRY)

#: The steps whose CPU time is counted (``time.thread_time()`` deltas around their synchronous parts, see
#: ``newsingest.cputime``); a benchmark divides ``newsingest_step_cpu_seconds_total{step=...}`` by the articles.
STEPS = ("parse", "produce", "consume", "language", "ner_client", "places", "stories", "enriched_produce", "index")
STEP_CPU = Counter(
    "newsingest_step_cpu_seconds", "CPU seconds spent in each pipeline step (thread time)", ["step"], registry=REGISTRY
)
for _step in STEPS:
    STEP_CPU.labels(_step)  # every step is exported from the start, at 0

INBOX_FILES_WAITING = Gauge(
    "newsingest_inbox_files_waiting", "Files in the inbox (counted up to a bound when /metrics is scraped)",
    registry=REGISTRY,
)
INBOX_FILES_IN_FLIGHT = Gauge(
    "newsingest_inbox_files_in_flight", "Multi-article files being produced (with a progress record)",
    registry=REGISTRY,
)
STATE_KEYS = Gauge(
    "newsingest_state_keys", "Keys held in memory by a replicated state map (story state, entity registry), by topic",
    ["topic"], registry=REGISTRY,
)


def render() -> bytes:
    return generate_latest(REGISTRY)
