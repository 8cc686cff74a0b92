"""Where a file goes after the watcher is done with it: ``processed/`` or ``failed/`` with a reason file."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from newsingest.models import utcnow


@dataclass(frozen=True)
class Failure:
    """Why a file could not be ingested: written next to it as ``<name>.error.json``."""

    stage: str  # "read", "parse", "size"
    code: str
    reason: str
    detail: dict[str, Any]

    def as_json(self, file: Path, size: int | None, failed_at: datetime) -> str:
        record = {
            "file": file.name,
            "stage": self.stage,
            "code": self.code,
            "reason": self.reason,
            "detail": self.detail,
            "size": size,
            "failed_at": failed_at.isoformat(),
        }
        return json.dumps(record, indent=2, ensure_ascii=False, default=str) + "\n"


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
    size = path.stat().st_size if path.exists() else None
    target = _target(path, inbox, failed_root)
    error_file = target.with_name(target.name + ".error.json")
    try:
        error_file.write_text(failure.as_json(path, size, utcnow()))
    except OSError:
        error_file.unlink(missing_ok=True)
        raise
    if path.exists():
        shutil.move(str(path), str(target))
    return target
