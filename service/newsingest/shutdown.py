"""A deadline for a clean shutdown: when finishing the in-flight work takes too long (typically because
Kafka or Elasticsearch is unreachable, so a flush or a commit can never complete), the process exits anyway.

Exiting early loses nothing: offsets are committed only after their articles were delivered or indexed, so
what was in flight is consumed again after a restart (and ``_id = article_id`` keeps it from being indexed
twice). The same hard exit ends a process whose part crashed (``runtime/supervisor.py``, exit code 70)."""

from __future__ import annotations

import contextlib
import os
import sys
import threading

from newsingest.log import get_logger

log = get_logger(__name__)

EXIT_CODE = 3


def arm_shutdown_deadline(
    seconds: float, *, process: str, exit_code: int = EXIT_CODE, reason: str = "shutdown deadline passed"
) -> threading.Timer:
    """Start the clock (call it when the stop signal arrives); the process exits after ``seconds``."""

    def expire() -> None:
        log.error(f"{reason}; exiting without waiting for the rest (in-flight articles are consumed again on "
                  "restart)", process=process, deadline_s=seconds, exit_code=exit_code)
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
        os._exit(exit_code)

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    return timer
