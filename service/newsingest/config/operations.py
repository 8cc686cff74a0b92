"""Operations: shutdown, logs, the worker's web server, local state, test faults."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field


class OperationsSettings(BaseModel):
    """Operations settings (environment: ``NEWSINGEST_<NAME>``)."""

    shutdown_timeout_s: float = Field(
        default=60.0, gt=0,
        description="after SIGINT/SIGTERM, exit at the latest after this long (e.g. while Kafka is unreachable);"
        " nothing is lost: uncommitted articles are consumed again on restart",
    )
    web_port: int = Field(default=6066, description="Faust web server (metrics at /metrics)")
    web_host: str = Field(default="127.0.0.1", description="address of the worker's /metrics and /health server")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(default="INFO", description="log level")
    log_format: Literal["json", "console"] = Field(
        default="console", description="'json': one JSON object per line; 'console': human-readable"
    )
    data_dir: Path = Field(default=Path(".newsingest"), description="Faust's data directory (local worker state)")
    test_fault: str = Field(
        default="",
        description="TESTS ONLY: make a part raise from inside after N items, e.g. 'indexer:after=20' (parts: "
        "watcher, enrich, indexer, stories-tail, parser; several separated by ';'); empty = no fault",
    )

