"""Change signals for the inbox: one inotify watch per folder that the inbox walker entered.

Why not watchfiles (used before): its recursive watch follows symbolic links while it sets itself up (a loop
``loop/up -> ..`` hung start-up before "watching inbox"; a link to a folder outside watched that folder) and
it raises "Unable to decode path" for a name that is not UTF-8, which ended the whole watch. Here:

- Watches are added only by ``ingest/scan.py``'s walker (``on_folder``), i.e. only on real folders it
  listed, with ``IN_DONTFOLLOW | IN_ONLYDIR``: no link is followed, a loop cannot exist, nothing blocks.
- Names arrive as bytes and are decoded with surrogateescape (asyncinotify uses ``os.fsdecode``): lossless.
- Events are only hints. A file event asks the watcher to look at that path, a new folder asks for a walk
  of it, a lost event (queue overflow, watch limit reached) asks for a rescan of the whole inbox. What is
  read is decided by ``ingest/reading.py``, which refuses links and anything not a regular file.
- Where inotify is unavailable (not Linux) or the watch limit is reached, periodic rescans alone find files.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from newsingest.ingest.names import display_name
from newsingest.ingest.scan import is_ignored_name
from newsingest.log import get_logger

log = get_logger(__name__)

try:
    from asyncinotify import Inotify, Mask
except (ImportError, OSError, AttributeError):  # no inotify on this platform
    Inotify = None  # type: ignore[assignment,misc]


class ChangeKind(StrEnum):
    FILE = "file"  # look at this file
    FOLDER = "folder"  # walk this new folder
    RESCAN = "rescan"  # events were lost: walk the whole inbox


@dataclass(frozen=True, slots=True)
class Change:
    kind: ChangeKind
    path: Path | None = None
    complete: bool = False
    """A file renamed into the folder (``MOVED_TO``) or closed by its writer (``CLOSE_WRITE``): the writer says
    it is done, so the watcher only takes a quick second look instead of waiting ``file_stable_s``."""


class InboxChanges:
    """inotify watches on the inbox's folders, as a stream of ``Change``."""

    def __init__(self, inbox: Path) -> None:
        self.inbox = inbox
        self._inotify: Any = None
        if Inotify is not None:
            try:
                self._inotify = Inotify()
            except OSError as exc:  # e.g. fs.inotify.max_user_instances reached
                log.warning("inotify unavailable; the inbox is rescanned instead", errno=exc.errno,
                            error=exc.strerror or str(exc))
        self._folders: dict[int, tuple[Path, tuple[int, int]]] = {}  # watch descriptor -> folder, identity
        self.complete = self._inotify is not None
        """False when some folder could not be watched: the caller then rescans more often."""
        if self._inotify is not None:
            self._mask = (
                Mask.CREATE | Mask.CLOSE_WRITE | Mask.MOVED_TO | Mask.MOVE_SELF | Mask.DELETE_SELF
                | Mask.ONLYDIR | Mask.DONT_FOLLOW | Mask.EXCL_UNLINK
            )

    @property
    def mode(self) -> str:
        return "inotify" if self._inotify is not None else "polling"

    def watch(self, folder: bytes) -> None:
        """Watch ``folder`` (a real folder the walker is about to list); failures only make rescans matter."""
        if self._inotify is None:
            return
        try:
            identity = os.lstat(folder)
            watch = self._inotify.add_watch(folder, self._mask)
        except OSError as exc:
            if exc.errno == errno.ENOSPC and self.complete:
                log.warning("inotify watch limit reached; new files in unwatched folders are found by rescans",
                            folder=display_name(folder))
                self.complete = False
            elif exc.errno not in (errno.ENOENT, errno.ENOTDIR, errno.ELOOP):
                log.warning("cannot watch folder; it is rescanned instead", folder=display_name(folder),
                            errno=exc.errno, error=exc.strerror or str(exc))
                self.complete = False
            return
        self._folders[watch.wd] = (Path(os.fsdecode(folder)), (identity.st_dev, identity.st_ino))

    def close(self) -> None:
        if self._inotify is not None:
            self._inotify.close()

    async def __aiter__(self) -> AsyncIterator[Change]:
        if self._inotify is None:
            await asyncio.Event().wait()  # polling only: no change signals, ever
        while True:
            event = await self._inotify.get()
            change = self._interpret(event)
            if change is not None:
                yield change

    def _interpret(self, event: Any) -> Change | None:
        mask = event.mask
        if Mask.Q_OVERFLOW in mask:
            log.warning("inotify queue overflowed; rescanning the inbox")
            return Change(ChangeKind.RESCAN)
        watch = event.watch
        known = self._folders.get(watch.wd) if watch is not None else None
        if Mask.IGNORED in mask:
            if watch is not None:
                self._folders.pop(watch.wd, None)
            return None
        if known is None:
            return None
        folder, identity = known
        if Mask.MOVE_SELF in mask or Mask.DELETE_SELF in mask:
            self._forget_if_moved(watch, folder, identity)
            return None
        if event.name is None or is_ignored_name(os.fsencode(event.name)):
            return None
        path = folder / event.name
        if Mask.ISDIR in mask:
            return Change(ChangeKind.FOLDER, path) if Mask.CREATE in mask or Mask.MOVED_TO in mask else None
        return Change(ChangeKind.FILE, path, complete=Mask.MOVED_TO in mask or Mask.CLOSE_WRITE in mask)

    def _forget_if_moved(self, watch: Any, folder: Path, identity: tuple[int, int]) -> None:
        """A watched folder moved or went away: keep the watch only if the walker re-added it at its new place."""
        try:
            st = os.lstat(folder)
            still_there = (st.st_dev, st.st_ino) == identity
        except OSError:
            still_there = False
        if not still_there:
            self._folders.pop(watch.wd, None)
            with contextlib.suppress(OSError):  # already gone with its folder
                self._inotify.rm_watch(watch)
