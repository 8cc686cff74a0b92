"""Crash-only drill: a part that fails from inside (NEWSINGEST_TEST_FAULT) ends `newsingest run` with exit code 70
and its traceback in the log; a restart without the fault indexes every article exactly once, nothing in the DLQ.
And /health: 503 naming a part that is not running yet, 200 with every part running."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from newsingest.config import Settings
from newsingest.runtime.supervisor import CRASH_EXIT_CODE
from tests.integration.harness import (
    PipelineProcess,
    bbc_files,
    drop,
    expected_ids,
    files_in,
    indexed_ids,
    read_topic,
    wait_for,
)

FILES = 25
FAULT_AFTER = 8


def health(settings: Settings) -> tuple[int, dict[str, Any]] | None:
    """(HTTP status, body) of /health, or None while nothing answers."""
    url = f"http://{settings.web_host}:{settings.web_port}/health"
    try:
        with urllib.request.urlopen(url, timeout=3) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())
    except OSError:
        return None


def _exit_code_within(process: PipelineProcess, seconds: float, after: str) -> int:
    assert process.proc is not None
    try:
        return process.proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        pytest.fail(f"still running {seconds} s after {after}:\n{process.log_path.read_text()[-4000:]}")


def crash_line(log_path: Path, part: str) -> dict[str, Any] | None:
    for line in log_path.read_text(errors="replace").splitlines():
        if line.startswith("{") and '"part crashed' in line:
            record = json.loads(line)
            if record.get("part") == part:
                return dict(record)
    return None


@pytest.mark.drill
@pytest.mark.parametrize("part", ["indexer", "enrich", "watcher", "stories-tail"])
def test_a_part_that_dies_ends_the_process_and_a_restart_loses_nothing(
    part: str, isolated: Settings, tmp_path: Path
) -> None:
    files = bbc_files(FILES)
    expected = expected_ids(files)
    # small enrich batches: the fault strikes mid-run, not after one batch that already held every article
    faulty_settings = isolated.model_copy(update={"test_fault": f"{part}:after={FAULT_AFTER}", "enrich_batch_max": 4})
    faulty = PipelineProcess(faulty_settings, tmp_path / "faulty.log").start()
    try:
        drop(files, isolated.inbox_dir)
        assert faulty.proc is not None
        wait_for(lambda: crash_line(faulty.log_path, part) is not None or not faulty.alive(), 120,
                 f"the {part} fault")
        crash = crash_line(faulty.log_path, part)
        assert crash is not None, faulty.log_path.read_text()[-4000:]
        # gone within 10 s of the crash (the supervisor's hard deadline is 8 s)
        code = _exit_code_within(faulty, 10, f"the {part} crashed")
    finally:
        faulty.kill()
    assert code == CRASH_EXIT_CODE
    assert "Traceback (most recent call last)" in crash["exception"]
    assert "InjectedFault" in crash["exception"]

    restarted = PipelineProcess(isolated, tmp_path / "restarted.log").start()
    try:
        wait_for(lambda: (health(isolated) or (0, {}))[0] == 200, 120, "the restarted process up", restarted.log)
        wait_for(lambda: set(indexed_ids(isolated)) >= expected, 180, "every article indexed after the restart",
                 restarted.log)
        wait_for(lambda: not files_in(isolated.inbox_dir), 60, "the inbox emptied", restarted.log)
        ids = indexed_ids(isolated)
        assert sorted(ids) == sorted(expected)  # each article once, nothing else
        assert len(files_in(isolated.processed_path)) == len(files)
        assert not files_in(isolated.failed_path)
        assert read_topic(isolated, isolated.topic_dlq, expect=1, timeout=3) == []
    finally:
        assert restarted.stop() == 0


def test_health_is_503_while_a_part_is_not_running(isolated: Settings, tmp_path: Path) -> None:
    """The indexer cannot start while Elasticsearch is unreachable: /health says so, naming it."""
    unreachable = isolated.model_copy(update={"elasticsearch_url": "http://127.0.0.1:9"})
    worker = PipelineProcess(unreachable, tmp_path / "worker.log", ("worker", "--no-enrich")).start()
    try:
        wait_for(lambda: health(unreachable) is not None, 60, "/health to answer", worker.log)
        answer = health(unreachable)
        assert answer is not None
        status, body = answer
        assert status == 503
        assert body["parts"]["indexer"]["state"] == "starting"
        assert body["status"] != "ok"
    finally:
        worker.stop()


def test_health_is_200_with_every_part_running(isolated: Settings, tmp_path: Path) -> None:
    pipeline = PipelineProcess(isolated, tmp_path / "run.log").start()
    try:
        wait_for(lambda: (health(isolated) or (0, {}))[0] == 200, 120, "/health 200", pipeline.log)
        answer = health(isolated)
        assert answer is not None
        status, body = answer
        assert status == 200
        assert body["status"] == "ok"
        assert set(body["parts"]) == {"watcher", "enrich", "stories-tail", "indexer", "notifier", "web"}
        assert all(p["state"] == "running" for p in body["parts"].values())
    finally:
        assert pipeline.stop() == 0


def _notifier_pid(pipeline: PipelineProcess, settings: Settings) -> int:
    """Wait until every part of ``pipeline`` runs; the pid of its notifier process."""
    wait_for(lambda: (health(settings) or (0, {}))[0] == 200, 120, "/health 200", pipeline.log)
    for line in pipeline.log_path.read_text(errors="replace").splitlines():
        if '"child process started' in line:
            record = json.loads(line[line.index("{"):])  # after the terminal codes Faust may write first
            if record.get("part") == "notifier":
                return int(record["pid"])
    raise AssertionError(f"no notifier process in the log:\n{pipeline.log_path.read_text()[-4000:]}")


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # a zombie (exited, not yet reaped by a parent that is itself gone) counts as gone
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] == "Z"
    return False


@pytest.mark.drill
def test_a_killed_notifier_process_ends_its_parent(isolated: Settings, tmp_path: Path) -> None:
    """The notifier runs in a child process: when it dies, `run` does not go on without it (exit 70)."""
    pipeline = PipelineProcess(isolated, tmp_path / "run.log").start()
    assert pipeline.proc is not None
    try:
        os.kill(_notifier_pid(pipeline, isolated), signal.SIGKILL)
        code = _exit_code_within(pipeline, 15, "its notifier died")
    finally:
        pipeline.kill()
    assert code == CRASH_EXIT_CODE
    crash = crash_line(pipeline.log_path, "notifier")
    assert crash is not None
    assert "ChildProcessEnded" in crash["exception"]


@pytest.mark.drill
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_the_notifier_process_ends_with_its_parent(sig: signal.Signals, isolated: Settings, tmp_path: Path) -> None:
    """SIGTERM: the parent stops its child and both exit 0; SIGKILL: the child notices and stops by itself."""
    pipeline = PipelineProcess(isolated, tmp_path / "run.log").start()
    assert pipeline.proc is not None
    try:
        child = _notifier_pid(pipeline, isolated)
        assert not _gone(child)
        pipeline.proc.send_signal(sig)  # the parent only, not its process group
        code = pipeline.proc.wait(timeout=60)
        wait_for(lambda: _gone(child), 30, "the notifier process gone", lambda: pipeline.log_path.read_text())
    finally:
        pipeline.kill()
    assert code == (0 if sig == signal.SIGTERM else -signal.SIGKILL)
    if sig == signal.SIGKILL:
        assert "the parent process is gone; stopping" in pipeline.log_path.read_text()
