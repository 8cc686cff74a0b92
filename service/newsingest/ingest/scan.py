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
- A folder that cannot be listed (permissions, removed during the walk) is logged and skipped.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
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


def _list(folder: bytes) -> Iterator[os.DirEntry[bytes]]:
    """The entries of ``folder``; nothing (logged) when it cannot be listed."""
    try:
        with os.scandir(folder) as entries:
            yield from entries
    except FileNotFoundError:
        log.debug("folder vanished during the inbox walk", folder=display_name(folder))
    except NotADirectoryError:
        log.debug("folder replaced by a file during the inbox walk", folder=display_name(folder))
    except OSError as exc:
        log.warning("cannot list folder; skipped", folder=display_name(folder), errno=exc.errno,
                    error=exc.strerror or str(exc))


def iter_inbox_files(inbox: Path) -> Iterator[InboxEntry]:
    """Every regular, visible, non-temporary file below ``inbox``, lazily, without following any symlink."""
    root = os.fsencode(inbox)
    try:
        root_stat = os.stat(root)
    except OSError as exc:
        log.warning("cannot open inbox", inbox=display_name(root), errno=exc.errno, error=exc.strerror or str(exc))
        return
    seen: set[tuple[int, int]] = {(root_stat.st_dev, root_stat.st_ino)}
    folders: list[bytes] = [root]
    while folders:
        folder = folders.pop()
        subfolders: list[bytes] = []
        for entry in _list(folder):
            if is_ignored_name(entry.name):
                continue
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:  # vanished between listing and lstat
                continue
            if stat.S_ISREG(st.st_mode):
                yield InboxEntry(path=Path(os.fsdecode(entry.path)), raw=entry.path, stat=st)
            elif stat.S_ISDIR(st.st_mode):
                key = (st.st_dev, st.st_ino)
                if key not in seen:
                    seen.add(key)
                    subfolders.append(entry.path)
        folders.extend(reversed(sorted(subfolders)))
