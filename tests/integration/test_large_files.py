"""Large multi-article files on the real stack: streamed completely next to ordinary files, and a watcher
killed with SIGKILL in the middle of one resumes from its checkpoint instead of sending the file again.

The pipeline runs split (``newsingest watch`` + ``newsingest worker``, language detection only). What the
watcher promises is checked where its job ends, on news.raw: the whole feed, each article once (after a kill,
at most the unacknowledged tail again); indexing is by article id and covered by the pipeline tests.
"""

from __future__ import annotations

import json
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsingest.config import Settings
from newsingest.ingest.checkpoint import checkpoint_dir, iter_checkpoints
from newsingest.ingest.streamed import CHECKPOINT_EVERY
from newsingest_devtools.sandbox import remove_namespace
from tests.integration.harness import (
    SplitPipeline,
    bbc_files,
    drop,
    expected_ids,
    files_in,
    indexed_ids,
    isolated_settings,
    read_topic,
    wait_for,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from bench.corpus import write_jsonl

ARTICLES = 20_000
IN_FLIGHT = 500


@pytest.fixture
def large(stack: Settings, tmp_path: Path) -> Iterator[Settings]:
    settings = isolated_settings(stack, tmp_path, ner_enabled=False, stream_in_flight=IN_FLIGHT,
                                 stream_checkpoint_s=0.5, stream_min_file_bytes=1024 * 1024)
    settings.inbox_dir.mkdir(parents=True)
    yield settings
    remove_namespace(settings)


def _expected(path: Path) -> set[str]:
    from newsingest.ingest.formats.base import SourceFile
    from newsingest.ingest.formats.jsonl_stream import iter_jsonl

    with open(path, "rb") as fh:
        items = iter_jsonl(fh, SourceFile(name=path.name, data=b""), max_line_bytes=1_000_000)
        return {i.result.article_id for i in items}  # type: ignore[union-attr]


def _staged(settings: Settings) -> tuple[Path, set[str]]:
    staging = settings.inbox_dir.parent / "staging"
    staging.mkdir(exist_ok=True)
    path = staging / "feed.jsonl"
    write_jsonl(path, ARTICLES)
    return path, _expected(path)


def _raw_keys(settings: Settings, expect: int) -> list[bytes]:
    return [r.key for r in read_topic(settings, settings.topic_raw, expect=expect, timeout=60)]


def test_large_jsonl_next_to_ordinary_files_is_produced_completely(large: Settings, tmp_path: Path) -> None:
    """The ordinary files are searchable while the feed streams; the feed reaches news.raw whole, once.

    Indexing all 20,000 feed articles is not waited for (the worker's speed is the benchmarks' business): the
    feed is checked on news.raw, where the watcher's job ends.
    """
    feed, expected_feed = _staged(large)
    ordinary = bbc_files(20)
    pipeline = SplitPipeline(large, tmp_path)
    pipeline.watcher.start()
    pipeline.worker.start()
    try:
        feed.rename(large.inbox_dir / feed.name)
        drop(ordinary, large.inbox_dir)
        wanted = expected_ids(ordinary)
        wait_for(lambda: wanted <= set(indexed_ids(large)), 120, "the ordinary files searchable", pipeline.log)
        wait_for(lambda: [p.name for p in files_in(large.processed_path) if p.suffix == ".jsonl"] == ["feed.jsonl"],
                 180, "the feed produced completely and filed away", pipeline.log)
        keys = _raw_keys(large, ARTICLES + len(wanted))
        assert {k.decode() for k in keys} == expected_feed | wanted
        assert len(keys) == len(set(keys)), "an article was produced twice"
        assert files_in(large.failed_path) == []
        assert list(iter_checkpoints(checkpoint_dir(large.data_dir))) == []
    finally:
        pipeline.stop()


def test_watcher_killed_mid_file_resumes_from_its_checkpoint(large: Settings, tmp_path: Path) -> None:
    feed, expected = _staged(large)
    pipeline = SplitPipeline(large, tmp_path)
    pipeline.watcher.start()
    records = checkpoint_dir(large.data_dir)
    try:
        time.sleep(3)
        feed.rename(large.inbox_dir / feed.name)

        def progressed() -> bool:
            return any(0 < r.articles_acked < ARTICLES // 2 for r in iter_checkpoints(records))

        wait_for(progressed, 120, "a checkpoint in the middle of the file", pipeline.log)
        pipeline.watcher.kill(signal.SIGKILL)
        (killed_at,) = list(iter_checkpoints(records))
        assert killed_at.articles_acked < ARTICLES, "the kill came too late to test anything"
        pipeline.restart_watcher()
        wait_for(lambda: [p.name for p in files_in(large.processed_path)] == ["feed.jsonl"], 180,
                 "the resumed feed filed away", pipeline.log)
        raw = read_topic(large, large.topic_raw, expect=2 * ARTICLES, timeout=20)
        assert {r.key.decode() for r in raw} == expected
        assert len(raw) <= ARTICLES + CHECKPOINT_EVERY + IN_FLIGHT, "more than the unacknowledged tail was re-sent"
        assert "resuming streamed file from its checkpoint" in pipeline.watcher.log()
        assert files_in(large.inbox_dir) == []
    finally:
        pipeline.stop()


def test_a_feed_that_kills_its_parser_goes_to_failed_and_the_watcher_goes_on(
    stack: Settings, tmp_path: Path
) -> None:
    """A batch that kills its parser process twice (here on purpose: NEWSINGEST_TEST_FAULT=parser:after=N) sends
    the file to failed/ with ``parser_crashed``; the watcher stays up and ingests the next file."""
    settings = isolated_settings(stack, tmp_path, ner_enabled=False, stream_min_file_bytes=64 * 1024,
                                 test_fault="parser:after=700")
    settings.inbox_dir.mkdir(parents=True)
    staging = tmp_path / "staging"
    staging.mkdir()
    write_jsonl(staging / "feed.jsonl", 1000)
    ordinary = bbc_files(2)
    pipeline = SplitPipeline(settings, tmp_path)
    pipeline.watcher.start()
    try:
        (staging / "feed.jsonl").rename(settings.inbox_dir / "feed.jsonl")
        record = settings.failed_path / "feed.jsonl.error.json"
        wait_for(record.exists, 120, "the feed in failed/", pipeline.log)
        failure = json.loads(record.read_text())
        assert (failure["stage"], failure["code"]) == ("parse", "parser_crashed")
        assert (settings.failed_path / "feed.jsonl").exists()
        assert "a parser process died" in pipeline.watcher.log()
        drop(ordinary, settings.inbox_dir)
        wanted = expected_ids(ordinary)
        wait_for(lambda: wanted <= {r.key.decode() for r in read_topic(settings, settings.topic_raw,
                                                                        expect=10**9, timeout=3)},
                 60, "the next files produced", pipeline.log)
        assert pipeline.watcher.proc.poll() is None  # type: ignore[union-attr]
    finally:
        pipeline.stop()
        remove_namespace(settings)
