"""Isolated namespaces on a shared stack, and the pipeline as a real OS process.

Used by the integration tests and the benchmarks: each run gets topics, an index, aliases, consumer groups,
folders and a web port of its own, so runs on the same Kafka and Elasticsearch never see each other's data.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

from newsingest.config import Settings


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
        "topic_stories": f"{ns}.news.stories",
        "topic_entities": f"{ns}.news.entities",
        "topic_alerts": f"{ns}.news.alerts",
        "topic_alert_rules": f"{ns}.news.alert-rules",
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


def remove_namespace(settings: Settings) -> None:
    """Delete what an isolated namespace left on the stack: its topics (Faust's internal ones included),
    indices and consumer groups. Best effort: a stack that is down or restarting is left as it is."""
    import asyncio
    import contextlib

    from aiokafka.admin import AIOKafkaAdminClient

    from newsingest.index.client import sync_client

    ns = settings.app_id.split(".", 1)[0]  # isolated_settings prefixes every name with it
    if not re.fullmatch(r"t[0-9a-f]{10}", ns) or not settings.index_prefix.startswith(f"{ns}-"):
        raise ValueError(f"not an isolated namespace (refusing to delete anything): app_id={settings.app_id!r}")

    async def kafka() -> None:
        admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_servers, request_timeout_ms=10000)
        await admin.start()
        try:
            topics = [t for t in await admin.list_topics() if t.startswith(f"{ns}.")]
            if topics:
                await admin.delete_topics(topics)
            groups = [g for g, *_ in await admin.list_consumer_groups() if g.startswith(f"{ns}.")]
            if groups:
                with contextlib.suppress(Exception):  # groups still shutting down cannot be deleted yet
                    await admin.delete_consumer_groups(groups)
        finally:
            await admin.close()

    with contextlib.suppress(Exception):
        asyncio.run(asyncio.wait_for(kafka(), timeout=30))
    with contextlib.suppress(Exception):
        es = sync_client(settings)
        try:
            for index in es.indices.get(index=f"{settings.index_prefix}-*", expand_wildcards="all"):
                es.indices.delete(index=index)
        finally:
            es.close()


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment that gives a subprocess these settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSINGEST_")}
    for name in Settings.model_fields:
        value = getattr(settings, name)
        if value is None:
            continue
        if hasattr(value, "get_secret_value"):
            value = value.get_secret_value()
        env[f"NEWSINGEST_{name.upper()}"] = json.dumps(value) if isinstance(value, list | dict) else str(value)
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
        """The process's log; raises at once if the process died, so a test fails fast with the reason."""
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        if self.proc is not None and self.proc.poll() is not None and self.proc.returncode not in (0, -9):
            raise AssertionError(f"newsingest {' '.join(self.command)} exited with {self.proc.returncode}:\n"
                                 + text[-6000:])
        return text


