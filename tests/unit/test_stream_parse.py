"""Streamed files parsed in parser processes give exactly the batches the in-thread reader gives."""

from __future__ import annotations

import asyncio
import json
import os
import signal
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsingest.ingest.formats.base import ParseError, SourceFile
from newsingest.ingest.formats.stream_base import START, ArticleRef, StreamPosition
from newsingest.ingest.stream_format import stream_format
from newsingest.ingest.stream_parse import POOL, Batches, FileReplaced, ParserCrashed

RECEIVED = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def _jsonl(path: Path, count: int) -> None:
    lines = []
    for n in range(count):
        if n == 7:
            lines.append(b"{not json\n")
            continue
        if n % 97 == 5:
            lines.append(b"  \r\n")  # blank lines are no items, but count as lines
        article = {"title": f"Report number {n}", "body": f"The council met on day {n}. " * 20, "lang": "en"}
        lines.append(json.dumps(article).encode() + b"\n")
    path.write_bytes(b"".join(lines))


async def _all(path: Path, processes: int, *, start: StreamPosition = START, die_at_item: int | None = None,
               kill_after: int | None = None) -> list[tuple[int, int, str | None, bytes | None]]:
    with open(path, "rb") as fh:  # noqa: ASYNC230 - a test reading a small temp file
        st = os.fstat(fh.fileno())
        fmt = stream_format(fh, path.name)
        assert fmt is not None
        source = SourceFile(name=path.name, data=b"", received_at=RECEIVED, known_sha256="0" * 64,
                            known_size=st.st_size)
        batches = Batches(fmt=fmt, fh=fh, path=os.fsencode(path), st=st, source=source, start=start,
                          max_item_bytes=1 << 20, lossless="bmFtZQ==", processes=processes, die_at_item=die_at_item)
        seen = []
        try:
            while batch := await batches.next():
                if kill_after is not None and len(seen) >= kill_after:
                    _kill_parsers()
                    kill_after = None
                for item, value in batch:
                    result = item.result
                    kind = "error" if isinstance(result, ParseError) else getattr(result, "article_id", None)
                    if processes:
                        assert result is None or isinstance(result, ParseError | ArticleRef)
                    seen.append((item.index, item.end, kind, value))
        finally:
            batches.close()
    return seen


def _kill_parsers() -> None:
    """SIGKILL every parser process (as the OOM killer would) while batches are being parsed."""
    executor = POOL._executor
    assert executor is not None
    for process in list(executor._processes.values()):  # type: ignore[union-attr]
        os.kill(process.pid, signal.SIGKILL)


@pytest.fixture(scope="module", autouse=True)
def _stop_pool():
    yield
    POOL.shutdown()


async def test_parser_process_and_thread_give_the_same_items(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    _jsonl(path, 700)  # several batches
    in_thread = await _all(path, 0)
    in_process = await _all(path, 1)
    assert len(in_thread) == 700
    assert in_process == in_thread
    assert in_thread[7][2] == "error"
    assert all(value is not None for _, _, kind, value in in_thread if kind != "error")


@pytest.mark.parametrize("processes", [2, 3])
async def test_several_parser_processes_give_the_items_of_one_reader_in_order(tmp_path: Path, processes: int) -> None:
    path = tmp_path / "feed.jsonl"
    _jsonl(path, 1500)  # six chunks, the last one short
    in_thread = await _all(path, 0)
    assert await _all(path, processes) == in_thread
    assert [index for index, *_ in in_thread] == list(range(1500))


async def test_several_parser_processes_resume_from_a_checkpointed_position(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    _jsonl(path, 900)
    whole = await _all(path, 0)
    end_of_300 = whole[299][1]
    lines = sum(1 for line in path.read_bytes()[:end_of_300].splitlines())
    resumed = await _all(path, 2, start=StreamPosition(end_of_300, 300, lines))
    assert resumed == whole[300:]


async def test_a_killed_parser_process_costs_nothing_but_a_second_parse(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    _jsonl(path, 1500)
    in_thread = await _all(path, 0)
    assert await _all(path, 2, kill_after=300) == in_thread


async def test_a_batch_that_kills_its_parser_twice_is_the_file_s_fault(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    _jsonl(path, 1000)
    with pytest.raises(ParserCrashed) as raised:
        await _all(path, 2, die_at_item=600)
    assert raised.value.code == "parser_crashed"
    assert raised.value.detail["offset"] > 0
    assert await _all(path, 2) == await _all(path, 0)  # the pool is made anew for the next file


async def test_a_file_that_kills_the_shared_parsers_fails_alone(tmp_path: Path) -> None:
    """Every streamed file shares the parser processes: a poison batch of one file breaks the others' batches
    too, but only the file whose batch kills a process of its own again fails."""
    poison, good = tmp_path / "poison.jsonl", tmp_path / "good.jsonl"
    _jsonl(poison, 1000)
    _jsonl(good, 1500)
    expected = await _all(good, 0)
    failed, passed = await asyncio.gather(_all(poison, 2, die_at_item=300), _all(good, 2), return_exceptions=True)
    assert isinstance(failed, ParserCrashed)
    assert passed == expected


async def test_a_file_replaced_under_the_same_name_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    _jsonl(path, 300)
    with open(path, "rb") as fh:  # noqa: ASYNC230 - a test reading a small temp file
        st = os.fstat(fh.fileno())
        fmt = stream_format(fh, path.name)
        assert fmt is not None
        source = SourceFile(name=path.name, data=b"", known_sha256="0" * 64, known_size=st.st_size)
        replacement = tmp_path / "other.jsonl"
        _jsonl(replacement, 10)
        replacement.rename(path)  # the open file is now another inode than the path's
        batches = Batches(fmt=fmt, fh=fh, path=os.fsencode(path), st=st, source=source, start=START,
                          max_item_bytes=1 << 20, lossless="", processes=1)
        with pytest.raises(FileReplaced):
            await batches.next()
        batches.close()
