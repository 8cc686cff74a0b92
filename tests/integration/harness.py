"""Helpers for integration tests: reading what the real stack holds, corpora, and dropping files."""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from newsingest.config import Settings
from newsingest.index.client import sync_client
from newsingest.ingest.formats.base import SourceFile
from newsingest.ingest.formats.registry import parse_file
from newsingest_devtools.sandbox import PipelineProcess, free_port, isolated_settings, settings_env  # noqa: F401
from tests.conftest import SHARED


def wait_for(check: Callable[[], bool], timeout: float, what: str, diagnostics: Callable[[], str] = str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        diagnostics()  # a died process raises here instead of waiting out the timeout
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


# --- corpora and inbox ----------------------------------------------------------------------------------
BBC = SHARED / "data" / "news" / "bbc-en"


def bbc_files(n: int) -> list[Path]:
    """``n`` BBC articles, the same ones every run, spread over the five categories."""
    categories = sorted(p for p in BBC.iterdir() if p.is_dir())
    per = n // len(categories)
    return [f for cat in categories for f in sorted(cat.glob("*.txt"))[:per]]


def expected_ids(files: list[Path]) -> set[str]:
    return {a.article_id for f in files for a in parse_file(SourceFile(name=f.name, data=f.read_bytes()))}


def drop(files: list[Path], inbox: Path, prefix: str = "") -> None:
    """Copy files into the inbox the way a careful producer does: write elsewhere, then rename in."""
    staging = inbox.parent / "staging"
    staging.mkdir(exist_ok=True)
    for f in files:
        name = f"{prefix}{f.parent.name}-{f.name}"
        shutil.copyfile(f, staging / name)
        (staging / name).rename(inbox / name)


def files_in(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


class SplitPipeline:
    """``newsingest watch`` and ``newsingest worker`` as two processes on one isolated namespace."""

    def __init__(self, settings: Settings, root: Path) -> None:
        self.settings = settings
        self.root = root
        self.watcher = self._watcher()
        self.worker = self._worker()

    def _watcher(self) -> PipelineProcess:
        return PipelineProcess(self.settings, self.root / "watch.log", ("watch",))

    def _worker(self) -> PipelineProcess:
        worker_settings = self.settings.model_copy(update={"web_port": free_port()})
        return PipelineProcess(worker_settings, self.root / "worker.log", ("worker",))

    def log(self) -> str:
        return "--- watcher\n" + self.watcher.log()[-3000:] + "\n--- worker\n" + self.worker.log()[-3000:]

    def restart_watcher(self) -> None:
        self.watcher = self._watcher().start()

    def restart_worker(self) -> None:
        self.worker = self._worker().start()

    def stop(self) -> None:
        self.watcher.stop()
        self.worker.stop()
