"""Bounded concurrency with in-order completion: the basis of safe acks under concurrency.

Work items start as soon as they arrive (up to ``limit`` in flight) but are *completed* strictly in arrival
order: ``on_done(item)`` runs for an item only after its own work and the work of every earlier item finished.
Acking a Kafka message in ``on_done`` therefore never acknowledges an offset while an earlier one is still in
flight, whatever order the work finishes in (the failure mode of faust-streaming #312/#606 under concurrency).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class InOrderCompleter(Generic[T]):
    def __init__(self, limit: int, on_done: Callable[[T], None]) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self._limit = limit
        self._slots = asyncio.Semaphore(limit)
        self._queue: asyncio.Queue[tuple[T, asyncio.Task[None]]] = asyncio.Queue()
        self._on_done = on_done
        self._runner: asyncio.Task[None] | None = None
        self._failure: BaseException | None = None

    async def __aenter__(self) -> InOrderCompleter[T]:
        self._runner = asyncio.create_task(self._complete_in_order())
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, *_: object) -> None:
        if exc_type is None:
            await self.drain()
        else:  # cancelled or failed: abandon what is in flight, complete nothing more (it will be redelivered)
            while not self._queue.empty():
                _, task = self._queue.get_nowait()
                task.cancel()
        if self._runner is not None:
            self._runner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._runner

    async def submit(self, item: T, work: Awaitable[None]) -> None:
        """Start ``work`` for ``item``; waits while ``limit`` items are in flight (backpressure)."""
        if self._failure is not None:
            raise self._failure
        await self._slots.acquire()
        if self._failure is not None:  # woken by a failure, not by a free slot
            self._slots.release()
            raise self._failure
        self._queue.put_nowait((item, asyncio.ensure_future(work)))

    async def drain(self) -> None:
        """Wait until every submitted item completed (or the completer failed)."""
        if self._runner is not None:
            joined = asyncio.ensure_future(self._queue.join())
            await asyncio.wait([joined, self._runner], return_when=asyncio.FIRST_COMPLETED)
            joined.cancel()
        if self._failure is not None:
            raise self._failure


    async def _complete_in_order(self) -> None:
        while True:
            item, task = await self._queue.get()
            try:
                await task
            except asyncio.CancelledError:
                raise
            except BaseException as exc:  # the work failed: stop completing anything after it
                self._failure = exc
                self._queue.task_done()
                for _ in range(self._limit):  # wake every submitter waiting for a slot
                    self._slots.release()
                return
            self._on_done(item)
            self._queue.task_done()
            self._slots.release()
