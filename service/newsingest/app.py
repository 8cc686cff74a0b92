"""The Faust app: wiring only. Business logic lives in ``ingest/``, ``enrich/`` and ``index/``.

Agents and services:
- agent ``enrich`` (``news.raw`` -> ``news.enriched``, ``runtime/enrich_agent.py``): batches with manual acks
  (``stream.noack().noack_take``): a batch's events are acked, in order, only after every enriched message and
  dead letter of the batch was acknowledged by Kafka (see faust-streaming #312/#606, #315).
- service ``indexer`` (``news.enriched`` -> Elasticsearch): a plain aiokafka consumer, one bulk per poll, manual
  commits.
- service ``watcher`` (inbox -> ``news.raw``), in ``newsingest run`` and ``newsingest watch``.
- part ``notifier`` wherever the indexer runs: the indexer's child process ``newsingest notify``, tied to this
  one (``runtime/child.py``), which matches the indexed articles against the alert rules for the indexer
  (``alerts/remote.py``) and sends the webhooks (``alerts/part.py``).
- web server on ``web_host:web_port`` with ``/metrics`` (Prometheus) and ``/health``.

Every part runs under the process's :class:`~newsingest.runtime.supervisor.Supervisor` (crash-only: a part that
dies ends the process with exit code 70); the parts other than the agent live in ``runtime/parts.py``.
"""

from __future__ import annotations

from collections.abc import Callable

import faust

from newsingest.config import Settings
from newsingest.runtime.enrich_agent import EnrichAgent
from newsingest.runtime.parts import loop_service, run_indexer, run_watcher, web_service
from newsingest.runtime.supervisor import Supervisor


def create_app(
    settings: Settings,
    supervisor: Supervisor,
    *,
    enrich: bool = True,
    index: bool = True,
    watch: bool = False,
    web: bool = True,
    refresh: Callable[[], None] | None = None,
) -> faust.App:
    app = faust.App(
        f"{settings.app_id}.enrich",
        broker=";".join(f"kafka://{server}" for server in settings.kafka_servers.split(",")),
        store="memory://",
        datadir=str(settings.data_dir),
        autodiscover=False,
        key_serializer="raw",
        value_serializer="raw",
        topic_partitions=settings.topic_partitions,
        topic_replication_factor=settings.topic_replication_factor,
        topic_disable_leader=True,
        consumer_auto_offset_reset="earliest",
        producer_acks=-1,
        producer_compression_type=settings.compression_type,
        producer_linger_ms=settings.producer_linger_ms,
        producer_max_batch_size=settings.producer_batch_bytes,
        stream_ack_exceptions=False,
        stream_ack_cancelled_tasks=False,
        stream_wait_empty=True,
        broker_commit_interval=1.0,
        broker_session_timeout=settings.kafka_session_timeout_s,
        broker_heartbeat_interval=settings.kafka_heartbeat_interval_s,
        web_enabled=False,  # our own web part serves /health and /metrics (runtime/parts.py)
        web_host=settings.web_host,
        web_port=settings.web_port,
    )
    if enrich:
        EnrichAgent(settings, supervisor).register(app)
    if index:
        supervisor.register("indexer")
        app.service(loop_service("indexer", run_indexer, settings, supervisor))
        if settings.alerts_enabled:
            supervisor.register("notifier")  # the indexer's child process (runtime/parts.py: run_indexer)
    if watch:
        supervisor.register("watcher")
        app.service(loop_service("watcher", run_watcher, settings, supervisor))
    if web:
        supervisor.register("web")
        app.service(web_service(settings, supervisor, refresh))
    return app
