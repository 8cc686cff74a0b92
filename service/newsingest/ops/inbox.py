"""The file side of ``status``: files waiting in the inbox, in flight, processed and failed recently.

Everything is read from the file system, so it works from any process while the pipeline runs elsewhere. Walks
are bounded (:data:`SCAN_LIMIT` entries): past it a count is reported as a lower bound (``truncated``).
Files processed recently are counted by the ``st_ctime`` of the files in ``processed/`` (moving a file there
sets it); failed files by their ``<name>.error.json`` records.
"""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from newsingest.config import Settings
from newsingest.ingest.checkpoint import checkpoint_dir, iter_checkpoints
from newsingest.ingest.names import display_name
from newsingest.ingest.scan import iter_inbox_files

SCAN_LIMIT = 200_000
ERROR_SUFFIX = ".error.json"


class InFlight(BaseModel):
    file: str
    articles_acked: int
    offset_acked: int
    size: int
    progress: float
    started_at: datetime
    updated_at: datetime


class Window(BaseModel):
    last_hour: int = 0
    last_day: int = 0


class FailedWindow(Window):
    by_reason_last_day: dict[str, int] = {}


class FailedFile(BaseModel):
    """One file set aside in ``failed/``, as its ``.error.json`` record describes it."""

    file: str  # display form, relative to failed/
    path: Path = Field(exclude=True)  # the file itself (lossless)
    file_name_b64: str | None = None
    record: str  # path of the .error.json, relative to failed/
    stage: str
    code: str
    reason: str
    failed_at: datetime | None = None
    size: int | None = None


def count_waiting(inbox: Path, limit: int = SCAN_LIMIT) -> tuple[int, bool]:
    """(files in the inbox, True when the count stopped at ``limit``)."""
    count = sum(1 for _ in itertools.islice(iter_inbox_files(inbox), limit + 1))
    return min(count, limit), count > limit


def in_flight(settings: Settings) -> list[InFlight]:
    return [InFlight(file=cp.display_path, articles_acked=cp.articles_acked, offset_acked=cp.offset_acked,
                     size=cp.size, progress=round(cp.progress, 4), started_at=cp.started_at, updated_at=cp.updated_at)
            for cp in iter_checkpoints(checkpoint_dir(settings.data_dir))]


def processed_recently(processed: Path, now: datetime, limit: int = SCAN_LIMIT) -> tuple[Window, bool]:
    hour, day = (now - timedelta(hours=1)).timestamp(), (now - timedelta(days=1)).timestamp()
    window = Window()
    for seen, entry in enumerate(iter_inbox_files(processed), start=1):
        if seen > limit:
            return window, True
        ctime = entry.stat.st_ctime
        if ctime >= day:
            window.last_day += 1
            if ctime >= hour:
                window.last_hour += 1
    return window, False


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def failed_files(failed: Path, limit: int = SCAN_LIMIT) -> tuple[list[FailedFile], bool]:
    """Every ``.error.json`` record below ``failed/`` (unreadable records are reported as such)."""
    records: list[FailedFile] = []
    for n, entry in enumerate(iter_inbox_files(failed)):
        if n >= limit:
            return records, True
        if not entry.path.name.endswith(ERROR_SUFFIX):
            continue
        records.append(read_record(failed, entry.path))
    return records, False


def read_record(failed: Path, record_path: Path) -> FailedFile:
    relative = record_path.relative_to(failed)
    file_relative = relative.with_name(relative.name[: -len(ERROR_SUFFIX)])
    try:
        data = json.loads(record_path.read_bytes())
        if not isinstance(data, dict):
            raise ValueError("not an object")
    except (OSError, ValueError) as exc:
        data = {"stage": "unknown", "code": "unreadable_record", "reason": f"cannot read the record: {exc}"}
    return FailedFile(
        file=display_name(file_relative), path=failed / file_relative, file_name_b64=data.get("file_name_b64"),
        record=display_name(relative),
        stage=str(data.get("stage", "unknown")), code=str(data.get("code", "unknown")),
        reason=str(data.get("reason", "")), failed_at=_parse_time(data.get("failed_at")),
        size=data.get("size") if isinstance(data.get("size"), int) else None,
    )


def failed_recently(records: list[FailedFile], now: datetime) -> FailedWindow:
    hour, day = now - timedelta(hours=1), now - timedelta(days=1)
    window = FailedWindow()
    for record in records:
        if record.failed_at is None or record.failed_at < day:
            continue
        window.last_day += 1
        window.last_hour += record.failed_at >= hour
        key = f"{record.stage}/{record.code}"
        window.by_reason_last_day[key] = window.by_reason_last_day.get(key, 0) + 1
    return window
