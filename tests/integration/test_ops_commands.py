"""`newsingest status` and `newsingest failed list | show | retry` against the real stack, while a pipeline runs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from newsingest.config import Settings
from newsingest_devtools.sandbox import settings_env
from tests.integration.harness import (
    PipelineProcess,
    bbc_files,
    drop,
    expected_ids,
    files_in,
    indexed_ids,
    wait_for,
)

LIMIT = 2500  # bytes: the big article fails at first, and is ingested once the limit is raised


def newsingest(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("newsingest")
    return subprocess.run([str(exe), *args], env=settings_env(settings), capture_output=True, text=True,
                          timeout=120, check=False)


def test_status_failed_and_retry(isolated: Settings, tmp_path: Path) -> None:
    files = bbc_files(10)
    big = max(files, key=lambda f: f.stat().st_size)
    small = [f for f in files if f.stat().st_size <= LIMIT]
    assert big.stat().st_size > LIMIT
    assert small
    limited = isolated.model_copy(update={"max_file_bytes": LIMIT})
    pipeline = PipelineProcess(limited, tmp_path / "run.log").start()
    try:
        drop([*small, big], isolated.inbox_dir)
        big_name = f"{big.parent.name}-{big.name}"
        wait_for(lambda: (isolated.failed_path / big_name).exists(), 120, "the big file in failed/", pipeline.log)
        wait_for(lambda: set(indexed_ids(isolated)) >= expected_ids(small), 120, "the small files indexed",
                 pipeline.log)

        result = newsingest(isolated, "status", "--json")
        assert result.returncode == 0, result.stderr
        report = json.loads(result.stdout)
        assert report["inbox"]["waiting"] == 0
        assert report["inbox"]["processed"]["last_hour"] == len(small)
        assert report["inbox"]["failed"]["last_hour"] == 1
        assert report["inbox"]["failed"]["by_reason_last_day"] == {"size/file_too_large": 1}
        stages = {s["stage"]: s for s in report["stages"]}
        assert set(stages) == {"produce", "enrich", "index"}
        assert stages["produce"]["per_minute"] == len(expected_ids(small))  # only the small files were produced
        assert stages["index"]["lag"] == 0
        assert report["last_failures"][0]["file"] == big_name
        assert report["last_failures"][0]["stage"] == "size"
        text = newsingest(isolated, "status")
        assert text.returncode == 0
        assert "enrich" in text.stdout
        assert big_name in text.stdout

        listed = newsingest(isolated, "failed", "list", "--json")
        assert [json.loads(line)["file"] for line in listed.stdout.splitlines()] == [big_name]
        shown = json.loads(newsingest(isolated, "failed", "show", big_name).stdout)
        assert shown["code"] == "file_too_large"
        refused = newsingest(isolated, "failed", "retry", str(isolated.inbox_dir / "x.txt"))
        assert refused.returncode == 2
    finally:
        assert pipeline.stop() == 0

    raised = PipelineProcess(isolated, tmp_path / "raised.log").start()  # the default limit takes the file
    try:
        retried = newsingest(isolated, "failed", "retry", big_name)
        assert retried.returncode == 0, retried.stderr
        assert not files_in(isolated.failed_path)
        wait_for(lambda: set(indexed_ids(isolated)) >= expected_ids([*small, big]), 120, "the retried file indexed",
                 raised.log)
        assert newsingest(isolated, "failed", "list").stdout == ""
    finally:
        assert raised.stop() == 0


def test_status_says_when_kafka_is_unreachable(isolated: Settings) -> None:
    result = newsingest(isolated.model_copy(update={"kafka_bootstrap_servers": "127.0.0.1:9"}), "status")
    assert result.returncode == 3
    assert "Kafka at 127.0.0.1:9 unreachable" in result.stdout
