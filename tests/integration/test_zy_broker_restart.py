"""The broker stopped and restarted mid-run. Runs late (file order, before the stack-down test) because it
restarts the shared broker. (It used to have to: a worker killed with -9 after a broker restart did not resume
while the story state was a Faust GlobalTable; with the state in a replicated map the kill drills pass after a
broker restart too — checked by running this file first.)"""

from __future__ import annotations

import time

import pytest

from newsingest.config import Settings
from newsingest.stack.kafka import KafkaStack
from tests.integration.harness import SplitPipeline, bbc_files, count_docs, drop, expected_ids, files_in, wait_for
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


