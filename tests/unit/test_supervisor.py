"""The supervisor: a part that raises, ends by itself or is cancelled fails the process; /health reports it."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from typing import Any

import pytest

from newsingest.runtime.faults import Fault, InjectedFault, parse_faults
from newsingest.runtime.health import HealthApp
from newsingest.runtime.supervisor import CRASH_EXIT_CODE, PartState, Supervisor


class Recorder:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> None:
        self.calls += 1


def supervisor() -> tuple[Supervisor, Recorder]:
    stop = Recorder()
    return Supervisor("test", on_failure=stop, arm_exit=False), stop


async def test_a_part_that_raises_fails_the_process_once() -> None:
    sup, stop = supervisor()

    async def broken() -> None:
        raise RuntimeError("boom")

    await sup.run("indexer", broken())
    await sup.run("watcher", broken())  # a second crash while exiting does not ask again
    assert sup.failed is not None
    assert sup.failed.name == "indexer"
    assert sup.parts["indexer"].state is PartState.FAILED
    assert sup.parts["indexer"].error == "RuntimeError: boom"
    assert stop.calls == 1
    assert sup.exit_code() == CRASH_EXIT_CODE


async def test_a_part_that_returns_without_a_stop_request_fails() -> None:
    sup, stop = supervisor()

    async def quits() -> None:
        return None

    await sup.run("watcher", quits())
    assert sup.parts["watcher"].state is PartState.FAILED
    assert stop.calls == 1


async def test_parts_that_end_during_a_stop_are_stopped_not_failed() -> None:
    sup, stop = supervisor()
    sup.register("watcher")
    sup.running("watcher")
    sup.begin_stop()

    async def quits() -> None:
        return None

    await sup.run("watcher", quits())
    assert sup.parts["watcher"].state is PartState.STOPPED
    assert sup.failed is None
    assert stop.calls == 0
    assert sup.exit_code() == 0


async def test_a_watched_task_that_dies_fails_the_process() -> None:
    sup, stop = supervisor()

    async def tail() -> None:
        await asyncio.sleep(0)
        raise ConnectionResetError("tail died")

    task = asyncio.ensure_future(tail())
    sup.watch("stories-tail", task)
    with pytest.raises(ConnectionResetError):
        await task
    await asyncio.sleep(0)  # done callbacks run on the next loop iteration
    assert sup.parts["stories-tail"].state is PartState.FAILED
    assert stop.calls == 1


async def test_a_watched_task_cancelled_without_a_stop_fails() -> None:
    sup, _ = supervisor()
    task = asyncio.ensure_future(asyncio.sleep(60))
    sup.watch("stories-tail", task)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.sleep(0)
    assert sup.parts["stories-tail"].state is PartState.FAILED


async def call(app: HealthApp, path: str) -> tuple[int, bytes]:
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def receive() -> dict[str, Any]:
        return {"type": "http.request"}

    await app({"type": "http", "path": path}, receive, send)
    return sent[0]["status"], sent[1]["body"]


async def test_health_is_503_until_every_part_runs_and_names_a_failed_part() -> None:
    sup, _ = supervisor()
    app = HealthApp(sup)
    sup.register("indexer")
    sup.register("web")
    sup.running("web")
    status, body = await call(app, "/health")
    assert status == 503
    assert json.loads(body)["parts"]["indexer"]["state"] == "starting"
    sup.running("indexer")
    status, body = await call(app, "/health")
    assert status == 200
    assert json.loads(body)["status"] == "ok"
    sup.fail("indexer", RuntimeError("bulk exploded"))
    status, body = await call(app, "/health")
    parsed = json.loads(body)
    assert status == 503
    assert parsed["status"] == "failed"
    assert parsed["parts"]["indexer"] == {**parsed["parts"]["indexer"], "state": "failed",
                                          "error": "RuntimeError: bulk exploded"}


async def test_metrics_are_served_after_the_refresh_hook() -> None:
    sup, _ = supervisor()
    refreshed = Recorder()
    status, body = await call(HealthApp(sup, refreshed), "/metrics")
    assert status == 200
    assert b"newsingest_inbox_files_waiting" in body
    assert refreshed.calls == 1


def test_a_crash_exits_with_70_even_when_the_clean_stop_hangs() -> None:
    code = (
        "import time\n"
        "from newsingest.log import configure_logging\n"
        "from newsingest.runtime.supervisor import Supervisor\n"
        "configure_logging('INFO', 'json')\n"
        "sup = Supervisor('test', deadline_s=0.3, on_failure=lambda: None)\n"
        "sup.fail('indexer', RuntimeError('boom'))\n"
        "time.sleep(30)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=25)
    assert result.returncode == CRASH_EXIT_CODE
    output = result.stdout + result.stderr
    assert "RuntimeError: boom" in output
    assert "part 'indexer' crashed" in output


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("", {}),
        ("indexer:after=20", {"indexer": 20}),
        (" enrich : after = 3 ; stories-tail:after=1", {"enrich": 3, "stories-tail": 1}),
    ],
)
def test_fault_specs(spec: str, expected: dict[str, int]) -> None:
    assert {part: fault.after for part, fault in parse_faults(spec).items()} == expected


@pytest.mark.parametrize("spec", ["indexer", "indexer:after=", "web:after=3", "indexer:before=3"])
def test_malformed_fault_specs_are_refused(spec: str) -> None:
    with pytest.raises(ValueError, match="NEWSINGEST_TEST_FAULT"):
        parse_faults(spec)


def test_a_fault_raises_once_its_count_is_reached() -> None:
    fault = Fault("indexer", after=5)
    fault.tick(3)
    with pytest.raises(InjectedFault, match="indexer after 5"):
        fault.tick(2)
