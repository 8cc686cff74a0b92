"""Progress records of multi-article files being produced: where to resume after a crash, what ``status`` shows.

While the watcher streams a multi-article file (JSONL, JSON array, NewsML-G2 package) to Kafka it keeps one
small JSON record per file in ``<data_dir>/ingest/checkpoints/``. The record names the file (losslessly, also
when its name is not UTF-8), its identity on disk (device, inode, size, mtime), and how far Kafka has
acknowledged it: the number of articles and the byte offset just after the last acknowledged one. A restarted
watcher resumes from that offset, so at most the unacknowledged tail is sent again (harmless by article id).
The record is removed once the file is filed away. It is written atomically (temp file + rename).
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from newsingest.models import utcnow


class FileCheckpoint(BaseModel):
    """How far one multi-article file has been produced and acknowledged."""

    model_config = ConfigDict(extra="ignore")

    path_b64: str = Field(description="the file's path (os.fsencode bytes), base64: lossless for any name")
    display_path: str = Field(description="the path for people: undecodable bytes shown as \\xNN")
    device: int
    inode: int
    size: int = Field(ge=0, description="file size when production started")
    mtime_ns: int
    articles_acked: int = Field(default=0, ge=0, description="articles acknowledged by Kafka so far")
    items_failed: int = Field(default=0, ge=0, description="items set aside (news.dlq) so far")
    offset_acked: int = Field(default=0, ge=0, description="byte offset just after the last acknowledged item")
    items_done: int = Field(default=0, ge=0, description="items (articles, dead letters, skipped) settled in order")
    lines_done: int = Field(default=0, ge=0, description="lines up to offset_acked (JSONL line numbers on resume)")
    format: str | None = Field(default=None, description="jsonl, json or newsml")
    sha256: str | None = Field(default=None, description="the file's SHA-256 (not recomputed on resume)")
    articles_per_s: float | None = Field(default=None, ge=0, description="recent production rate")
    started_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    @property
    def path(self) -> Path:
        return Path(os.fsdecode(base64.b64decode(self.path_b64)))

    def matches(self, st: os.stat_result) -> bool:
        """True when ``st`` is the same, unchanged file this record was made for."""
        return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns) == (self.device, self.inode, self.size, self.mtime_ns)

    @property
    def progress(self) -> float:
        return 1.0 if self.size == 0 else min(1.0, self.offset_acked / self.size)


def checkpoint_dir(data_dir: Path) -> Path:
    return data_dir / "ingest" / "checkpoints"


def _record_path(directory: Path, path: Path) -> Path:
    digest = hashlib.sha256(os.fsencode(path)).hexdigest()[:32]
    return directory / f"{digest}.json"


def load_checkpoint(directory: Path, path: Path) -> FileCheckpoint | None:
    """The record for ``path``, or None when there is none (or it is unreadable: start from the beginning)."""
    try:
        return FileCheckpoint.model_validate_json(_record_path(directory, path).read_bytes())
    except (OSError, ValidationError):
        return None


def save_checkpoint(directory: Path, path: Path, record: FileCheckpoint) -> None:
    """Write the record atomically: a crash leaves the old record or the new one, never a torn one."""
    directory.mkdir(parents=True, exist_ok=True)
    target = _record_path(directory, path)
    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(record.model_dump_json().encode())
    os.replace(tmp, target)


def remove_checkpoint(directory: Path, path: Path) -> None:
    _record_path(directory, path).unlink(missing_ok=True)


def iter_checkpoints(directory: Path) -> Iterator[FileCheckpoint]:
    """Every readable record (for ``newsingest status``); torn or foreign files are skipped."""
    if not directory.is_dir():
        return
    for entry in sorted(directory.glob("*.json")):
        try:
            yield FileCheckpoint.model_validate_json(entry.read_bytes())
        except (OSError, ValidationError):
            continue
