"""The inbox watcher: picks up complete files, parses them, produces their articles, then files them away.

A file leaves the inbox only after Kafka acknowledged every article in it (to ``processed/``), or when it can
never be ingested (to ``failed/`` with ``<name>.error.json``). A crash or an outage at any point loses
nothing: the worst case is that a file is produced twice, which the content-derived ``article_id`` makes
harmless.

How files are found: ``ingest/scan.py`` walks the inbox lazily (bytes names, no symlink followed, only regular
files) into a bounded queue, so a backlog of any size starts producing at once and memory holds only the
files queued or in hand (``_pending``); ``ingest/changes.py`` adds inotify watches on the folders the walk
entered and turns events into paths to look at. The whole inbox is walked again every ``RESCAN_INTERVAL_S``
(more often without complete watches); a file already queued or in hand is not queued twice.

What happens to a file (each outcome is logged with the file's readable name):

- gone, or not a regular file (link, FIFO, socket, device) when looked at or opened: nothing;
- complete: unchanged for ``file_stable_s``; a file renamed in or closed by its writer (inotify ``MOVED_TO``,
  ``CLOSE_WRITE``: the writer says it is done) only gets a quick second look, so a file dropped the usual way
  (written elsewhere, renamed in) is read at once;
- changed while or after it was read (grew, shrank, replaced by a rename): waited for until stable, read
  anew; the old content is never filed under the new file's name;
- larger than ``max_file_bytes``, unreadable, unparseable, or its articles deterministically refused
  (serialisation, validation, too large for the broker): ``failed/`` at once, with stage and reason;
- Kafka unavailable (connection, timeout, not enough replicas): retried with backoff, the file stays;
- moving it fails (disk full): retried ``MAX_FILE_ATTEMPTS`` times, then it stays in the inbox untouched
  until it changes, logged as given up: never retried forever.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from newsingest.backoff import backoff_delay
from newsingest.config import Settings
from newsingest.ingest.changes import ChangeKind, InboxChanges
from newsingest.ingest.filing import Failure, file_failed, move_into
from newsingest.ingest.formats.base import ParseError, SourceFile
from newsingest.ingest.formats.registry import parse_file
from newsingest.ingest.names import display_name, with_lossless_name
from newsingest.ingest.outage import describe, is_broker_outage, produce_error_code
from newsingest.ingest.producer import ArticleProducer
from newsingest.ingest.reading import QUICK_LOOK_S, ReadStatus, read_inbox_file, stable_stat
from newsingest.ingest.scan import InboxEntry, is_ignored_name, iter_folder_files, iter_inbox_files
from newsingest.log import get_logger
from newsingest.metrics import FILES
from newsingest.models import RawArticle, utcnow

log = get_logger(__name__)

RESCAN_INTERVAL_S = 30.0
RESCAN_WITHOUT_WATCHES_S = 5.0
MAX_RETRY_DELAY_S = 60.0
FILING_BACKOFF_S = 1.0  # moving a file away: 2, 4, 8, ... s between attempts
MAX_FILE_ATTEMPTS = 5
MAX_CHANGE_ROUNDS = 20
GIVEN_UP_MEMORY = 10_000
INLINE_PARSE_MAX_BYTES = 16 * 1024  # files up to this size (plain text, JSON) are parsed on the event loop
YIELD_EVERY = 256  # walk entries between two turns of the event loop

Parser = Callable[[SourceFile], Sequence[RawArticle]]


def is_candidate(path: Path, inbox: Path) -> bool:
    """A regular, visible, non-temporary file inside the inbox (not through a symlink)."""
    try:
        relative = path.relative_to(inbox)
    except ValueError:
        return False
    if not relative.parts or any(is_ignored_name(part) for part in relative.parts):
        return False
    return path.is_file() and not path.is_symlink()


def _signature(st: os.stat_result) -> tuple[int, int, int, int]:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


class FolderWatcher:
    def __init__(self, settings: Settings, producer: ArticleProducer, *, parser: Parser = parse_file) -> None:
        self.settings = settings
        self.producer = producer
        self.parser = parser
        self.inbox = settings.inbox_dir.resolve()
        self.processed = settings.processed_path.resolve()
        self.failed = settings.failed_path.resolve()
        self._pending: set[Path] = set()  # queued or in hand: never queued twice
        self._dirty: set[Path] = set()  # changed while in hand: looked at again when done
        self._said_complete: set[Path] = set()  # queued on a renamed-in / closed-by-its-writer event
        self._requeues: set[asyncio.Task[None]] = set()
        self._given_up: OrderedDict[Path, tuple[int, int, int, int]] = OrderedDict()
        self._queue: asyncio.Queue[Path] = asyncio.Queue(maxsize=max(64, 4 * settings.watch_concurrency))
        self._rescan = asyncio.Event()
        self._stop = asyncio.Event()
        self.idle = asyncio.Event()

    # --- the loop ------------------------------------------------------------------------------
    async def run(self, stop: asyncio.Event) -> None:
        for folder in (self.inbox, self.processed, self.failed):
            folder.mkdir(parents=True, exist_ok=True)
        self._stop = stop
        changes = InboxChanges(self.inbox)
        log.info("watching inbox", inbox=str(self.inbox), processed=str(self.processed), failed=str(self.failed),
                 notify=changes.mode)
        workers = [asyncio.create_task(self._worker()) for _ in range(self.settings.watch_concurrency)]
        parts = [asyncio.create_task(self._scan_loop(changes)), asyncio.create_task(self._follow(changes))]
        stopping = asyncio.create_task(stop.wait())
        try:
            done, _ = await asyncio.wait([stopping, *parts, *workers], return_when=asyncio.FIRST_COMPLETED)
            for task in done - {stopping}:
                task.result()  # a crashed part ends the watcher (and so the process): crash-only
                raise RuntimeError("a watcher task ended on its own")
        finally:
            for task in (stopping, *parts):
                task.cancel()
            await asyncio.gather(stopping, *parts, return_exceptions=True)
            await self._drain(workers)
            changes.close()

    async def _drain(self, workers: list[asyncio.Task[None]]) -> None:
        """Let in-flight files finish (they are either filed away or stay in the inbox), then stop."""
        try:
            await asyncio.wait_for(self._wait_in_flight(), timeout=30)
        except TimeoutError:
            log.warning("shutdown: abandoning in-flight files; they stay in the inbox", files=len(self._pending))
        for task in workers:
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)

    async def _wait_in_flight(self) -> None:
        while len(self._pending) - self._queue.qsize() > 0:
            await asyncio.sleep(0.05)

    async def _scan_loop(self, changes: InboxChanges) -> None:
        """Walk the whole inbox now, then again every interval or when events were lost."""
        while True:
            self._rescan.clear()
            await self._feed(iter_inbox_files(self.inbox, on_folder=changes.watch))
            interval = RESCAN_INTERVAL_S if changes.complete else RESCAN_WITHOUT_WATCHES_S
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._rescan.wait(), timeout=interval)

    async def _follow(self, changes: InboxChanges) -> None:
        async for change in changes:
            if change.kind is ChangeKind.RESCAN or change.path is None:
                self._rescan.set()
            elif change.kind is ChangeKind.FOLDER:
                await self._feed(iter_folder_files(change.path, on_folder=changes.watch))
            else:
                await self.offer(change.path, complete=change.complete)

    async def _feed(self, entries: Iterator[InboxEntry]) -> None:
        for n, entry in enumerate(entries, 1):
            await self.offer(entry.path)
            if n % YIELD_EVERY == 0:
                await asyncio.sleep(0)

    async def offer(self, path: Path, *, complete: bool = False) -> None:
        """Queue ``path`` unless it is queued or in hand already (waits while the queue is full); ``complete``:
        its writer said it is done (see ``Change.complete``)."""
        if path in self._pending:
            self._dirty.add(path)
            if not complete:
                self._said_complete.discard(path)  # written to again since: wait until it is stable
            return
        if path in self._given_up:
            try:
                unchanged = _signature(os.lstat(path)) == self._given_up[path]
            except OSError:
                unchanged = False
            if unchanged:
                return
            del self._given_up[path]
        self._pending.add(path)
        if complete:
            self._said_complete.add(path)
        self.idle.clear()
        try:
            await self._queue.put(path)
        except asyncio.CancelledError:  # stopping while the queue was full: it was never queued
            self._pending.discard(path)
            self._said_complete.discard(path)
            raise

    async def _worker(self) -> None:
        while True:
            path = await self._queue.get()
            try:
                await self.handle(path)
            except Exception as exc:  # a bug must not stop the watcher, nor make it retry a file forever
                log.exception("unexpected error handling file; setting it aside", file=display_name(path))
                await self._fail(path, None, Failure("watcher", "internal_error", describe(exc), {}))
            finally:
                self._pending.discard(path)
                self._said_complete.discard(path)
                if path in self._dirty:
                    self._dirty.discard(path)
                    again = asyncio.create_task(self.offer(path))  # ends once queued
                    self._requeues.add(again)
                    again.add_done_callback(self._requeues.discard)
                if not self._pending:
                    self.idle.set()

    async def _stopped_within(self, delay: float) -> bool:
        """Sleep ``delay`` seconds; True (at once) when the watcher is stopping."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), timeout=delay)
        return self._stop.is_set()

    # --- one file ------------------------------------------------------------------------------
    async def wait_complete(self, path: Path) -> bool:
        """Wait until size and mtime are unchanged for ``file_stable_s``; False if it went away (or is no
        regular file)."""
        return await stable_stat(path, self.settings.file_stable_s) is not None

    def stability_window(self, path: Path) -> float:
        """How long ``path`` must stay unchanged before it is read: a quick look when its writer said it is done."""
        return QUICK_LOOK_S if path in self._said_complete else self.settings.file_stable_s

    async def handle(self, path: Path) -> None:
        name = display_name(path)
        st = await stable_stat(path, self.stability_window(path))
        if st is None:
            log.debug("file gone or not a regular file; nothing to do", file=name)
            return
        # --- streamed: large JSONL / JSON-array / NewsML-G2 message files (ingest/streamed.py) ----------------
        if st.st_size >= self.settings.stream_min_file_bytes:
            from newsingest.ingest.streamed import StreamedIngest

            streamed = StreamedIngest(self.settings, self.producer, inbox=self.inbox, processed=self.processed,
                                      failed=self.failed, stopping=self._stop)
            if await streamed.ingest(path) is not None:
                return  # filed away, or left in the inbox with its checkpoint; None: not streamable
        # --- end of streamed files ------------------------------------------------------------------------
        if self._too_large(st):
            await self._fail_too_large(path, st)
            return
        read = await self._read(path, st)
        if read is None:
            return
        data, st = read
        articles = await self._parse(path, data, st)
        if articles is None or not await self._produce(path, st, articles):
            return
        await self._file_away(path, st, articles)

    def _too_large(self, st: os.stat_result) -> bool:
        return st.st_size > self.settings.max_file_bytes

    async def _fail_too_large(self, path: Path, st: os.stat_result) -> None:
        limit = self.settings.max_file_bytes
        reason = f"file is {st.st_size} bytes; the limit is {limit}"
        await self._fail(path, st, Failure("size", "file_too_large", reason, {"size": st.st_size, "limit": limit}))

    async def _read(self, path: Path, st: os.stat_result) -> tuple[bytes, os.stat_result] | None:
        """The file's content once it was read whole and unchanged; None when there is nothing to ingest."""
        name = display_name(path)
        for _ in range(MAX_CHANGE_ROUNDS):
            # Small files are read on the event loop (a thread would only add GIL hand-overs); big ones not.
            if st.st_size <= INLINE_PARSE_MAX_BYTES:
                result = read_inbox_file(self.inbox, path, st)
            else:
                result = await asyncio.to_thread(read_inbox_file, self.inbox, path, st)
            if result.status is ReadStatus.OK and result.stat is not None:
                return result.data, result.stat
            if result.status is ReadStatus.VANISHED:
                log.info("file vanished before it was read whole; nothing to do", file=name)
                return None
            if result.status is ReadStatus.NOT_REGULAR:
                log.info("not a regular file (link, FIFO, socket, device, folder); ignored", file=name)
                return None
            if result.status is ReadStatus.UNREADABLE:
                error = result.error
                reason = f"cannot read file: {error.strerror if error and error.strerror else error}"
                await self._fail(path, st, Failure("read", "unreadable", reason,
                                                   {"errno": error.errno if error else None}))
                return None
            log.info("file changed while it was read; waiting until it is stable again", file=name)
            new_st = await stable_stat(path, self.settings.file_stable_s)
            if new_st is None:
                log.info("file vanished while it was read; nothing to do", file=name)
                return None
            st = new_st
            if self._too_large(st):
                await self._fail_too_large(path, st)
                return None
        log.warning("file keeps changing; left for a later look", file=name, rounds=MAX_CHANGE_ROUNDS)
        self._dirty.add(path)
        return None

    async def _parse(self, path: Path, data: bytes, st: os.stat_result) -> list[RawArticle] | None:
        source = SourceFile(name=display_name(path.name), data=data, received_at=utcnow())
        inline = len(data) <= INLINE_PARSE_MAX_BYTES
        try:
            articles = self.parser(source) if inline else await asyncio.to_thread(self.parser, source)
        except ParseError as exc:
            await self._fail(path, st, Failure("parse", exc.code, exc.reason, exc.detail))
            return None
        except Exception as exc:  # a parser bug or a pathological file: the same on every try
            log.exception("parser raised an unexpected error", file=display_name(path))
            await self._fail(path, st, Failure("parse", "parser_error", describe(exc),
                                               {"exception": type(exc).__name__}))
            return None
        return with_lossless_name(articles, path.name)

    async def _produce(self, path: Path, st: os.stat_result, articles: Sequence[RawArticle]) -> bool:
        """True once Kafka acknowledged every article; False when the file was failed or we are stopping."""
        attempt = 0
        while True:
            try:
                await self.producer.send_articles(articles)
                return True
            except Exception as exc:
                if not is_broker_outage(exc):
                    await self._fail(path, st, Failure("produce", produce_error_code(exc), describe(exc),
                                                       {"exception": type(exc).__name__, "articles": len(articles)}))
                    return False
                attempt += 1
                delay = backoff_delay(attempt, cap_s=MAX_RETRY_DELAY_S)
                log.warning("kafka unavailable; file stays in inbox and is retried", file=display_name(path),
                            attempt=attempt, retry_in_s=delay, error=describe(exc))
                FILES.labels("retried").inc()
                if await self._stopped_within(delay):
                    return False

    def _unchanged(self, path: Path, st: os.stat_result) -> bool:
        """True when ``path`` is still the file (same inode, size and mtime) that was read."""
        try:
            return _signature(os.lstat(path)) == _signature(st)
        except OSError:
            return False

    async def _file_away(self, path: Path, st: os.stat_result, articles: Sequence[RawArticle]) -> None:
        name = display_name(path)
        for attempt in range(1, MAX_FILE_ATTEMPTS + 1):
            if not self._unchanged(path, st):  # replaced or rewritten after it was read: look at it again
                log.info("file changed after it was produced; the new content is ingested anew", file=name)
                self._dirty.add(path)
                return
            try:
                target = move_into(path, self.inbox, self.processed)
            except FileNotFoundError:
                log.info("file vanished after it was produced; nothing to file", file=name)
                return
            except OSError as exc:  # e.g. disk full; its articles are in Kafka, a re-send would be harmless
                log.error("could not move file to processed", file=name, attempt=attempt, error=describe(exc))
                if attempt == MAX_FILE_ATTEMPTS or await self._stopped_within(
                        backoff_delay(attempt, base_s=FILING_BACKOFF_S, cap_s=MAX_RETRY_DELAY_S)):
                    break
                continue
            FILES.labels("processed").inc()
            log.info("file ingested", file=name, moved_to=display_name(target), articles=len(articles),
                     article_ids=[a.article_id for a in articles])
            return
        if not self._stop.is_set():
            await self._fail(path, st, Failure("file", "move_failed", "could not move the file to processed/ "
                                               f"after {MAX_FILE_ATTEMPTS} attempts", {}))

    async def _fail(self, path: Path, st: os.stat_result | None, failure: Failure) -> None:
        """Set the file aside in ``failed/`` with its reason; if even that fails, leave it until it changes."""
        name = display_name(path)
        for attempt in range(1, MAX_FILE_ATTEMPTS + 1):
            if st is not None and not self._unchanged(path, st):
                log.info("file changed before it could be set aside; looking at it again", file=name,
                         code=failure.code)
                self._dirty.add(path)
                return
            try:
                target = file_failed(path, self.inbox, self.failed, failure)
            except FileNotFoundError:
                log.info("file vanished before it could be set aside", file=name, code=failure.code)
                return
            except (OSError, UnicodeError) as exc:
                log.error("could not move failed file", file=name, attempt=attempt, error=describe(exc))
                if await self._stopped_within(
                        backoff_delay(attempt, base_s=FILING_BACKOFF_S, cap_s=MAX_RETRY_DELAY_S)):
                    return
                continue
            FILES.labels("failed").inc()
            log.warning("file failed", file=name, moved_to=display_name(target), stage=failure.stage,
                        code=failure.code, reason=failure.reason)
            return
        self._give_up(path, failure)

    def _give_up(self, path: Path, failure: Failure) -> None:
        try:
            self._given_up[path] = _signature(os.lstat(path))
        except OSError:
            return
        while len(self._given_up) > GIVEN_UP_MEMORY:
            self._given_up.popitem(last=False)
        FILES.labels("given_up").inc()
        log.error("giving up on file; it stays in the inbox until it changes", file=display_name(path),
                  stage=failure.stage, code=failure.code, reason=failure.reason)

