"""Where a file goes after the watcher is done with it: ``processed/`` or ``failed/`` with a reason file.

Both keep the file's original name (its exact bytes); the reason record names it twice: ``file`` readable
(``ingest/names.py``'s display form) and ``file_name_b64`` lossless.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from newsingest.ingest.names import display_name, lossless_name
from newsingest.models import utcnow


@dataclass(frozen=True)
class Failure:
    """Why a file could not be ingested: written next to it as ``<name>.error.json``."""

    stage: str  # "read", "size", "parse", "produce", "file"
    code: str
    reason: str
    detail: dict[str, Any]

    def as_json(self, file: Path, size: int | None, failed_at: datetime) -> str:
        record = {
            "file": display_name(file.name),
            "file_name_b64": lossless_name(file.name),
            "stage": self.stage,
            "code": self.code,
            "reason": _encodable(self.reason),
            "detail": _encodable(self.detail),
            "size": size,
            "failed_at": failed_at.isoformat(),
        }
        return json.dumps(record, indent=2, ensure_ascii=False, default=str) + "\n"


def _encodable(value: Any) -> Any:
    """``value`` with every string made UTF-8-encodable (e.g. an OS error message quoting a non-UTF-8 name)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return display_name(value)
        return value
    if isinstance(value, dict):
        return {str(_encodable(k)): _encodable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_encodable(v) for v in value]
    return value


def unique_target(target: Path) -> Path:
    """``target``, or ``name.N.ext`` when a different file of that name is already there."""
    if not target.exists():
        return target
    stem, suffix = target.stem, target.suffix
    n = 1
    while True:
        candidate = target.with_name(f"{stem}.{n}{suffix}")
        if not candidate.exists():
            return candidate
        n += 1


def _target(path: Path, inbox: Path, dest_root: Path) -> Path:
    """The same relative place under ``dest_root``, never overwriting another file."""
    try:
        relative = path.relative_to(inbox)
    except ValueError:
        relative = Path(path.name)
    target = unique_target(dest_root / relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    return target


def move_into(path: Path, inbox: Path, dest_root: Path) -> Path:
    """Move ``path`` (inside ``inbox``) to the same relative place under ``dest_root``."""
    target = _target(path, inbox, dest_root)
    shutil.move(str(path), str(target))
    return target


def file_failed(path: Path, inbox: Path, failed_root: Path, failure: Failure) -> Path:
    """Write ``<name>.error.json`` into ``failed/``, then move the file beside it; returns the new path.

    The record is written first: when it cannot be (a full disk), nothing has moved and the caller retries.
    """
    try:
        size: int | None = path.lstat().st_size
    except OSError:
        size = None
    target = _target(path, inbox, failed_root)
    error_file = target.with_name(target.name + ".error.json")
    try:
        error_file.write_text(failure.as_json(path, size, utcnow()), encoding="utf-8")
    except OSError:
        error_file.unlink(missing_ok=True)
        raise
    if os.path.lexists(path):
        shutil.move(str(path), str(target))
    return target
