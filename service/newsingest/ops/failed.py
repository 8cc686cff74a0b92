"""Files set aside in ``failed/``: list them, show one record, move them back into the inbox to retry.

A file ``failed/a/b.xml`` has its record beside it (``failed/a/b.xml.error.json``). Retrying moves the file to
``inbox/a/b.xml`` (its relative place; ``b.1.xml`` if that name is taken) and removes the record. Names are
handled as the file system holds them (bytes); a record's ``file_name_b64`` is the exact name. Paths outside
``failed/`` are refused.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from newsingest.config import Settings
from newsingest.ingest.filing import unique_target
from newsingest.ingest.names import display_name, name_bytes
from newsingest.log import get_logger
from newsingest.ops.inbox import ERROR_SUFFIX, FailedFile, failed_files, read_record

log = get_logger(__name__)


class FailedFileError(ValueError):
    """A FILE argument that is not a failed file (outside failed/, missing, a record itself)."""


def list_failed(settings: Settings) -> list[FailedFile]:
    records, _ = failed_files(settings.failed_path.resolve())
    return sorted(records, key=lambda r: (r.failed_at.timestamp() if r.failed_at else 0.0, r.file))


def resolve_failed(settings: Settings, file: str | Path) -> Path:
    """The failed file that ``file`` names: a path (absolute, or relative to failed/ or to the current folder).

    Accepts the record's path too. Raises :class:`FailedFileError` for anything not inside failed/."""
    failed = settings.failed_path.resolve()
    raw = Path(file)
    candidates = [raw] if raw.is_absolute() else [Path.cwd() / raw, failed / raw]
    for candidate in candidates:
        path = Path(os.path.abspath(candidate))  # no symlink resolution: a link out of failed/ stays outside
        if path.name.endswith(ERROR_SUFFIX):
            path = path.with_name(path.name[: -len(ERROR_SUFFIX)])
        if not path.is_relative_to(failed):
            continue
        if path.is_symlink() or not path.is_file():
            continue
        return path
    raise FailedFileError(f"not a file in {display_name(failed)}: {display_name(raw)}")


def show(settings: Settings, file: str | Path) -> tuple[FailedFile, dict[str, object]]:
    import json

    path = resolve_failed(settings, file)
    record_path = path.with_name(path.name + ERROR_SUFFIX)
    try:
        raw = json.loads(record_path.read_bytes())
    except (OSError, ValueError):
        raw = {}
    return read_record(settings.failed_path.resolve(), record_path), raw


def retry(settings: Settings, path: Path) -> Path:
    """Move the failed file ``path`` back to its relative place in the inbox and remove its record."""
    failed = settings.failed_path.resolve()
    path = resolve_failed(settings, path)
    record_path = path.with_name(path.name + ERROR_SUFFIX)
    exact = _exact_name(record_path)
    relative = path.relative_to(failed)
    if exact is not None:
        relative = relative.with_name(os.fsdecode(exact))
    inbox = settings.inbox_dir.resolve()
    target = unique_target(inbox / relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    # write elsewhere, rename in: the watcher never sees a half-copied file (a plain rename on one file system)
    staging = inbox.parent / f".retry-{os.getpid()}"
    staging.mkdir(exist_ok=True)
    try:
        staged = staging / "file"
        if _same_device(path, staging):
            os.replace(path, staged)
        else:
            _copy_then_remove(path, staged)
        os.replace(staged, target)
    finally:
        with contextlib.suppress(OSError):
            staging.rmdir()
    record_path.unlink(missing_ok=True)
    log.info("failed file moved back into the inbox", file=display_name(relative), to=display_name(target))
    return target


def retry_all(settings: Settings) -> list[Path]:
    return [retry(settings, record.path) for record in list_failed(settings) if record.path.is_file()]


def _exact_name(record_path: Path) -> bytes | None:
    """The exact file name from the record's ``file_name_b64`` (None when absent or invalid)."""
    import json

    try:
        data = json.loads(record_path.read_bytes())
        value = data.get("file_name_b64") if isinstance(data, dict) else None
        raw = name_bytes(value) if isinstance(value, str) else None
    except (OSError, ValueError):
        return None
    if raw is None or b"/" in raw or b"\0" in raw or raw in (b"", b".", b".."):
        return None
    return raw


def _same_device(a: Path, b: Path) -> bool:
    return a.stat().st_dev == b.stat().st_dev


def _copy_then_remove(src: Path, dst: Path) -> None:
    import shutil

    shutil.copy2(src, dst)
    src.unlink()
