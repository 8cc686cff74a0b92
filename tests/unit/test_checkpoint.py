"""Checkpoint records of streamed files: written atomically, matched to the unchanged file only."""

from __future__ import annotations

import os
from pathlib import Path

from newsingest.ingest.checkpoint import (
    FileCheckpoint,
    iter_checkpoints,
    load_checkpoint,
    remove_checkpoint,
    save_checkpoint,
)
from newsingest.ingest.streamed import _b64


def _record(path: Path) -> FileCheckpoint:
    st = path.stat()
    return FileCheckpoint(path_b64=_b64(path), display_path=str(path), device=st.st_dev, inode=st.st_ino,
                          size=st.st_size, mtime_ns=st.st_mtime_ns, offset_acked=3, items_done=1, format="jsonl")


def test_saved_record_resumes_only_the_unchanged_file(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_bytes(b'{"title": "a"}\n')
    records = tmp_path / "records"
    save_checkpoint(records, path, _record(path))
    loaded = load_checkpoint(records, path)
    assert loaded is not None
    assert loaded.path == path
    assert loaded.matches(path.stat())
    with open(path, "ab") as fh:
        fh.write(b'{"title": "b"}\n')
    assert not loaded.matches(path.stat())
    assert [r.offset_acked for r in iter_checkpoints(records)] == [3]
    remove_checkpoint(records, path)
    assert load_checkpoint(records, path) is None


def test_a_torn_record_means_start_from_the_beginning(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_bytes(b"x")
    records = tmp_path / "records"
    save_checkpoint(records, path, _record(path))
    (target,) = records.glob("*.json")
    target.write_bytes(b'{"path_b64": ')
    assert load_checkpoint(records, path) is None
    assert list(iter_checkpoints(records)) == []


def test_undecodable_names_round_trip(tmp_path: Path) -> None:
    path = Path(os.fsdecode(os.fsencode(tmp_path) + b"/\xff\xfe.jsonl"))
    path.write_bytes(b"x")
    assert _record(path).path == path
