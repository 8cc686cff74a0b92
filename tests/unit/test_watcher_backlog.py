"""The watcher's queue: bounded, lazy, and a file queued or in hand is never queued twice (no Kafka needed:
these never produce)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from newsingest.config import Settings
from newsingest.ingest.watcher import FolderWatcher


def _watcher(inbox: Path, concurrency: int = 1) -> FolderWatcher:
    return FolderWatcher(Settings(inbox_dir=inbox, watch_concurrency=concurrency), producer=None)  # type: ignore[arg-type]


async def test_a_path_queued_or_in_hand_is_not_queued_again_but_looked_at_once_more(tmp_path: Path) -> None:
    watcher = _watcher(tmp_path)
    path = tmp_path / "a.txt"
    await watcher.offer(path)
    await watcher.offer(path)  # e.g. a rescan or a second event while it waits
    assert watcher._queue.qsize() == 1
    assert path in watcher._dirty


async def test_the_backlog_walk_waits_for_queue_space_instead_of_listing_everything(tmp_path: Path) -> None:
    for i in range(300):
        (tmp_path / f"f{i:03}.txt").write_text("x")
    watcher = _watcher(tmp_path)
    capacity = watcher._queue.maxsize
    assert capacity < 300
    listed: list[bytes] = []

    async def walk() -> None:
        from newsingest.ingest.scan import iter_inbox_files

        await watcher._feed(iter_inbox_files(tmp_path, on_folder=listed.append))

    feeder = asyncio.create_task(walk())
    while watcher._queue.qsize() < capacity:
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.05)
    assert not feeder.done()  # blocked on the full queue, holding one path in hand at most
    assert len(watcher._pending) == capacity + 1
    feeder.cancel()
    await asyncio.gather(feeder, return_exceptions=True)
    assert len(watcher._pending) == capacity  # the one it held was never queued: not counted as in flight


async def test_a_rescan_does_not_queue_files_already_pending(tmp_path: Path) -> None:
    from newsingest.ingest.scan import iter_inbox_files

    for i in range(5):
        (tmp_path / f"f{i}.txt").write_text("x")
    watcher = _watcher(tmp_path)
    await watcher._feed(iter_inbox_files(tmp_path))
    await watcher._feed(iter_inbox_files(tmp_path))  # the periodic rescan
    assert watcher._queue.qsize() == 5
    assert {os.path.basename(p) for p in watcher._pending} == {f"f{i}.txt" for i in range(5)}
