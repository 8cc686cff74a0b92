"""`failed` operations on a real folder tree: list, show, retry (byte names included), refusals."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import pytest

from newsingest.config import Settings
from newsingest.models import utcnow
from newsingest.ops.failed import FailedFileError, list_failed, resolve_failed, retry, retry_all, show
from newsingest.ops.inbox import failed_recently


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    for name in ("inbox", "processed", "failed"):
        (tmp_path / name).mkdir()
    return Settings(inbox_dir=tmp_path / "inbox", processed_dir=tmp_path / "processed", failed_dir=tmp_path / "failed",
                    data_dir=tmp_path / "data")


def set_aside(settings: Settings, relative: bytes, *, code: str = "file_too_large", stage: str = "size") -> Path:
    path = Path(os.fsdecode(os.fsencode(settings.failed_path) + b"/" + relative))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"Title\n\nBody of the article.")
    record = {"file": os.fsdecode(relative).encode("utf-8", "backslashreplace").decode(),
              "file_name_b64": base64.b64encode(os.path.basename(relative)).decode(), "stage": stage, "code": code,
              "reason": "too big", "detail": {}, "size": 27, "failed_at": utcnow().isoformat()}
    path.with_name(path.name + ".error.json").write_text(json.dumps(record))
    return path


def test_list_and_show(settings: Settings) -> None:
    set_aside(settings, b"a/one.txt")
    set_aside(settings, b"two.txt", code="bad_json", stage="parse")
    records = list_failed(settings)
    assert sorted(r.file for r in records) == ["a/one.txt", "two.txt"]
    assert failed_recently(records, utcnow()).by_reason_last_day == {"size/file_too_large": 1, "parse/bad_json": 1}
    record, raw = show(settings, "a/one.txt")
    assert record.code == "file_too_large"
    assert raw["reason"] == "too big"


def test_retry_moves_the_file_back_to_its_place_and_removes_the_record(settings: Settings) -> None:
    path = set_aside(settings, b"a/b/one.txt")
    target = retry(settings, path)
    assert target == settings.inbox_dir.resolve() / "a" / "b" / "one.txt"
    assert target.read_bytes() == b"Title\n\nBody of the article."
    assert not path.exists()
    assert not path.with_name("one.txt.error.json").exists()
    assert list_failed(settings) == []


def test_a_name_that_is_not_utf8_round_trips(settings: Settings) -> None:
    name = b"caf\xe9-\xff\xfe.txt"
    set_aside(settings, b"old/" + name)
    records = list_failed(settings)
    assert records[0].file == "old/caf\\xe9-\\xff\\xfe.txt"  # readable form for people
    [target] = retry_all(settings)
    assert os.fsencode(target) == os.fsencode(settings.inbox_dir.resolve()) + b"/old/" + name
    assert os.listdir(os.fsencode(settings.inbox_dir / "old")) == [name]


def test_retry_never_overwrites_a_file_in_the_inbox(settings: Settings) -> None:
    path = set_aside(settings, b"one.txt")
    (settings.inbox_dir / "one.txt").write_text("another file")
    target = retry(settings, path)
    assert target.name == "one.1.txt"
    assert (settings.inbox_dir / "one.txt").read_text() == "another file"


@pytest.mark.parametrize("outside", ["../inbox/x.txt", "/etc/passwd", "missing.txt"])
def test_paths_outside_failed_are_refused(settings: Settings, outside: str) -> None:
    (settings.inbox_dir / "x.txt").write_text("x")
    with pytest.raises(FailedFileError):
        resolve_failed(settings, outside)
    assert (settings.inbox_dir / "x.txt").exists()


def test_a_symlink_in_failed_pointing_out_is_refused(settings: Settings, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("s")
    (settings.failed_path / "link.txt").symlink_to(secret)
    with pytest.raises(FailedFileError):
        resolve_failed(settings, "link.txt")
