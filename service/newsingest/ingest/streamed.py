"""Large multi-article files (JSONL, JSON arrays, NewsML-G2 messages) ingested as streams, with checkpoints.

The watcher hands a complete file of at least ``stream_min_file_bytes`` here. The file is hashed in one
streaming pass (its SHA-256 for the provenance), then read item by item in a worker thread (the readers in
``formats/*_stream.py``, a few hundred items per batch, the next batch parsed while the current one is sent)
and produced with up to ``stream_in_flight`` sends in flight (``stream_send.InOrderSender``). Memory is
bounded by the batch and the window, not by the file.

Every ``stream_checkpoint_s`` (and every ``CHECKPOINT_EVERY`` articles) the position after the last item
acknowledged in order is saved (``checkpoint.py``); progress goes to the log every ``PROGRESS_LOG_S``. After
a crash the next attempt resumes from that position when the file is unchanged (device, inode, size, mtime),
so only the unacknowledged tail is sent again (harmless by article id). When Kafka is unavailable the record
stays, the file stays in the inbox and the watcher retries it later. The record is removed once the file is
filed away: ``processed/``, or ``failed/`` when no item of it was an article (then nothing went to the DLQ,
unless more than ``MAX_HELD_ERRORS`` bad items came before the first good one).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import os
import stat
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from newsingest.backoff import backoff_delay
from newsingest.config import Settings
from newsingest.ingest.checkpoint import (
    FileCheckpoint,
    checkpoint_dir,
    load_checkpoint,
    remove_checkpoint,
    save_checkpoint,
)
from newsingest.ingest.filing import Failure, file_failed, move_into
from newsingest.ingest.formats.base import ParseError, ParseResult, SourceFile
from newsingest.ingest.formats.stream_base import StreamPosition
from newsingest.ingest.names import display_name, lossless_name
from newsingest.ingest.producer import ArticleProducer
from newsingest.ingest.stream_format import stream_format
from newsingest.ingest.stream_parse import Batch, Batches, FileReplaced, ParserCrashed
from newsingest.ingest.stream_send import BrokerUnavailable, InOrderSender, Tally
from newsingest.log import get_logger
from newsingest.metrics import FILES
from newsingest.models import utcnow
from newsingest.runtime.faults import parse_faults

log = get_logger(__name__)

CHECKPOINT_EVERY = 10000
PROGRESS_LOG_S = 5.0
MAX_HELD_ERRORS = 1000
HASH_CHUNK = 1 << 20
MAX_RETRY_DELAY_S = 60.0
_OUTAGE = object()  # an attempt ended because Kafka did not acknowledge

SaveFn = Callable[[Path, FileCheckpoint], None]


def sha256_of(fh: BinaryIO) -> str:
    """The open file's SHA-256 in one pass of 1 MiB reads (hashlib releases the GIL on large buffers)."""
    digest = hashlib.sha256()
    fh.seek(0)
    while chunk := fh.read(HASH_CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def _display(path: Path) -> str:
    return display_name(path)


class StreamedIngest:
    """Ingests one large multi-article file; ``ingest`` says whether the watcher has anything left to do."""

    def __init__(self, settings: Settings, producer: ArticleProducer, *, inbox: Path, processed: Path,
                 failed: Path, stopping: asyncio.Event | None = None) -> None:
        self.settings = settings
        self.producer = producer
        self.inbox, self.processed, self.failed = inbox, processed, failed
        self.records = checkpoint_dir(settings.data_dir)
        self.stopping = stopping or asyncio.Event()
        fault = parse_faults(settings.test_fault).get("parser")
        self._die_at_item = fault.after if fault else None

    async def ingest(self, path: Path) -> bool | None:
        """None: not a streamable file (the ordinary path takes it); True: filed away; False: it stays in the
        inbox (stopping during a broker outage, or it could not be moved) with its checkpoint.

        A broker outage is retried here with backoff, each attempt resuming from the checkpoint."""
        attempt = 0
        while True:
            outcome = await self._attempt(path)
            if outcome is not _OUTAGE:
                return outcome  # type: ignore[return-value]
            attempt += 1
            delay = backoff_delay(attempt, cap_s=MAX_RETRY_DELAY_S)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stopping.wait(), timeout=delay)
            if self.stopping.is_set():
                return False

    async def _attempt(self, path: Path) -> bool | object | None:
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            return None  # gone, or a link now: the ordinary path decides what it is
        fh = os.fdopen(fd, "rb", buffering=HASH_CHUNK)
        try:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode):
                return None
            return await self._stream(path, fh, st)
        finally:
            fh.close()

    async def _stream(self, path: Path, fh: BinaryIO, st: os.stat_result) -> bool | object | None:
        if st.st_size > self.settings.max_stream_file_bytes:
            limit = self.settings.max_stream_file_bytes
            return self._fail(path, Failure("size", "file_too_large",
                                            f"file is {st.st_size} bytes; the limit of streamed files is {limit}",
                                            {"size": st.st_size, "limit": limit}))
        fmt = await asyncio.to_thread(stream_format, fh, path.name)
        if fmt is None:
            return None
        record = load_checkpoint(self.records, path)
        if record is None or not record.matches(st) or record.format != fmt.name or not record.sha256:
            record = FileCheckpoint(path_b64=_b64(path), display_path=_display(path), device=st.st_dev,
                                    inode=st.st_ino, size=st.st_size, mtime_ns=st.st_mtime_ns, format=fmt.name,
                                    sha256=await asyncio.to_thread(sha256_of, fh))
            save_checkpoint(self.records, path, record)
        else:
            log.info("resuming streamed file from its checkpoint", file=_display(path),
                     offset=record.offset_acked, articles=record.articles_acked)
        source = SourceFile(name=display_name(path.name), data=b"", received_at=record.started_at,
                            known_sha256=record.sha256, known_size=st.st_size)
        start = StreamPosition(record.offset_acked, record.items_done, record.lines_done)
        batches = Batches(fmt=fmt, fh=fh, path=os.fsencode(path), st=st, source=source, start=start,
                          max_item_bytes=self.settings.stream_max_item_bytes, lossless=lossless_name(path.name),
                          processes=self.settings.stream_parse_processes, die_at_item=self._die_at_item)
        try:
            return await self._produce(path, batches, record, start)
        except FileReplaced:
            log.info("file replaced while it was streamed; it is looked at again", file=_display(path))
            remove_checkpoint(self.records, path)
            return False
        except ParserCrashed as exc:
            return self._fail(path, Failure("parse", exc.code, exc.reason, exc.detail))
        finally:
            batches.close()

    async def _produce(self, path: Path, batches: Batches, record: FileCheckpoint,
                       start: StreamPosition) -> bool | object:
        tally = Tally(position=start)
        sender = InOrderSender(self.producer, window=self.settings.stream_in_flight, file=_display(path),
                               tally=tally)
        progress = _Progress(path, record, start, self.settings.stream_checkpoint_s)
        held: Batch = []
        holding = record.articles_acked == 0
        finished = False
        try:
            while batch := await batches.next():
                for item, value in batch:
                    if holding and value is None and len(held) < MAX_HELD_ERRORS:
                        held.append((item, value))  # bad items before the first article: maybe a bad file
                        continue
                    if holding:
                        holding = False
                        for earlier, nothing in held:
                            await sender.send(earlier, nothing)
                        held.clear()
                    await sender.send(item, value)
                    progress.maybe_report(tally, self._save, sender_in_flight=len(sender))
            await sender.drain()
            finished = True
        except BrokerUnavailable as exc:
            log.warning("kafka did not acknowledge; streamed file stays in inbox and resumes from its checkpoint",
                        file=_display(path), offset=tally.position.offset, error=str(exc))
            FILES.labels("retried").inc()
            return _OUTAGE
        finally:
            if not finished:
                self._save(path, progress.updated(tally))
        if record.articles_acked + tally.articles == 0:
            errors = [i.result for i, _ in held if isinstance(i.result, ParseError)] or tally.first_errors
            try:
                ParseResult([], errors).articles_or_raise()
            except ParseError as exc:
                return self._fail(path, Failure("parse", exc.code, exc.reason, exc.detail))
        final = progress.updated(tally)
        if not _unchanged(path, record):  # appended to or replaced meanwhile: its new content is streamed anew
            log.info("file changed while it was streamed; it is looked at again", file=_display(path))
            remove_checkpoint(self.records, path)
            return False
        try:
            target = move_into(path, self.inbox, self.processed)
        except OSError as exc:  # articles are in Kafka; the checkpoint lets a retry skip them
            self._save(path, final)
            log.error("could not move file to processed; will retry", file=_display(path), error=str(exc))
            return False
        remove_checkpoint(self.records, path)
        FILES.labels("processed").inc()
        log.info("file ingested", file=_display(path), moved_to=_display(target), format=record.format,
                 articles=final.articles_acked, dead_letters=final.items_failed, bytes=final.size,
                 seconds=round(progress.elapsed(), 1), articles_per_s=final.articles_per_s)
        return True

    def _save(self, path: Path, record: FileCheckpoint) -> None:
        try:
            save_checkpoint(self.records, path, record)
        except OSError as exc:  # a missing checkpoint only costs a longer resend after a crash
            log.warning("could not save checkpoint", file=_display(path), error=str(exc))

    def _fail(self, path: Path, failure: Failure) -> bool:
        try:
            target = file_failed(path, self.inbox, self.failed, failure)
        except OSError as exc:
            log.error("could not move failed file; will retry", file=_display(path), error=str(exc))
            return False
        remove_checkpoint(self.records, path)
        FILES.labels("failed").inc()
        log.warning("file failed", file=_display(path), moved_to=_display(target), stage=failure.stage,
                    code=failure.code, reason=failure.reason)
        return True


