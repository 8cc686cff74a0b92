"""The watcher: the inbox, where files go afterwards, limits, streamed multi-article files."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field


class WatcherSettings(BaseModel):
    """The watcher settings (environment: ``NEWSINGEST_<NAME>``)."""

    inbox_dir: Path = Field(default=Path("inbox"), description="the watched folder (recursive)")
    processed_dir: Path | None = Field(default=None, description="default: <inbox>/../processed")
    failed_dir: Path | None = Field(default=None, description="default: <inbox>/../failed")
    file_stable_s: float = Field(
        default=0.5, ge=0,
        description="size+mtime unchanged this long = complete (moved in or closed by its writer: at once)",
    )
    max_file_bytes: int = Field(
        default=20 * 1024 * 1024, ge=1, description="bigger files go to failed/ with the reason"
    )
    watch_concurrency: int = Field(default=32, ge=1, description="files parsed and produced at once")
    # streamed multi-article files (ingest/streamed.py)
    stream_min_file_bytes: int = Field(
        default=1024 * 1024, ge=1,
        description="JSONL, JSON-array and NewsML-G2 message files at least this big are streamed: read item by"
        " item, produced with a checkpoint, resumed after a crash",
    )
    max_stream_file_bytes: int = Field(
        default=64 * 1024**3, ge=1,
        description="bigger streamed files go to failed/ (streamed files are not bound by max_file_bytes)",
    )
    stream_max_item_bytes: int = Field(
        default=1_000_000, ge=1024,
        description="an item of a streamed file (a JSONL line, an array element) bigger than this goes to news.dlq",
    )
    stream_in_flight: int = Field(
        default=5000, ge=1, description="articles of a streamed file sent to Kafka and not yet acknowledged, at most"
    )
    stream_parse_processes: int = Field(
        default=2, ge=0, le=64,
        description="processes that parse streamed JSONL and JSON-array files while the watcher sends; a JSONL file"
        " is parsed by all of them at once (0: a thread of the watcher's process, about half as fast as one process)",
    )
    stream_checkpoint_s: float = Field(
        default=2.0, gt=0, description="how often a streamed file's acknowledged position is saved (also every"
        " 10,000 articles)",
    )

