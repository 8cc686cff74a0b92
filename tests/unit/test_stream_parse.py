"""Streamed files parsed in parser processes give exactly the batches the in-thread reader gives."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from newsingest.ingest.formats.base import ParseError, SourceFile
from newsingest.ingest.formats.stream_base import START, ArticleRef
from newsingest.ingest.stream_format import stream_format
from newsingest.ingest.stream_parse import POOL, Batches, FileReplaced

RECEIVED = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def _jsonl(path: Path, count: int) -> None:
    lines = []
    for n in range(count):
        if n == 7:
            lines.append(b"{not json\n")
            continue
        article = {"title": f"Report number {n}", "body": f"The council met on day {n}. " * 20, "lang": "en"}
        lines.append(json.dumps(article).encode() + b"\n")
    path.write_bytes(b"".join(lines))


async def _all(path: Path, processes: int) -> list[tuple[int, int, str | None, bytes | None]]:
    with open(path, "rb") as fh:  # noqa: ASYNC230 - a test reading a small temp file
        st = os.fstat(fh.fileno())
        fmt = stream_format(fh, path.name)
        assert fmt is not None
        source = SourceFile(name=path.name, data=b"", received_at=RECEIVED, known_sha256="0" * 64,
                            known_size=st.st_size)
        batches = Batches(fmt=fmt, fh=fh, path=os.fsencode(path), st=st, source=source, start=START,
                          max_item_bytes=1 << 20, lossless="bmFtZQ==", processes=processes)
        seen = []
        try:
            while batch := await batches.next():
                for item, value in batch:
                    result = item.result
                    kind = "error" if isinstance(result, ParseError) else getattr(result, "article_id", None)
                    if processes:
                        assert result is None or isinstance(result, ParseError | ArticleRef)
                    seen.append((item.index, item.end, kind, value))
        finally:
            batches.close()
    return seen


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