def _unchanged(path: Path, record: FileCheckpoint) -> bool:
    try:
        return record.matches(os.lstat(path))
    except OSError:
        return False


def _b64(path: Path) -> str:
    return base64.b64encode(os.fsencode(path)).decode("ascii")


class _Progress:
    """Checkpoints and progress lines of one streamed file, at most every few seconds."""

    def __init__(self, path: Path, record: FileCheckpoint, start: StreamPosition, interval_s: float) -> None:
        self.path, self.record, self.start, self.interval_s = path, record, start, interval_s
        self.began = self.last_save = self.last_log = time.monotonic()
        self.saved_articles = 0

    def elapsed(self) -> float:
        return max(1e-6, time.monotonic() - self.began)

    def updated(self, tally: Tally) -> FileCheckpoint:
        rate = tally.articles / self.elapsed()
        return self.record.model_copy(update={
            "articles_acked": self.record.articles_acked + tally.articles,
            "items_failed": self.record.items_failed + tally.dead_letters,
            "offset_acked": tally.position.offset, "items_done": tally.position.index,
            "lines_done": tally.position.lines, "updated_at": utcnow(), "articles_per_s": round(rate, 1),
        })

    def maybe_report(self, tally: Tally, save: SaveFn, *, sender_in_flight: int) -> None:
        now = time.monotonic()
        due = now - self.last_save >= self.interval_s or tally.articles - self.saved_articles >= CHECKPOINT_EVERY
        if due and tally.position.offset > self.start.offset:
            save(self.path, self.updated(tally))
            self.last_save, self.saved_articles = now, tally.articles
        if now - self.last_log >= PROGRESS_LOG_S:
            self.last_log = now
            done = tally.position.offset - self.start.offset
            byte_rate = done / self.elapsed()
            remaining = self.record.size - tally.position.offset
            log.info("streaming file", file=_display(self.path),
                     articles=self.record.articles_acked + tally.articles,
                     dead_letters=self.record.items_failed + tally.dead_letters, bytes=tally.position.offset,
                     size=self.record.size, articles_per_s=round(tally.articles / self.elapsed(), 1),
                     mb_per_s=round(byte_rate / 1e6, 2), in_flight=sender_in_flight,
                     eta_s=round(remaining / byte_rate, 1) if byte_rate > 0 else None)
