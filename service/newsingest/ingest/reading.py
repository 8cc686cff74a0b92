"""Reading one inbox file so that no file-system state can block, escape the inbox or give torn content.

- Every path component below the inbox is opened with ``O_NOFOLLOW`` relative to its parent's descriptor,
  so a symlink anywhere on the way (also one swapped in after the walk saw a folder) is refused: nothing
  outside the inbox is ever read.
- The file is opened with ``O_NONBLOCK`` and the opened descriptor is ``fstat``-ed: a FIFO, socket or device
  swapped in for a regular file is refused without blocking.
- The content is read up to one byte past the size the descriptor reported; afterwards size and mtime of
  the descriptor and the inode behind the name are compared with what was read. Any difference is
  ``CHANGED`` (the caller waits until the file is stable again and reads it anew); a name that no longer
  exists is ``VANISHED``.
"""

from __future__ import annotations

import asyncio
import errno
import os
import stat
import time
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

QUICK_LOOK_S = 0.02
_READ_CHUNK = 1 << 20
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC

_VANISHED_ERRNOS = {errno.ENOENT, errno.ENOTDIR}
_NOT_REGULAR_ERRNOS = {errno.ELOOP, errno.ENXIO, errno.ENODEV, errno.EISDIR, errno.EWOULDBLOCK, errno.EOPNOTSUPP}


class ReadStatus(StrEnum):
    OK = "ok"
    VANISHED = "vanished"  # gone before or while it was read: nothing to do
    NOT_REGULAR = "not_regular"  # a symlink, FIFO, socket, device or folder: not an inbox file
    CHANGED = "changed"  # grew, shrank or was replaced while read: wait until stable, read again
    UNREADABLE = "unreadable"  # cannot be opened or read: failed/ with this reason


@dataclass(frozen=True, slots=True)
class ReadResult:
    status: ReadStatus
    data: bytes = b""
    stat: os.stat_result | None = None
    error: OSError | None = None


def classify_os_error(exc: OSError) -> ReadStatus:
    """What an ``OSError`` from opening or reading an inbox file means for it."""
    if exc.errno in _VANISHED_ERRNOS:
        return ReadStatus.VANISHED
    if exc.errno in _NOT_REGULAR_ERRNOS:
        return ReadStatus.NOT_REGULAR
    return ReadStatus.UNREADABLE


def relative_parts(path: Path, inbox: Path) -> list[bytes]:
    """The components of ``path`` below ``inbox`` as bytes; ValueError when it is not below it."""
    parts = [os.fsencode(p) for p in path.relative_to(inbox).parts]
    if not parts or any(p in (b"", b".", b"..") for p in parts):
        raise ValueError(f"not a file path below the inbox: {path!r}")
    return parts


def open_beneath(inbox: Path, path: Path) -> int:
    """A descriptor of ``path``, opened component by component below ``inbox`` without following any link."""
    parts = relative_parts(path, inbox)
    fd = os.open(os.fsencode(inbox), _DIR_FLAGS)
    try:
        for part in parts[:-1]:
            child = os.open(part, _DIR_FLAGS, dir_fd=fd)
            os.close(fd)
            fd = child
        return os.open(parts[-1], FILE_FLAGS, dir_fd=fd)
    finally:
        os.close(fd)


def _read_all(fd: int, size: int) -> bytes:
    """Up to ``size + 1`` bytes: one more than expected shows that the file grew."""
    chunks: list[bytes] = []
    remaining = size + 1
    while remaining > 0:
        chunk = os.read(fd, min(remaining, _READ_CHUNK))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _same(a: os.stat_result, b: os.stat_result) -> bool:
    return (a.st_dev, a.st_ino, a.st_size, a.st_mtime_ns) == (b.st_dev, b.st_ino, b.st_size, b.st_mtime_ns)


def read_inbox_file(inbox: Path, path: Path, expected: os.stat_result) -> ReadResult:
    """The whole content of the regular file at ``path``, if it is still the file ``expected`` describes."""
    try:
        fd = open_beneath(inbox, path)
    except OSError as exc:
        return ReadResult(classify_os_error(exc), error=exc)
    try:
        before = os.fstat(fd)
        if not stat.S_ISREG(before.st_mode):
            return ReadResult(ReadStatus.NOT_REGULAR, stat=before)
        if not _same(before, expected):
            return ReadResult(ReadStatus.CHANGED, stat=before)
        try:
            data = _read_all(fd, before.st_size)
        except OSError as exc:
            return ReadResult(classify_os_error(exc), error=exc)
        after = os.fstat(fd)
    finally:
        os.close(fd)
    if len(data) != after.st_size or not _same(before, after):
        return ReadResult(ReadStatus.CHANGED, stat=after)
    try:
        now = os.lstat(path)
    except OSError as exc:  # removed (or its folder) while it was read
        return ReadResult(classify_os_error(exc), error=exc)
    if not _same(now, after):  # replaced by a rename, or written again, while it was read
        return ReadResult(ReadStatus.CHANGED, stat=now)
    return ReadResult(ReadStatus.OK, data=data, stat=after)


async def stable_stat(path: Path, stable_s: float) -> os.stat_result | None:
    """``lstat`` of ``path`` once size and mtime stayed unchanged for ``stable_s``; None if it is gone or
    not a regular file.

    A file last modified longer ago than that (written elsewhere and renamed in, the usual way to drop a
    file) only gets a quick second look; a file still being written is watched until it stops changing.
    """
    previous: tuple[int, int, int, int] | None = None
    while True:
        try:
            st = os.lstat(path)
        except OSError:
            return None
        if not stat.S_ISREG(st.st_mode):
            return None
        current = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
        if current == previous:
            return st
        previous = current
        age = time.time() - st.st_mtime
        await asyncio.sleep(QUICK_LOOK_S if age >= stable_s else max(QUICK_LOOK_S, stable_s - age))
