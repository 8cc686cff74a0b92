"""Gauges of what a watching process knows about its inbox, refreshed when ``/metrics`` is scraped."""

from __future__ import annotations

from collections.abc import Callable

from newsingest.config import Settings
from newsingest.metrics import INBOX_FILES_IN_FLIGHT, INBOX_FILES_WAITING
from newsingest.ops.inbox import count_waiting, in_flight


def inbox_gauges_refresher(settings: Settings) -> Callable[[], None]:
    def refresh() -> None:
        waiting, _ = count_waiting(settings.inbox_dir)
        INBOX_FILES_WAITING.set(waiting)
        INBOX_FILES_IN_FLIGHT.set(len(in_flight(settings)))

    return refresh
