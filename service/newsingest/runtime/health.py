"""The worker's small web app: ``/health`` (each part's state) and ``/metrics`` (Prometheus).

``/health`` answers 200 when every part of the process is ``running`` and 503 while one is starting, stopping
or has failed, with the states as JSON: ``{"status": "ok", "process": "run", "parts": {"indexer": {"state":
"running", "since": "...", "error": null}, ...}}``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

from newsingest.log import get_logger
from newsingest.metrics import render
from newsingest.runtime.supervisor import Supervisor

log = get_logger(__name__)

JSON = b"application/json"


class HealthApp:
    """A minimal ASGI app; ``refresh`` (run in a thread) updates gauges right before ``/metrics`` renders."""

    def __init__(self, supervisor: Supervisor, refresh: Callable[[], None] | None = None) -> None:
        self.supervisor = supervisor
        self.refresh = refresh

    async def __call__(self, scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        if scope["type"] != "http":
            return
        if scope["path"] == "/metrics":
            if self.refresh is not None:
                try:
                    await asyncio.to_thread(self.refresh)
                except Exception:  # a gauge that cannot be computed must not hide the others
                    log.exception("could not refresh the status gauges")
            status, body, ctype = 200, render(), b"text/plain; version=0.0.4; charset=utf-8"
        elif scope["path"] == "/health":
            snapshot = self.supervisor.snapshot()
            status = 200 if self.supervisor.healthy else 503
            body, ctype = json.dumps(snapshot).encode(), JSON
        else:
            status, body, ctype = 404, b"not found", b"text/plain"
        await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", ctype)]})
        await send({"type": "http.response.body", "body": body})
