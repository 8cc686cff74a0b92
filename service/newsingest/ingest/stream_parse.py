"""Where a streamed file's items are parsed: a thread of the watcher's process, or a parser process.

Parsing and mapping an article costs more CPU than sending it, and in one process both share the
interpreter lock, so the watcher could only reach about half of the producer's speed. With
``stream_parse_processes`` >= 1, JSONL and JSON-array files are parsed in separate processes (a
``ProcessPoolExecutor``, spawned once, on the first streamed file): each request parses a batch of items from a
byte offset and returns the items with their articles already serialised, so the watcher's process only
sends. A JSONL file is first cut into chunks by a light line scan (no parsing), so all parser processes work on
one file at once, two chunks each ahead of the sender; a JSON array is parsed one batch ahead.

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
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from itertools import islice
from typing import BinaryIO

from newsingest.ingest.formats.base import ParseError, SourceFile
from newsingest.ingest.formats.jsonl_stream import jsonl_chunks
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
    count: int = BATCH_ITEMS
    die_at_item: int | None = None  # TESTS ONLY (NEWSINGEST_TEST_FAULT=parser:after=N): the process dies there


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
        batch = serialised_batch(items, request.lossless, request.count)
    if request.die_at_item is not None and any(item.index == request.die_at_item for item, _ in batch):
        os._exit(70)
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


def parser_processes(size: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=size, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_die_with, initargs=(os.getpid(),))


class _Pool:
    """The parser processes of this process, spawned on first use and made anew after one died."""

    def __init__(self) -> None:
        self._executor: ProcessPoolExecutor | None = None
        self._size = 0

    def executor(self, size: int) -> ProcessPoolExecutor:
        if self._executor is None or self._size != size:
            self.shutdown()
            self._executor = parser_processes(size)
            self._size = size
            log.info("parser processes started", processes=size)
        return self._executor

    def shutdown(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None


POOL = _Pool()


class Batches:
    """The batches of one streamed file, in file order, the next ones being parsed while the caller sends.

    A JSONL file is cut into chunks of ``BATCH_ITEMS`` items by a light line scan in a thread of this process
    (``jsonl_chunks``); up to two chunks per parser process are parsed at once, by all the parser processes. A
    JSON array (whose next batch starts where the last one ended) and, without parser processes, every format
    are parsed one batch ahead."""

    def __init__(self, *, fmt: StreamFormat, fh: BinaryIO, path: bytes, st: os.stat_result, source: SourceFile,
                 start: StreamPosition, max_item_bytes: int, lossless: str, processes: int,
                 die_at_item: int | None = None) -> None:
        self._in_process = processes > 0 and fmt.name in ("jsonl", "json")
        self._processes = processes
        self._request = BatchRequest(path, st.st_dev, st.st_ino, fmt, source, start, max_item_bytes, lossless,
                                     die_at_item=die_at_item)
        self._items = None if self._in_process else open_items(fmt, fh, source, start, max_item_bytes)
        self._chunks = (jsonl_chunks(fh, start=start, max_line_bytes=max_item_bytes, items_per_chunk=BATCH_ITEMS)
                        if self._in_process and fmt.name == "jsonl" else None)
        self._ahead = 2 * processes if self._chunks is not None else 1
        self._pending: deque[tuple[BatchRequest, asyncio.Future[Batch]]] = deque()
        self._ended = False  # no more requests to make

    async def next(self) -> Batch:
        """The next batch (empty at the end of the file)."""
        await self._fill()
        if not self._pending:
            return []
        request, pending = self._pending.popleft()
        batch = await self._result(request, pending)
        if self._chunks is None:  # one batch ahead: the next one starts where this one ended
            if batch:
                self._request = replace(self._request, start=batch[-1][0].position)
            else:
                self._ended = True
        await self._fill()
        return batch

    def close(self) -> None:
        for _, pending in self._pending:
            _forget(pending)
        self._pending.clear()

    async def _fill(self) -> None:
        """Ask for batches until ``_ahead`` are being parsed (or none is left to ask for)."""
        while not self._ended and len(self._pending) < self._ahead:
            if self._chunks is None:
                request = self._request
            else:
                chunk = await asyncio.to_thread(next, self._chunks, None)
                if chunk is None:
                    self._ended = True
                    return
                request = replace(self._request, start=chunk.start, count=chunk.items)
            self._pending.append((request, self._ask(request)))

    def _ask(self, request: BatchRequest) -> asyncio.Future[Batch]:
        if not self._in_process:
            return asyncio.ensure_future(asyncio.to_thread(serialised_batch, self._items, request.lossless))
        loop = asyncio.get_running_loop()
        return loop.run_in_executor(POOL.executor(self._processes), parse_batch, request)

    async def _result(self, request: BatchRequest, pending: asyncio.Future[Batch]) -> Batch:
        """The batch; when a parser process died, this batch is parsed again alone in a process of its own (the
        pool is shared by every file being streamed, and any of their batches may have killed it): if it kills
        that process too, it is the file's fault. The batches in flight after it are asked again."""
        try:
            return await pending
        except BrokenProcessPool as exc:
            POOL.shutdown()
            log.error("a parser process died; parsing the batch again", offset=request.start.offset,
                      error=str(exc))
        later = [r for r, _ in self._pending]
        self.close()
        alone = parser_processes(1)
        try:
            batch = await asyncio.get_running_loop().run_in_executor(alone, parse_batch, request)
        except BrokenProcessPool as exc:
            raise ParserCrashed(f"the parser process died twice at byte {request.start.offset}",
                                offset=request.start.offset) from exc
        finally:
            alone.shutdown(wait=False)
        self._pending.extend((r, self._ask(r)) for r in later)
        return batch


def _forget(pending: asyncio.Future[Batch]) -> None:
    pending.cancel()
    pending.add_done_callback(lambda f: f.cancelled() or f.exception())
