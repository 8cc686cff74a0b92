"""Fault drills with the parts as separate processes: kill -9 of the watcher, kill -9 of the worker,
Elasticsearch away for 60 s, the inbox's disk full, 1,000 fuzzed bad files (the broker stopped and restarted:
test_zy_broker_restart.py; kill -9 of watcher and worker in one process: test_pipeline_drills.py).

Each asserts the final state: every good article indexed exactly once, every bad file in ``failed/`` with a
reason, nothing dead-lettered that should not be.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsingest.config import Settings
from newsingest.ingest.formats.base import ParseError, SourceFile
from newsingest.ingest.formats.registry import parse_file
from newsingest.stack.elasticsearch import ElasticsearchStack
from tests.integration.harness import (
    PipelineProcess,
    SplitPipeline,
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


def assert_exactly(settings: Settings, expected: set[str]) -> None:
    ids = indexed_ids(settings)
    assert len(ids) == len(set(ids))
    assert set(ids) == expected


def test_kill_9_of_the_watcher_mid_run(split: SplitPipeline, isolated: Settings) -> None:
    files = bbc_files(300)
    expected = expected_ids(files)
    drop(files, isolated.inbox_dir)
    wait_for(lambda: len(files_in(isolated.processed_path)) >= 30, 120, "watcher under way", split.log)
    split.watcher.kill(signal.SIGKILL)
    assert files_in(isolated.inbox_dir), "the kill came too late to test anything"
    split.restart_watcher()
    wait_for(lambda: count_docs(isolated) >= len(expected), 240, "all documents", split.log)
    wait_for(lambda: files_in(isolated.inbox_dir) == [], 60, "inbox emptied", split.log)
    assert_exactly(isolated, expected)
    assert len(files_in(isolated.processed_path)) == len(files)


def test_kill_9_of_the_worker_mid_run(split: SplitPipeline, isolated: Settings) -> None:
    """The worker (enrich agent + indexer) dies mid-batch; its replacement ends in exactly the same state."""
    files = bbc_files(300)
    expected = expected_ids(files)
    drop(files, isolated.inbox_dir)
    wait_for(lambda: count_docs(isolated) >= 30, 180, "worker under way", split.log)
    split.worker.kill(signal.SIGKILL)
    assert count_docs(isolated) < len(expected), "the kill came too late to test anything"
    split.restart_worker()
    wait_for(lambda: count_docs(isolated) >= len(expected), 300, "all documents after the restart", split.log)
    time.sleep(2)  # anything replayed after the kill has had time to land
    assert_exactly(isolated, expected)
    assert len(files_in(isolated.processed_path)) == len(files)
    assert read_topic(isolated, isolated.topic_dlq, expect=1, timeout=3) == []


def test_elasticsearch_unavailable_for_60s(stack: Settings, split: SplitPipeline, isolated: Settings) -> None:
    files = bbc_files(100)
    expected = expected_ids(files)
    node = ElasticsearchStack(stack, progress=print)
    drop(files[:50], isolated.inbox_dir)
    wait_for(lambda: count_docs(isolated) >= 20, 120, "first documents", split.log)
    node.stop()
    try:
        drop(files[50:], isolated.inbox_dir)
        time.sleep(60)
        assert split.worker.alive(), split.log()
    finally:
        node.start()
    wait_for(lambda: count_docs(isolated) >= len(expected), 240, "all documents after the outage", split.log)
    assert_exactly(isolated, expected)
    assert read_topic(isolated, isolated.topic_dlq, expect=1, timeout=3) == []


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MiB tmpfs for inbox, processed and failed: a disk that really fills up."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root (CI runs as root)")
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount_point)], check=True)
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def test_inbox_disk_filling_up(isolated: Settings, small_disk: Path, tmp_path: Path, samples_dir: Path) -> None:
    settings = isolated.model_copy(update={
        "inbox_dir": small_disk / "inbox", "processed_dir": small_disk / "processed",
        "failed_dir": small_disk / "failed",
    })
    settings.inbox_dir.mkdir()
    process = PipelineProcess(settings, tmp_path / "pipeline.log").start()
    try:
        wait_for(lambda: "watching inbox" in process.log(), 120, "watcher started", process.log)
        filler = small_disk / "filler.bin"
        with open(filler, "wb") as fh:  # fill the disk to the last byte
            try:
                while True:
                    fh.write(b"\0" * 65536)
                    fh.flush()
            except OSError:
                pass
        # a producer writing into the full disk leaves a truncated file behind
        partial = settings.inbox_dir / "cut-off.txt"
        with contextlib.suppress(OSError):
            partial.write_text("Schlagzeile\n\n" + "Ein Satz, der nicht mehr auf die Platte passt. " * 2000)
        (settings.inbox_dir / "empty.txt").touch()  # cannot get its error record written while the disk is full
        time.sleep(3)
        assert process.alive(), process.log()[-3000:]
        filler.unlink()  # space again: everything must finish
        drop(sorted(samples_dir.glob("*.txt")), settings.inbox_dir)
        wait_for(lambda: files_in(settings.inbox_dir) == [], 120, "inbox emptied", process.log)
        wait_for(lambda: count_docs(settings) >= 2, 120, "samples indexed", process.log)
        assert (settings.failed_path / "empty.txt.error.json").exists()
        handled = {p.name for p in files_in(settings.processed_path)} | {p.name for p in files_in(settings.failed_path)}
        assert {"empty.txt", "samples-000_c1b6d55de1f28ec5.txt", "samples-001_67f8c9b69fccf955.txt"} <= handled
        if partial.name in handled:  # whatever of it reached the disk is processed like any file
            assert partial.name in {p.name for p in files_in(settings.processed_path)} | {
                p.name for p in files_in(settings.failed_path)}
    finally:
        process.stop()


def fuzzed_bad_files(n: int, seed: int = 20261123) -> list[tuple[str, bytes]]:
    """``n`` files of every kind of bad: binary, truncated, broken markup, wrong encodings, empty."""
    rng = random.Random(seed)
    json_doc = json.dumps({"headline": "Ein Titel", "body": "Text " * 40, "datePublished": "2024-03-01"}).encode()
    xml_doc = b'<?xml version="1.0"?><nitf><head><title>T</title></head><body><p>' + b"x" * 200 + b"</p></body></nitf>"
    html_doc = b"<html><head><title>T</title></head><body><article>" + b"<p>y</p>" * 50 + b"</article></body></html>"
    kinds = [
        lambda: ("bin", bytes(rng.getrandbits(8) for _ in range(rng.randint(16, 4096)))),
        lambda: ("json", json_doc[: rng.randint(1, len(json_doc) - 2)]),
        lambda: ("xml", xml_doc[: rng.randint(1, len(xml_doc) - 2)]),
        lambda: ("html", html_doc[: rng.randint(1, 40)]),
        lambda: ("txt", b""),
        lambda: ("txt", b" \n\t\n "),
        lambda: ("txt", b"\x00\x01\x02" * rng.randint(10, 500)),
        lambda: ("jsonl", b"{broken\n[1,2\n"),
        lambda: ("xml", b'<!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><x>&b;</x>'),
        lambda: ("png", b"\x89PNG\r\n\x1a\n" + bytes(rng.getrandbits(8) for _ in range(256))),
    ]
    return [(f"bad-{i:04d}.{ext}", data) for i in range(n) for ext, data in [rng.choice(kinds)()]]


def test_1000_fuzzed_bad_files(pipeline: PipelineProcess, isolated: Settings, samples_dir: Path) -> None:
    bad = fuzzed_bad_files(1000)
    accepted: set[str] = set()  # a few fuzzed inputs may still be readable articles: those must be indexed
    for name, data in bad:
        with contextlib.suppress(ParseError):
            accepted |= {a.article_id for a in parse_file(SourceFile(name=name, data=data))}
    staging = isolated.inbox_dir.parent / "staging"
    staging.mkdir()
    for name, data in bad:
        (staging / name).write_bytes(data)
        (staging / name).rename(isolated.inbox_dir / name)
    drop(sorted(samples_dir.glob("*.txt")), isolated.inbox_dir)
    good = expected_ids(sorted(samples_dir.glob("*.txt")))
    wait_for(lambda: files_in(isolated.inbox_dir) == [], 300, "every file handled", pipeline.log)
    wait_for(lambda: set(indexed_ids(isolated)) >= good | accepted, 120, "good articles indexed", pipeline.log)
    failed = [p for p in files_in(isolated.failed_path) if not p.name.endswith(".error.json")]
    processed = files_in(isolated.processed_path)
    assert len(failed) + len(processed) == len(bad) + 2
    for path in failed:
        record = json.loads(path.with_name(path.name + ".error.json").read_text())
        assert record["reason"]
        assert record["code"]
    assert pipeline.alive()
    assert_exactly(isolated, good | accepted)
