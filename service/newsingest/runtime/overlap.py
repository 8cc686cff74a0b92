"""Two batches in flight: the next one is started while the one before it is finished (pure asyncio).

``start(batch)`` runs in the caller's task, one batch after the other; ``finish(batch, started)`` runs in a task of
its own and batch k+1's finish begins only after batch k's has returned. So finishes happen in batch order, never
two at once, and the start of the next batch (for the enrich agent: decoding, language detection, the NER requests
sent) overlaps the end of the one before (its last articles, its delivery, its acks).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, Awaitable, Callable
from typing import TypeVar

B = TypeVar("B")
S = TypeVar("S")


async def run_overlapped(
    batches: AsyncIterable[B],
    start: Callable[[B], Awaitable[S]],
    finish: Callable[[B, S], Awaitable[None]],
    on_failure: Callable[[BaseException], None],
    abandon: Callable[[S], None] = lambda started: None,
) -> None:
    """Start each batch, then finish it in order while the next one starts. A finish that fails raises here when
    the next batch is ready; ``on_failure`` hears of it at once (no next batch may be coming). When the batches
    end or this coroutine is cancelled, the finish still running is awaited or cancelled, and a batch started but
never to be finished is handed to ``abandon`` (to stop its work): nothing outlives this coroutine."""
    finishing: asyncio.Task[None] | None = None

    def check(task: asyncio.Task[None]) -> None:
        if not task.cancelled() and (exc := task.exception()) is not None:
            on_failure(exc)

    try:
        async for batch in batches:
            started = await start(batch)
            if finishing is not None:
                try:
                    await finishing
                except BaseException:
                    abandon(started)
                    raise
            finishing = asyncio.ensure_future(finish(batch, started))
            finishing.add_done_callback(check)
        if finishing is not None:
            await finishing
    finally:
        if finishing is not None and not finishing.done():
            finishing.cancel()
