"""The inbox walker: bytes names, no symlinks followed, only regular files, lazy."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from newsingest.ingest.scan import is_ignored_name, iter_folder_files, iter_inbox_files


def _names(inbox: Path) -> set[bytes]:
    root = os.fsencode(inbox)
    return {os.path.relpath(entry.raw, root) for entry in iter_inbox_files(inbox)}


def test_plain_and_nested_files_are_found_with_their_stat(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "top.txt").write_text("x")
    (tmp_path / "a" / "b" / "deep.json").write_text("{}")
    entries = list(iter_inbox_files(tmp_path))
    assert {os.path.relpath(e.raw, os.fsencode(tmp_path)) for e in entries} == {b"top.txt", b"a/b/deep.json"}
    for entry in entries:
        assert entry.stat.st_size == entry.path.stat().st_size
        assert os.fsencode(entry.path) == entry.raw


def test_a_non_utf8_name_is_found_and_its_path_is_lossless(tmp_path: Path) -> None:
    raw = os.fsencode(tmp_path) + b"/caf\xff\xfe.txt"
    with open(raw, "wb") as handle:
        handle.write(b"hello")
    (entry,) = iter_inbox_files(tmp_path)
    assert entry.raw == raw
    assert os.fsencode(entry.path) == raw
    assert entry.path.read_bytes() == b"hello"


def test_symlinks_are_never_followed(tmp_path: Path) -> None:
    inbox, outside = tmp_path / "inbox", tmp_path / "outside"
    (outside / "dir").mkdir(parents=True)
    (outside / "secret.txt").write_text("secret")
    (outside / "dir" / "inner.txt").write_text("inner")
    (inbox / "loop").mkdir(parents=True)
    (inbox / "loop" / "up").symlink_to("..")
    (inbox / "self").symlink_to(".")
    (inbox / "to-file.txt").symlink_to(outside / "secret.txt")
    (inbox / "to-dir").symlink_to(outside / "dir")
    (inbox / "dangling.txt").symlink_to(tmp_path / "nowhere")
    (inbox / "real.txt").write_text("real")
    (inbox / "loop" / "inside.txt").write_text("inside")
    (inbox / "inner-link.txt").symlink_to(inbox / "real.txt")
    assert _names(inbox) == {b"real.txt", b"loop/inside.txt"}


def test_fifos_sockets_and_devices_are_skipped(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(tmp_path / "sock"))
        (tmp_path / "plain.txt").write_text("x")
        assert _names(tmp_path) == {b"plain.txt"}
    finally:
        server.close()


@pytest.mark.parametrize(
    ("name", "ignored"),
    [
        (b"article.txt", False),
        (b"\xff\xfe.txt", False),
        (b".hidden", True),
        (b"x.PART", True),
        (b"x.tmp", True),
        (b"x~", True),
        (b"~$lock.docx", True),
        ("ok.json", False),
    ],
)
def test_ignored_names(name: bytes | str, ignored: bool) -> None:
    assert is_ignored_name(name) is ignored


def test_hidden_and_temporary_folders_and_files_are_skipped(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("x")
    (tmp_path / "upload.tmp").write_text("x")
    (tmp_path / "ok.txt").write_text("x")
    assert _names(tmp_path) == {b"ok.txt"}


def test_the_walk_is_lazy(tmp_path: Path) -> None:
    for i in range(20):
        (tmp_path / f"d{i}").mkdir()
        (tmp_path / f"d{i}" / "x.txt").write_text("x")
    (tmp_path / "top.txt").write_text("x")
    listed: list[bytes] = []
    walk = iter_inbox_files(tmp_path, on_folder=listed.append)
    assert next(walk).path == tmp_path / "top.txt"
    assert listed == [os.fsencode(tmp_path)]  # no sub-folder was read before the first file came
    assert len(list(walk)) == 20
    assert len(listed) == 21


def test_an_unlistable_folder_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "x.txt").write_text("x")
    (tmp_path / "ok.txt").write_text("x")
    real_open = os.open
    locked = os.fsencode(tmp_path / "locked")

    def refusing_open(path: bytes, flags: int, *args: object, **kwargs: object) -> int:
        if path == locked:
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refusing_open)
    assert _names(tmp_path) == {b"ok.txt"}


def test_a_folder_below_the_inbox_is_walked_only_when_it_is_no_link(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "a.txt").write_text("x")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    assert [e.path for e in iter_folder_files(tmp_path / "real")] == [tmp_path / "real" / "a.txt"]
    assert list(iter_folder_files(tmp_path / "link")) == []
    assert list(iter_folder_files(tmp_path / "missing")) == []


def test_a_missing_inbox_yields_nothing(tmp_path: Path) -> None:
    assert list(iter_inbox_files(tmp_path / "missing")) == []
