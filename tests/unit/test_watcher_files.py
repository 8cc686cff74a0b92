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
