"""The broker stopped and restarted mid-run. Runs late (file order, before the stack-down test) because it
restarts the shared broker. (It used to have to: a worker killed with -9 after a broker restart did not resume
while the story state was a Faust GlobalTable; with the state in a replicated map the kill drills pass after a
broker restart too — checked by running this file first.)"""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from newsingest.config import Settings
from newsingest.stack.kafka import KafkaStack
from tests.integration.harness import (
    PipelineProcess,
    SplitPipeline,
    bbc_files,
    count_docs,
    drop,
    expected_ids,
    files_in,
    wait_for,
)
from tests.integration.test_fault_drills import assert_exactly

pytestmark = pytest.mark.drill


def test_broker_stopped_and_restarted_mid_run(stack: Settings, split: SplitPipeline, isolated: Settings) -> None:
    files = bbc_files(200)
    expected = expected_ids(files)
    broker = KafkaStack(stack, progress=print)
    drop(files[:100], isolated.inbox_dir)
    wait_for(lambda: count_docs(isolated) >= 20, 120, "first documents", split.log)
    broker.stop()
    try:
        drop(files[100:], isolated.inbox_dir)  # the watcher cannot produce them now: they must wait, not fail
        time.sleep(15)
        assert split.watcher.alive(), split.log()
        assert files_in(isolated.failed_path) == []
    finally:
        broker.start()
    wait_for(lambda: count_docs(isolated) >= len(expected), 300, "all documents after the broker came back",
             split.log)
    assert_exactly(isolated, expected)
    assert files_in(isolated.failed_path) == []




def test_stop_while_the_broker_is_down_ends_in_time_and_a_restart_loses_nothing(
    stack: Settings, isolated: Settings, tmp_path: Path
) -> None:
    """SIGTERM while Kafka is unreachable: the process cannot flush or commit, so it exits at the shutdown
    deadline (exit code 3) instead of hanging; the next run still indexes every article exactly once."""
    settings = isolated.model_copy(update={"shutdown_timeout_s": 10.0})
    files = bbc_files(120)
    expected = expected_ids(files)
    broker = KafkaStack(stack, progress=print)
    log = tmp_path / "pipeline.log"
    first = PipelineProcess(settings, log).start()
    drop(files[:60], settings.inbox_dir)
    wait_for(lambda: count_docs(settings) >= 10, 120, "first documents", first.log)
    broker.stop()
    try:
        drop(files[60:], settings.inbox_dir)
        time.sleep(3)
        stopping = time.monotonic()
        first.proc.send_signal(signal.SIGTERM)  # type: ignore[union-attr]
        code = first.proc.wait(timeout=45)  # type: ignore[union-attr]
        took = time.monotonic() - stopping
    finally:
        broker.start()
    assert code in (0, 3), first.log()[-3000:]
    assert took < 40, f"stopping took {took:.0f}s"
    second = PipelineProcess(settings, log).start()
    try:
        wait_for(lambda: count_docs(settings) >= len(expected), 300, "all documents after the restart", second.log)
        time.sleep(2)
        assert_exactly(settings, expected)
        assert files_in(settings.failed_path) == []
    finally:
        second.stop()
