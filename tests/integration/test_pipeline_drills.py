"""Fault drills of the pipeline: a worker killed mid-run, Elasticsearch stopped mid-run, a clean shutdown.

Each asserts the final state: every good article indexed exactly once, nothing in the DLQ that should not be.
"""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from newsingest.config import Settings
from newsingest.stack.elasticsearch import ElasticsearchStack
from tests.integration.harness import (
    PipelineProcess,
    bbc_files,
    count_docs,
    drop,
    expected_ids,
    files_in,
    indexed_ids,
    read_topic,
    wait_for,
)

pytestmark = pytest.mark.drill


def test_kill_9_mid_run_then_restart_gives_the_same_documents(isolated: Settings, tmp_path: Path) -> None:
    files = bbc_files(500)
    expected = expected_ids(files)
    log = tmp_path / "pipeline.log"
    first = PipelineProcess(isolated, log).start()
    drop(files, isolated.inbox_dir)
    wait_for(lambda: count_docs(isolated) >= 50, 180, "part of the run indexed", first.log)
    first.kill(signal.SIGKILL)
    killed_at = count_docs(isolated)
    assert killed_at < len(expected), "the kill came too late to test anything"
    second = PipelineProcess(isolated, log).start()
    try:
        wait_for(lambda: count_docs(isolated) >= len(expected), 300, f"{len(expected)} documents", second.log)
        wait_for(lambda: len(files_in(isolated.processed_path)) == len(files), 60, "all files processed",
                 second.log)
        time.sleep(2)  # anything replayed after the kill has had time to land
        ids = indexed_ids(isolated)
        assert len(ids) == len(set(ids))
        assert set(ids) == expected
        assert files_in(isolated.failed_path) == []
        assert files_in(isolated.inbox_dir) == []
    finally:
        second.stop()


def test_elasticsearch_down_for_30s_mid_run_loses_nothing(
    stack: Settings, isolated: Settings, tmp_path: Path
) -> None:
    files = bbc_files(100)
    expected = expected_ids(files)
    es_node = ElasticsearchStack(stack, progress=print)
    process = PipelineProcess(isolated, tmp_path / "pipeline.log").start()
    try:
        drop(files[:50], isolated.inbox_dir)
        wait_for(lambda: count_docs(isolated) >= 20, 120, "first documents indexed", process.log)
        es_node.stop()
        try:
            drop(files[50:], isolated.inbox_dir)
            time.sleep(30)
            assert process.alive(), process.log()[-3000:]
        finally:
            es_node.start()
        wait_for(lambda: count_docs(isolated) >= len(expected), 240, "all documents after the outage", process.log)
        assert set(indexed_ids(isolated)) == expected
        assert read_topic(isolated, isolated.topic_dlq, expect=1, timeout=5) == []
        assert "bulk failed; retrying" in process.log()
    finally:
        process.stop()


def test_sigterm_stops_cleanly_and_a_restart_finishes_the_work(isolated: Settings, tmp_path: Path) -> None:
    files = bbc_files(100)
    expected = expected_ids(files)
    log = tmp_path / "pipeline.log"
    first = PipelineProcess(isolated, log).start()
    drop(files, isolated.inbox_dir)
    wait_for(lambda: count_docs(isolated) >= 10, 120, "some documents indexed", first.log)
    assert first.stop() == 0, first.log()[-3000:]
    second = PipelineProcess(isolated, log).start()
    try:
        wait_for(lambda: count_docs(isolated) >= len(expected), 180, "all documents", second.log)
        assert set(indexed_ids(isolated)) == expected
    finally:
        second.stop()
