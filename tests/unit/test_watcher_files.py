"""Which files the watcher takes, and where it files them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsingest.ingest.filing import Failure, file_failed, move_into, unique_target
from newsingest.ingest.watcher import is_candidate


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("article.txt", True),
        ("sub/dir/article.json", True),
        (".hidden.txt", False),
        (".git/objects/x", False),
        ("article.txt.part", False),
        ("upload.tmp", False),
        ("draft.txt~", False),
        ("~$lock.docx", False),
        ("download.crdownload", False),
    ],
)
def test_candidates(tmp_path: Path, name: str, expected: bool) -> None:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("x")
    assert is_candidate(path, tmp_path) is expected


def test_directories_and_outside_paths_are_not_candidates(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    assert not is_candidate(tmp_path / "d", tmp_path)
    assert not is_candidate(Path("/etc/hostname"), tmp_path)


def test_move_keeps_relative_path_and_never_overwrites(tmp_path: Path) -> None:
    inbox, done = tmp_path / "inbox", tmp_path / "processed"
    (inbox / "a").mkdir(parents=True)
    for content in ("one", "two"):
        src = inbox / "a" / "x.txt"
        src.write_text(content)
        move_into(src, inbox, done)
    assert (done / "a" / "x.txt").read_text() == "one"
    assert (done / "a" / "x.1.txt").read_text() == "two"
    assert unique_target(done / "a" / "x.txt") == done / "a" / "x.2.txt"


def test_failed_file_gets_an_error_record(tmp_path: Path) -> None:
    inbox, failed = tmp_path / "inbox", tmp_path / "failed"
    inbox.mkdir()
    src = inbox / "bad.bin"
    src.write_bytes(b"\x00\x01")
    target = file_failed(src, inbox, failed, Failure("parse", "binary_file", "not text", {"size": 2}))
    assert target == failed / "bad.bin"
    assert target.exists()
    assert not src.exists()
    record = json.loads((failed / "bad.bin.error.json").read_text())
    assert record["code"] == "binary_file"
    assert record["stage"] == "parse"
    assert record["reason"] == "not text"
    assert record["size"] == 2
    assert record["failed_at"]


async def test_a_file_still_being_written_is_not_taken_before_it_stops_changing(tmp_path: Path) -> None:
    import asyncio
    import time

    from newsingest.config import Settings
    from newsingest.ingest.watcher import FolderWatcher

    settings = Settings(inbox_dir=tmp_path, file_stable_s=0.3)
    watcher = FolderWatcher(settings, producer=None)  # type: ignore[arg-type]
    path = tmp_path / "growing.txt"
    path.write_text("start\n")

    async def writer() -> float:
        for _ in range(8):
            await asyncio.sleep(0.1)
            with open(path, "a") as fh:  # noqa: ASYNC230 - a tiny local append in a test
                fh.write("more\n")
        return time.monotonic()

    write_task = asyncio.create_task(writer())
    assert await watcher.wait_complete(path)
    completed_at = time.monotonic()
    last_write = await write_task
    assert completed_at >= last_write
    assert path.read_text().count("more") == 8


async def test_a_file_renamed_in_is_taken_at_once(tmp_path: Path) -> None:
    import os
    import time

    from newsingest.config import Settings
    from newsingest.ingest.watcher import FolderWatcher

    watcher = FolderWatcher(Settings(inbox_dir=tmp_path, file_stable_s=5.0), producer=None)  # type: ignore[arg-type]
    path = tmp_path / "old.txt"
    path.write_text("written a while ago")
    old = time.time() - 60
    os.utime(path, (old, old))
    started = time.monotonic()
    assert await watcher.wait_complete(path)
    assert time.monotonic() - started < 1.0
    assert not await watcher.wait_complete(tmp_path / "gone.txt")


async def test_a_file_its_writer_says_is_done_gets_only_a_quick_look(tmp_path: Path) -> None:
    """inotify MOVED_TO / CLOSE_WRITE (``Change.complete``) on the real kernel: a file renamed in right after it
    was written is read after a quick look, not after ``file_stable_s``; a file written to again is waited for."""
    import asyncio
    import os

    from newsingest.config import Settings
    from newsingest.ingest.changes import ChangeKind, InboxChanges
    from newsingest.ingest.reading import QUICK_LOOK_S
    from newsingest.ingest.watcher import FolderWatcher

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    changes = InboxChanges(inbox)
    if changes.mode != "inotify":
        pytest.skip("no inotify on this system")
    changes.watch(os.fsencode(inbox))
    seen = []

    async def collect(n: int) -> None:
        async for change in changes:
            seen.append(change)
            if len(seen) >= n:
                return

    (tmp_path / "staged.txt").write_text("written elsewhere")
    os.rename(tmp_path / "staged.txt", inbox / "renamed.txt")
    with open(inbox / "written.txt", "w") as fh:  # noqa: ASYNC230 - a tiny local write in a test
        fh.write("written in place")
    await asyncio.wait_for(collect(3), timeout=5)
    changes.close()
    by_name = [(c.path.name if c.path else None, c.complete) for c in seen if c.kind is ChangeKind.FILE]
    assert by_name == [("renamed.txt", True), ("written.txt", False), ("written.txt", True)]

    settings = Settings(inbox_dir=inbox, file_stable_s=5.0, watch_concurrency=1)
    watcher = FolderWatcher(settings, producer=None)  # type: ignore[arg-type]
    await watcher.offer(inbox / "renamed.txt", complete=True)
    await watcher.offer(inbox / "written.txt")
    assert watcher.stability_window(inbox / "renamed.txt") == QUICK_LOOK_S
    assert watcher.stability_window(inbox / "written.txt") == 5.0
    await watcher.offer(inbox / "renamed.txt")  # written to again while queued: wait until it is stable
    assert watcher.stability_window(inbox / "renamed.txt") == 5.0
