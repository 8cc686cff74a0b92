"""The inbox watcher: picks up complete files, parses them, produces their articles, then files them away.

A file leaves the inbox only after Kafka acknowledged every article in it (to ``processed/``), or when it can
never be read (to ``failed/`` with ``<name>.error.json``). When Kafka is unavailable the file stays where it is
and is tried again with backoff, so a crash or an outage at any point loses nothing: the worst case is that a
file is produced twice, which the content-derived ``article_id`` makes harmless.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from watchfiles import Change, awatch

from newsingest.config import Settings
from newsingest.ingest.filing import Failure, file_failed, move_into
from newsingest.ingest.formats.base import ParseError, SourceFile
from newsingest.ingest.formats.registry import parse_file
from newsingest.ingest.producer import ArticleProducer
from newsingest.log import get_logger
from newsingest.metrics import FILES
from newsingest.models import RawArticle, utcnow

log = get_logger(__name__)

IGNORED_SUFFIXES = (".part", ".partial", ".tmp", ".temp", ".crdownload", ".download", ".swp", ".lock")
RESCAN_INTERVAL_S = 30.0
MAX_RETRY_DELAY_S = 60.0
QUICK_LOOK_S = 0.02
INLINE_PARSE_MAX_BYTES = 16 * 1024  # files up to this size (plain text, JSON) are parsed on the event loop

Parser = Callable[[SourceFile], Sequence[RawArticle]]


def is_candidate(path: Path, inbox: Path) -> bool:
    """A regular, visible, non-temporary file inside the inbox."""
    try:
        relative = path.relative_to(inbox)
    except ValueError:
        return False
    if any(part.startswith(".") for part in relative.parts):
        return False
    name = path.name.lower()
    if name.endswith("~") or name.endswith(IGNORED_SUFFIXES) or name.startswith("~$"):
        return False
    return path.is_file() and not path.is_symlink()


class FolderWatcher:
    def __init__(self, settings: Settings, producer: ArticleProducer, *, parser: Parser = parse_file) -> None:
        self.settings = settings
        self.producer = producer
        self.parser = parser
        self.inbox = settings.inbox_dir.resolve()
        self.processed = settings.processed_path.resolve()
        self.failed = settings.failed_path.resolve()
        self._pending: set[Path] = set()
        self._attempts: dict[Path, int] = {}
        self._queue: asyncio.Queue[Path] = asyncio.Queue()
        self.idle = asyncio.Event()

    # --- the loop ------------------------------------------------------------------------------
    async def run(self, stop: asyncio.Event) -> None:
        for folder in (self.inbox, self.processed, self.failed):
            folder.mkdir(parents=True, exist_ok=True)
        log.info("watching inbox", inbox=str(self.inbox), processed=str(self.processed), failed=str(self.failed))
        workers = [asyncio.create_task(self._worker()) for _ in range(self.settings.watch_concurrency)]
        try:
            self.enqueue_existing()
            last_scan = time.monotonic()
            async for changes in awatch(
                self.inbox, stop_event=stop, debounce=200, step=50, rust_timeout=5000, yield_on_timeout=True
            ):
                for change, raw_path in changes:
                    if change != Change.deleted:
                        self._enqueue(Path(raw_path))
                if time.monotonic() - last_scan > RESCAN_INTERVAL_S:
                    self.enqueue_existing()  # catches events lost e.g. while the inbox was unmounted
                    last_scan = time.monotonic()
        finally:
            await self._drain(workers)

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
        while self._in_progress:
            await asyncio.sleep(0.05)

    @property
    def _in_progress(self) -> int:
        return len(self._pending) - self._queue.qsize()

    def enqueue_existing(self) -> None:
        for path in sorted(self.inbox.rglob("*")):
            self._enqueue(path)

    def _enqueue(self, path: Path) -> None:
        if path in self._pending or not is_candidate(path, self.inbox):
            return
        self._pending.add(path)
        self.idle.clear()
        self._queue.put_nowait(path)

    async def _worker(self) -> None:
        while True:
            path = await self._queue.get()
            try:
                await self.handle(path)
            except Exception:  # a bug must not stop the watcher; the file stays and is retried
                log.exception("unexpected error handling file; will retry", file=str(path))
                self._retry_later(path)
            finally:
                self._pending.discard(path)
                if not self._pending:
                    self.idle.set()

    def _retry_later(self, path: Path) -> None:
        attempt = self._attempts.get(path, 0) + 1
        self._attempts[path] = attempt
        delay = min(MAX_RETRY_DELAY_S, 0.5 * 2**attempt)
        asyncio.get_running_loop().call_later(delay, self._enqueue, path)

    # --- one file ------------------------------------------------------------------------------
    async def wait_complete(self, path: Path) -> bool:
        """Wait until size and mtime are unchanged for ``file_stable_s``; False if the file went away.

        A file last modified longer ago than that (written elsewhere and renamed in, the usual way to drop a
        file) only gets a quick second look; a file still being written is watched until it stops changing.
        """
        stable = self.settings.file_stable_s
        previous: tuple[int, int] | None = None
        while True:
            try:
                st = path.stat()
            except FileNotFoundError:
                return False
            current = (st.st_size, st.st_mtime_ns)
            if current == previous:
                return True
            previous = current
            age = time.time() - st.st_mtime
            await asyncio.sleep(QUICK_LOOK_S if age >= stable else max(QUICK_LOOK_S, stable - age))

    async def handle(self, path: Path) -> None:
        if not await self.wait_complete(path):
            return
        size = path.stat().st_size
        if size > self.settings.max_file_bytes:
            self._fail(path, Failure("size", "file_too_large",
                                     f"file is {size} bytes; the limit is {self.settings.max_file_bytes}",
                                     {"size": size, "limit": self.settings.max_file_bytes}))
            return
        # Small files are read and parsed on the event loop (about a millisecond): a worker thread would only
        # add GIL hand-overs that delay the loop. Big ones go to a thread so the loop stays responsive.
        inline = size <= INLINE_PARSE_MAX_BYTES
        try:
            data = path.read_bytes() if inline else await asyncio.to_thread(path.read_bytes)
        except OSError as exc:
            if not path.exists():
                return
            self._fail(path, Failure("read", "unreadable", f"cannot read file: {exc}", {"errno": exc.errno}))
            return
        source = SourceFile(name=path.name, data=data, received_at=utcnow())
        try:
            articles = self.parser(source) if inline else await asyncio.to_thread(self.parser, source)
        except ParseError as exc:
            self._fail(path, Failure("parse", exc.code, exc.reason, exc.detail))
            return
        try:
            await self.producer.send_articles(articles)
        except Exception as exc:  # Kafka unavailable or timing out: keep the file, try again later
            log.warning("kafka did not acknowledge; file stays in inbox and is retried",
                        file=str(path), error=f"{type(exc).__name__}: {exc}")
            FILES.labels("retried").inc()
            self._retry_later(path)
            return
        try:
            target = move_into(path, self.inbox, self.processed)
        except OSError as exc:  # e.g. disk full; articles are in Kafka, a retry produces them again harmlessly
            log.error("could not move file to processed; will retry", file=str(path), error=str(exc))
            self._retry_later(path)
            return
        self._attempts.pop(path, None)
        FILES.labels("processed").inc()
        log.info("file ingested", file=str(path), moved_to=str(target), articles=len(articles),
                 article_ids=[a.article_id for a in articles])

    def _fail(self, path: Path, failure: Failure) -> None:
        try:
            target = file_failed(path, self.inbox, self.failed, failure)
        except OSError as exc:
            log.error("could not move failed file; will retry", file=str(path), error=str(exc))
            self._retry_later(path)
            return
        self._attempts.pop(path, None)
        FILES.labels("failed").inc()
        log.warning("file failed", file=str(path), moved_to=str(target), stage=failure.stage,
                    code=failure.code, reason=failure.reason)
