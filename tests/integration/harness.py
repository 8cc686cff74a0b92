"""Helpers for integration tests: isolated namespaces on the real stack and the pipeline as a real process."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from newsingest.config import Settings
from newsingest.index.client import sync_client

ISOLATED_FIELDS = (
    "topic_raw", "topic_enriched", "topic_dlq", "index_prefix", "read_alias", "write_alias", "app_id",
    "indexer_group", "inbox_dir", "processed_dir", "failed_dir", "data_dir", "web_port",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def isolated_settings(base: Settings, root: Path, **overrides: Any) -> Settings:
    """Settings with topics, index, aliases, groups and folders of their own, on the same stack."""
    ns = "t" + uuid.uuid4().hex[:10]
    fields: dict[str, Any] = {
        "topic_raw": f"{ns}.news.raw",
        "topic_enriched": f"{ns}.news.enriched",
        "topic_dlq": f"{ns}.news.dlq",
        "index_prefix": f"{ns}-news",
        "read_alias": f"{ns}-news",
        "write_alias": f"{ns}-news-write",
        "app_id": f"{ns}.newsingest",
        "indexer_group": f"{ns}.newsingest.indexer",
        "inbox_dir": root / "inbox",
        "processed_dir": root / "processed",
        "failed_dir": root / "failed",
        "data_dir": root / "data",
        "web_port": free_port(),
        "file_stable_s": 0.2,
        "bulk_max_wait_s": 0.2,
    }
    fields.update(overrides)
    return base.model_copy(update=fields)


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment that gives a subprocess these settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSINGEST_")}
    for name in Settings.model_fields:
        value = getattr(settings, name)
        if value is None:
            continue
        if hasattr(value, "get_secret_value"):
            value = value.get_secret_value()
        env[f"NEWSINGEST_{name.upper()}"] = str(value)
    env["NEWSINGEST_LOG_FORMAT"] = "json"
    return env


class PipelineProcess:
    """``newsingest run`` (or another command) as a real OS process, with its log in a file."""

    def __init__(self, settings: Settings, log_path: Path, command: tuple[str, ...] = ("run",)) -> None:
        self.settings = settings
        self.log_path = log_path
        self.command = command
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> PipelineProcess:
        exe = Path(sys.executable).with_name("newsingest")
        log = open(self.log_path, "ab")  # noqa: SIM115 - kept open for the child's lifetime
        self.proc = subprocess.Popen(
            [str(exe), *self.command], env=settings_env(self.settings), stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        return self

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)
            self.proc.wait(timeout=90)

    def stop(self) -> int | None:
        """SIGTERM and wait; returns the exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=90)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.proc.returncode

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def wait_for(check: Callable[[], bool], timeout: float, what: str, diagnostics: Callable[[], str] = str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}\n{diagnostics()[-6000:]}")


def indexed_ids(settings: Settings) -> list[str]:
    """All document ids under the read alias (empty while the alias does not exist yet)."""
    es = sync_client(settings)
    try:
        if not es.indices.exists_alias(name=settings.read_alias):
            return []
        es.indices.refresh(index=settings.read_alias)
        resp = es.search(index=settings.read_alias, query={"match_all": {}}, size=10000, source=False)
        return [hit["_id"] for hit in resp["hits"]["hits"]]
    finally:
        es.close()


def count_docs(settings: Settings) -> int:
    return len(indexed_ids(settings))


def get_doc(settings: Settings, doc_id: str) -> dict[str, Any]:
    es = sync_client(settings)
    try:
        return dict(es.get(index=settings.read_alias, id=doc_id)["_source"])
    finally:
        es.close()


def read_topic(settings: Settings, topic: str, expect: int = 1, timeout: float = 30.0) -> list[Any]:
    """Read ``topic`` from the beginning until ``expect`` messages arrived or time ran out."""

    async def main() -> list[Any]:
        consumer = AIOKafkaConsumer(topic, bootstrap_servers=settings.kafka_servers, group_id=None,
                                    auto_offset_reset="earliest", enable_auto_commit=False)
        await consumer.start()
        records: list[Any] = []
        try:
            deadline = time.monotonic() + timeout
            while len(records) < expect and time.monotonic() < deadline:
                batch = await consumer.getmany(timeout_ms=500)
                for tp_records in batch.values():
                    records.extend(tp_records)
        finally:
            await consumer.stop()
        return records

    return asyncio.run(main())


def produce(settings: Settings, topic: str, messages: list[tuple[bytes | None, bytes]]) -> None:
    async def main() -> None:
        producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_servers, acks="all")
        await producer.start()
        try:
            for key, value in messages:
                await producer.send_and_wait(topic, key=key, value=value)
        finally:
            await producer.stop()

    asyncio.run(main())
