"""A byte-safe, lazy walk over the inbox that nothing a file system can hold makes crash, hang or leave it.

- Names are handled as bytes (``os.scandir`` on ``os.fsencode(inbox)``): a name that is not UTF-8 is a name
  like any other. ``InboxEntry.path`` is built with ``os.fsdecode`` (surrogateescape), so it is lossless and
  usable with every ``os``/``pathlib`` call.
- Symbolic links are never followed, neither to files nor to folders, inside the inbox or out of it: a link
  loop cannot make the walk recurse and nothing outside the inbox is ever listed. Directories are also
  remembered by (device, inode) so a bind-mount loop is entered only once.
- Only regular files are yielded (``lstat`` + ``S_ISREG``): FIFOs, sockets and devices are skipped.
- Hidden and temporary names are skipped, for files and folders alike (``is_ignored_name``).
- It is a generator: the first file comes as soon as it is listed, long before a big tree has been read, and
  memory holds only the folders still to visit, never the list of files.
- A folder that cannot be listed (permissions, removed or replaced during the walk) is logged and skipped.

The walk only finds candidates. What keeps reads inside the inbox is ``ingest/reading.py``, which opens every
path component below the inbox with ``O_NOFOLLOW``: a race that swaps a folder for a link cannot lead a read out.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from newsingest.ingest.names import display_name
from newsingest.log import get_logger

log = get_logger(__name__)

IGNORED_SUFFIXES = (".part", ".partial", ".tmp", ".temp", ".crdownload", ".download", ".swp", ".lock")
_IGNORED_SUFFIXES_B = tuple(s.encode() for s in IGNORED_SUFFIXES)


def is_ignored_name(name: bytes | str) -> bool:
    """Hidden (``.x``), temporary (``.part``, ``.tmp``, ... , ``x~``) or an Office lock file (``~$x``)."""
    raw = os.fsencode(name) if isinstance(name, str) else name
    lower = raw.lower()
    return (
        raw.startswith(b".")
        or lower.endswith(b"~")
        or lower.endswith(_IGNORED_SUFFIXES_B)
        or raw.startswith(b"~$")
    )


@dataclass(frozen=True, slots=True)
class InboxEntry:
    """One regular file found in the inbox."""

    path: Path
    """``os.fsdecode`` of ``raw``: lossless (surrogateescape), usable with every file-system call."""
    raw: bytes
    """The path exactly as the file system holds it."""
    stat: os.stat_result
    """``lstat`` of the file when it was listed."""

    @property
    def identity(self) -> tuple[int, int]:
        """(device, inode): the same file under whatever name."""
        return (self.stat.st_dev, self.stat.st_ino)


_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


def _list(folder: bytes, identity: tuple[int, int] | None) -> Iterator[tuple[bytes, os.DirEntry[str]]]:
    """(name, entry) for each entry of ``folder``; nothing (logged) when it cannot be listed.

    The folder is opened with ``O_NOFOLLOW`` and must still be the directory (device, inode) that was seen
    when it was found, so a folder swapped for a symlink during the walk is not listed.
    """
    try:
        fd = os.open(folder, _DIR_FLAGS)
    except FileNotFoundError:
        log.debug("folder vanished during the inbox walk", folder=display_name(folder))
        return
    except OSError as exc:  # ELOOP/ENOTDIR: replaced by a link or a file; EACCES: not ours to read
        log.warning("cannot list folder; skipped", folder=display_name(folder), errno=exc.errno,
                    error=exc.strerror or str(exc))
        return
    try:
        st = os.fstat(fd)
        if identity is not None and (st.st_dev, st.st_ino) != identity:
            log.info("folder replaced during the inbox walk; skipped", folder=display_name(folder))
            return
        with os.scandir(fd) as entries:
            for entry in entries:
                yield os.fsencode(entry.name), entry
    except OSError as exc:
        log.warning("cannot list folder; skipped", folder=display_name(folder), errno=exc.errno,
                    error=exc.strerror or str(exc))
    finally:
        os.close(fd)


FolderHook = Callable[[bytes], None]


def iter_inbox_files(inbox: Path, *, on_folder: FolderHook | None = None) -> Iterator[InboxEntry]:
    """Every regular, visible, non-temporary file below ``inbox``, lazily, without following any symlink.

    ``on_folder`` is called with each folder's path (the inbox included) just before it is listed, e.g. to
    put a change watch on it first so that nothing created during the listing is missed.
    """
    root = os.fsencode(inbox)
    yield from _walk(root, None, on_folder)


def iter_folder_files(folder: Path, *, on_folder: FolderHook | None = None) -> Iterator[InboxEntry]:
    """Like ``iter_inbox_files`` for a folder below the inbox, which must itself be a folder, not a link."""
    raw = os.fsencode(folder)
    try:
        st = os.lstat(raw)
    except OSError:
        return
    if stat.S_ISDIR(st.st_mode):
        yield from _walk(raw, (st.st_dev, st.st_ino), on_folder)


def _walk(root: bytes, identity: tuple[int, int] | None, on_folder: FolderHook | None) -> Iterator[InboxEntry]:
    seen: set[tuple[int, int]] = set() if identity is None else {identity}
    folders: list[tuple[bytes, tuple[int, int] | None]] = [(root, identity)]
    while folders:
        folder, expected = folders.pop()
        if on_folder is not None:
            on_folder(folder)
        subfolders: list[tuple[bytes, tuple[int, int]]] = []
        for name, entry in _list(folder, expected):
            if is_ignored_name(name):
                continue
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:  # vanished between listing and lstat
                continue
            path = os.path.join(folder, name)
            if stat.S_ISREG(st.st_mode):
                yield InboxEntry(path=Path(os.fsdecode(path)), raw=path, stat=st)
            elif stat.S_ISDIR(st.st_mode):
                key = (st.st_dev, st.st_ino)
                if key not in seen:
                    seen.add(key)
                    subfolders.append((path, key))
        folders.extend(sorted(subfolders, reverse=True))
