"""One Kafka producer per role (watcher, enrich, indexer; the alerts process's notifier and matcher), each with
its own ``client_id``, all idempotent with acks=all: a send is done only when every in-sync replica has it."""

from __future__ import annotations

from typing import Literal

from aiokafka import AIOKafkaProducer

from newsingest.config import Settings

Role = Literal["watcher", "enrich", "indexer", "notifier", "matcher"]


def role_producer(settings: Settings, role: Role) -> AIOKafkaProducer:
    return AIOKafkaProducer(
        bootstrap_servers=settings.kafka_servers,
        client_id=f"{settings.app_id}.{role}",
        enable_idempotence=True,
        acks="all",
        compression_type=settings.compression_type,
        linger_ms=settings.producer_linger_ms,
        max_batch_size=settings.producer_batch_bytes,
        max_request_size=max(settings.max_file_bytes * 2, 1_048_576),
        request_timeout_ms=30000,
    )
