"""What every server of the local stack shares: its pid and log files, stopping, and its status report."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from newsingest.config import Settings
from newsingest.stack.process import read_pid, stop_process, tail


class ServerComponent:
    """Base of KafkaStack, ElasticsearchStack and CoreNLPStack. Subclasses set ``name``, ``pid_file`` and
    ``log_file``, implement ``start()`` and ``is_healthy()``, and add their own fields to the status."""

    name: ClassVar[str]
    stop_timeout_s: ClassVar[float] = 60.0
    pid_file: Path
    log_file: Path

    def __init__(self, settings: Settings, progress: Callable[[str], None] = print) -> None:
        self.settings = settings
        self.progress = progress

    def start(self) -> None:
        raise NotImplementedError

    def is_healthy(self) -> bool:
        raise NotImplementedError

    def stop(self) -> bool:
        """Stop the server cleanly (SIGTERM, then SIGKILL); True if something was running."""
        stopped = stop_process(self.pid_file, timeout=self.stop_timeout_s)
        if stopped:
            self.after_stop()
            self.progress(f"{self.name}: stopped")
        return stopped

    def after_stop(self) -> None:
        """Hook: wait for ports to be released and the like."""

    def status_details(self, pid: int | None) -> dict[str, object]:
        """Fields of the status report besides running/pid/log (a subclass adds its URL, version, health)."""
        return {"healthy": pid is not None and self.is_healthy()}

    def status(self) -> dict[str, object]:
        pid = read_pid(self.pid_file)
        return {"running": pid is not None, "pid": pid, **self.status_details(pid), "log": str(self.log_file)}

    def last_log_lines(self) -> str:
        return tail(self.log_file)
