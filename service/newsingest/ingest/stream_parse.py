"""Where a streamed file's items are parsed: a thread of the watcher's process, or a parser process.

Parsing and mapping an article costs about as much CPU as sending it, and in one process both share the
interpreter lock, so the watcher could only reach about half of the producer's speed. With
``stream_parse_processes`` >= 1, JSONL and JSON-array files are parsed in separate processes (a
``ProcessPoolExecutor``, spawned once, on the first streamed file): each request parses the next batch from a
byte offset and returns the items with their articles already serialised, so the watcher's process only
sends. The next batch is parsed while the current one is sent.

A parser process opens the file itself (``O_NOFOLLOW``) and checks that it is the file the watcher looked at
(same device and inode), so a file replaced in the meantime is never read in its place. NewsML-G2 packages
are parsed in a thread (their reader cannot resume from a byte offset cheaply). If a parser process dies
(a crash, the OOM killer), the pool is made anew and the batch asked again; a batch that kills its parser
twice is the file's fault: ``ParserCrashed``.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from itertools import islice
from typing import BinaryIO

from newsingest.ingest.formats.base import ParseError, SourceFile
from newsingest.ingest.formats.stream_base import ArticleRef, StreamItem, StreamPosition
from newsingest.ingest.stream_format import StreamFormat, open_items
from newsingest.log import get_logger

log = get_logger(__name__)

BATCH_ITEMS = 256
PARENT_CHECK_S = 1.0
Batch = list[tuple[StreamItem, bytes | None]]


class FileReplaced(Exception):
    """The path no longer names the file being streamed (renamed over, deleted): its content is not read."""


class ParserCrashed(ParseError):
    code = "parser_crashed"


def serialised_batch(items: object, lossless: str, count: int = BATCH_ITEMS) -> Batch:
    """The next ``count`` items with their articles as JSON (the name kept losslessly in the provenance)."""
    batch: Batch = []
    for item in islice(items, count):  # type: ignore[call-overload]
        result = item.result
        value = None
        if result is not None and not isinstance(result, ParseError):
            provenance = result.provenance.model_copy(update={"file_name_b64": lossless})
            value = result.model_copy(update={"provenance": provenance}).model_dump_json().encode()
        batch.append((item, value))
    return batch


@dataclass(frozen=True, slots=True)
class BatchRequest:
    """Everything a parser process needs to parse one batch of a file (small and picklable)."""

    path: bytes
    device: int
    inode: int
    fmt: StreamFormat
    source: SourceFile
    start: StreamPosition
    max_item_bytes: int
    lossless: str


def parse_batch(request: BatchRequest) -> Batch:
    """Runs in a parser process: the batch from ``request.start`` on, articles reduced to their ids."""
    try:
        fd = os.open(request.path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        raise FileReplaced(f"cannot open the file again: {exc}") from exc
    with os.fdopen(fd, "rb", buffering=1 << 20) as fh:
        st = os.fstat(fh.fileno())
        if (st.st_dev, st.st_ino) != (request.device, request.inode):
            raise FileReplaced("the path names another file now")
        items = open_items(request.fmt, fh, request.source, request.start, request.max_item_bytes)
        batch = serialised_batch(items, request.lossless)
    return [(_light(item), value) for item, value in batch]


def _light(item: StreamItem) -> StreamItem:
    result = item.result
    if result is None or isinstance(result, ParseError | ArticleRef):
        return item
    return replace(item, result=ArticleRef(result.article_id))


def _die_with(parent: int) -> None:
    """Runs first in every parser process: it ends when the watcher's process is gone (even after kill -9,
    when nobody would tell it), instead of lingering as an orphan."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_S)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


class _Pool:
    """The parser processes of this process, spawned on first use and made anew after one died."""

    def __init__(self) -> None:
        self._executor: ProcessPoolExecutor | None = None
        self._size = 0

    def executor(self, size: int) -> ProcessPoolExecutor:
        if self._executor is None or self._size != size:
            self.shutdown()
            self._executor = ProcessPoolExecutor(max_workers=size, mp_context=multiprocessing.get_context("spawn"),
                                                 initializer=_die_with, initargs=(os.getpid(),))
            self._size = size
            log.info("parser processes started", processes=size)
        return self._executor

    def shutdown(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None


POOL = _Pool()


class Batches:
    """The batches of one streamed file, the next one always being parsed while the caller sends this one."""

    def __init__(self, *, fmt: StreamFormat, fh: BinaryIO, path: bytes, st: os.stat_result, source: SourceFile,
                 start: StreamPosition, max_item_bytes: int, lossless: str, processes: int) -> None:
        self._in_process = processes > 0 and fmt.name in ("jsonl", "json")
        self._processes = processes
        self._request = BatchRequest(path, st.st_dev, st.st_ino, fmt, source, start, max_item_bytes, lossless)
        self._items = None if self._in_process else open_items(fmt, fh, source, start, max_item_bytes)
        self._pending: asyncio.Future[Batch] | None = None

    async def next(self) -> Batch:
        """The next batch (empty at the end of the file)."""
        pending = self._pending or self._ask()
        batch = await self._result(pending)
        if batch:
            if self._in_process:
                self._request = replace(self._request, start=batch[-1][0].position)
            self._pending = self._ask()
        else:
            self._pending = None
        return batch

    def close(self) -> None:
        if self._pending is not None:
            self._pending.cancel()
            self._pending.add_done_callback(lambda f: f.cancelled() or f.exception())

    def _ask(self) -> asyncio.Future[Batch]:
        if not self._in_process:
            return asyncio.ensure_future(asyncio.to_thread(serialised_batch, self._items, self._request.lossless))
        loop = asyncio.get_running_loop()
        return loop.run_in_executor(POOL.executor(self._processes), parse_batch, self._request)

    async def _result(self, pending: asyncio.Future[Batch]) -> Batch:
        try:
            return await pending
        except BrokenProcessPool as exc:
            POOL.shutdown()
            log.error("a parser process died; parsing the batch again", offset=self._request.start.offset,
                      error=str(exc))
        try:
            return await self._ask()
        except BrokenProcessPool as exc:
            POOL.shutdown()
            raise ParserCrashed(f"the parser process died twice at byte {self._request.start.offset}",
                                offset=self._request.start.offset) from exc
