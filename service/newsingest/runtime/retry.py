"""Retrying an action while a dependency (Kafka, Elasticsearch) is unavailable, with capped backoff."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from newsingest.backoff import backoff_delay
from newsingest.log import get_logger

log = get_logger(__name__)

RETRY_MAX_S = 30.0


async def retrying(action: Callable[[], Awaitable[object]], *, what: str, stop: asyncio.Event | None = None) -> bool:
    """Run ``action`` until it succeeds (True) or ``stop`` is set (False), backing off between attempts."""
    attempt = 0
    while stop is None or not stop.is_set():
        try:
            await action()
            return True
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            attempt += 1
            delay = backoff_delay(attempt, cap_s=RETRY_MAX_S)
            log.warning("failed; retrying", what=what, attempt=attempt, retry_in_s=delay,
                        error=f"{type(exc).__name__}: {exc}")
            if stop is None:
                await asyncio.sleep(delay)
            else:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=delay)
    return False
