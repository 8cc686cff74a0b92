"""Reading one inbox file: each thing a file system can do to it mid-read has one defined outcome."""

from __future__ import annotations

import asyncio
import errno
import os
from pathlib import Path

import pytest

from newsingest.ingest.reading import (
    ReadStatus,
    classify_os_error,
    open_beneath,
    read_inbox_file,
    relative_parts,
    stable_stat,
)


def _write(path: Path, data: bytes) -> os.stat_result:
    path.write_bytes(data)
    return os.lstat(path)


def test_a_stable_regular_file_is_read_whole(tmp_path: Path) -> None:
    st = _write(tmp_path / "a.txt", b"hello")
    result = read_inbox_file(tmp_path, tmp_path / "a.txt", st)
    assert result.status is ReadStatus.OK
    assert result.data == b"hello"
    assert result.stat is not None
    assert result.stat.st_size == 5


def test_a_non_utf8_name_is_read(tmp_path: Path) -> None:
    raw = os.fsencode(tmp_path) + b"/\xff\xfe.txt"
    with open(raw, "wb") as handle:
        handle.write(b"bytes name")
    path = Path(os.fsdecode(raw))
    result = read_inbox_file(tmp_path, path, os.lstat(path))
    assert (result.status, result.data) == (ReadStatus.OK, b"bytes name")


def test_a_file_that_vanished_before_it_was_opened(tmp_path: Path) -> None:
    st = _write(tmp_path / "gone.txt", b"x")
    (tmp_path / "gone.txt").unlink()
    assert read_inbox_file(tmp_path, tmp_path / "gone.txt", st).status is ReadStatus.VANISHED


def test_a_file_that_grew_or_shrank_after_it_looked_stable_is_changed(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    st = _write(path, b"12345")
    with open(path, "ab") as handle:
        handle.write(b"678")
    assert read_inbox_file(tmp_path, path, st).status is ReadStatus.CHANGED
    st = os.lstat(path)
    os.truncate(path, 2)
    assert read_inbox_file(tmp_path, path, st).status is ReadStatus.CHANGED
    assert read_inbox_file(tmp_path, path, os.lstat(path)).data == b"12"


def test_a_file_replaced_by_a_rename_is_changed_and_the_new_one_reads(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    st = _write(path, b"old content")
    _write(tmp_path / "new.tmp", b"new content")
    os.rename(tmp_path / "new.tmp", path)
    assert read_inbox_file(tmp_path, path, st).status is ReadStatus.CHANGED
    assert read_inbox_file(tmp_path, path, os.lstat(path)).data == b"new content"


def test_links_fifos_and_folders_are_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "secret.txt"
    st = _write(secret, b"secret")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "link.txt").symlink_to(secret)
    assert read_inbox_file(inbox, inbox / "link.txt", st).status is ReadStatus.NOT_REGULAR
    (inbox / "dir").symlink_to(outside)  # a link on the way, not only at the end
    through_link = read_inbox_file(inbox, inbox / "dir" / "secret.txt", st)  # ENOTDIR: as if it was not there
    assert through_link.status in (ReadStatus.NOT_REGULAR, ReadStatus.VANISHED)
    assert through_link.data == b""
    os.mkfifo(inbox / "pipe")  # opened without a writer: must not block
    assert read_inbox_file(inbox, inbox / "pipe", os.lstat(inbox / "pipe")).status is ReadStatus.NOT_REGULAR
    (inbox / "folder").mkdir()
    assert read_inbox_file(inbox, inbox / "folder", os.lstat(inbox / "folder")).status in (
        ReadStatus.NOT_REGULAR, ReadStatus.CHANGED)


@pytest.mark.parametrize(
    ("code", "status"),
    [
        (errno.ENOENT, ReadStatus.VANISHED),
        (errno.ENOTDIR, ReadStatus.VANISHED),
        (errno.ELOOP, ReadStatus.NOT_REGULAR),
        (errno.ENXIO, ReadStatus.NOT_REGULAR),
        (errno.EACCES, ReadStatus.UNREADABLE),
        (errno.EPERM, ReadStatus.UNREADABLE),
        (errno.EIO, ReadStatus.UNREADABLE),
    ],
)
def test_os_errors_are_classified(code: int, status: ReadStatus) -> None:
    assert classify_os_error(OSError(code, os.strerror(code))) is status


def test_paths_outside_or_with_dot_dot_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"inbox|subpath"):
        relative_parts(Path("/etc/passwd"), tmp_path)
    with pytest.raises(ValueError, match=r"inbox|subpath"):
        relative_parts(tmp_path / ".." / "x", tmp_path)
    with pytest.raises(ValueError, match=r"inbox|subpath"):
        open_beneath(tmp_path, tmp_path)


async def test_stable_stat_waits_for_a_growing_file_and_sees_vanished_and_special_files(tmp_path: Path) -> None:
    path = tmp_path / "growing.txt"
    path.write_bytes(b"a")

    async def grow() -> None:
        for _ in range(5):
            await asyncio.sleep(0.05)
            with open(path, "ab") as handle:  # noqa: ASYNC230 - a tiny local append in a test
                handle.write(b"b")

    writer = asyncio.create_task(grow())
    st = await stable_stat(path, 0.2)
    await writer
    assert st is not None
    assert st.st_size == 6
    assert await stable_stat(tmp_path / "missing", 0.2) is None
    os.mkfifo(tmp_path / "pipe")
    assert await stable_stat(tmp_path / "pipe", 0.2) is None
    (tmp_path / "link").symlink_to(path)
    assert await stable_stat(tmp_path / "link", 0.2) is None
