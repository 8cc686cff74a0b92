"""Integration tests run against the real local stack (``newsingest stack up``), or the external clusters
configured with NEWSINGEST_KAFKA_BOOTSTRAP_SERVERS / NEWSINGEST_ELASTICSEARCH_URL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from newsingest.config import Settings
from newsingest.stack.manager import stack_up
from newsingest_devtools.sandbox import remove_namespace
from tests.integration.harness import PipelineProcess, SplitPipeline, isolated_settings


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/integration/" in str(item.fspath):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def stack() -> Settings:
    """The running stack (started if needed; `stack up` is idempotent)."""
    settings = Settings()
    stack_up(settings, progress=lambda msg: print(msg))
    return settings


@pytest.fixture
def isolated(stack: Settings, tmp_path: Path) -> Iterator[Settings]:
    """Settings with topics, index, aliases and folders of this test's own."""
    # a killed worker's partitions move after 10 s instead of Faust's 60: the drills restart workers
    settings = isolated_settings(stack, tmp_path, kafka_session_timeout_s=10.0)
    settings.inbox_dir.mkdir(parents=True)
    yield settings
    remove_namespace(settings)  # topics, indices and groups of the test, so repeated runs do not pile up


@pytest.fixture
def pipeline(isolated: Settings, tmp_path: Path) -> Iterator[PipelineProcess]:
    """``newsingest run`` on the isolated settings, stopped after the test."""
    process = PipelineProcess(isolated, tmp_path / "pipeline.log").start()
    yield process
    process.stop()


@pytest.fixture
def split(isolated: Settings, tmp_path: Path) -> Iterator[SplitPipeline]:
    pipeline = SplitPipeline(isolated, tmp_path)
    pipeline.watcher.start()
    pipeline.worker.start()
    yield pipeline
    pipeline.stop()
