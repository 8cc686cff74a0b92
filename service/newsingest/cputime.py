"""CPU time per pipeline step: ``time.thread_time()`` deltas around the synchronous parts of a step, added to
``newsingest_step_cpu_seconds_total{step=...}`` (metrics.STEP_CPU).

Thread time counts only the calling thread, so a step measured in a worker thread is not charged for what the
event loop does meanwhile, and :func:`timed_coroutine` charges a coroutine only for its own slices between awaits
(not for the other tasks that run while it waits on I/O). Tasks the coroutine starts (an NER client sending the
chunks of a text concurrently) are charged to the same step once :func:`install_task_timing` wrapped the loop's
task factory: a task created during a timed slice is timed for that slice's step.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Callable, Coroutine, Generator, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from prometheus_client import Counter

from newsingest.metrics import STEP_CPU, STEPS

_P = ParamSpec("_P")
_T = TypeVar("_T")

_COUNTERS: dict[str, Counter] = {step: STEP_CPU.labels(step) for step in STEPS}
thread_time = time.thread_time
_CURRENT: ContextVar[str | None] = ContextVar("newsingest_cpu_step", default=None)


def add_cpu(step: str, seconds: float) -> None:
    _COUNTERS[step].inc(seconds)


@contextmanager
def cpu_step(step: str) -> Iterator[None]:
    """Count the thread's CPU time inside the block for ``step``."""
    counter = _COUNTERS[step]
    started = thread_time()
    try:
        yield
    finally:
        counter.inc(thread_time() - started)


def timed(step: str, function: Callable[_P, _T]) -> Callable[_P, _T]:
    """``function`` with its CPU time counted for ``step`` (in whichever thread it runs)."""
    counter = _COUNTERS[step]

    @wraps(function)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _T:
        started = thread_time()
        try:
            return function(*args, **kwargs)
        finally:
            counter.inc(thread_time() - started)

    return wrapper


class _TimedCoroutine:
    """Awaitable driving ``coro`` and summing the thread time of each of its steps (``send``/``throw``)."""

    __slots__ = ("_coro", "_step")

    def __init__(self, coro: Coroutine[Any, Any, Any], step: str) -> None:
        self._coro, self._step = coro, step

    def __await__(self) -> Generator[Any, Any, Any]:
        coro, spent = self._coro, 0.0
        value: Any = None
        error: BaseException | None = None
        try:
            while True:
                started = thread_time()
                token = _CURRENT.set(self._step)  # tasks created in this slice are timed for the same step
                try:
                    yielded = coro.send(value) if error is None else coro.throw(error)
                except StopIteration as stop:
                    spent += thread_time() - started
                    return stop.value
                finally:
                    _CURRENT.reset(token)
                spent += thread_time() - started
                try:
                    value, error = (yield yielded), None
                except BaseException as exc:  # cancellation and the like reach the coroutine
                    value, error = None, exc
        finally:
            _COUNTERS[self._step].inc(spent)


async def timed_coroutine(coro: Coroutine[Any, Any, _T], step: str) -> _T:
    """Await ``coro``, counting the CPU of its own slices (not of other tasks' while it waits) for ``step``."""
    result: _T = await _TimedCoroutine(coro, step)
    return result


async def _timed_task(coro: Coroutine[Any, Any, _T], step: str) -> _T:
    result: _T = await _TimedCoroutine(coro, step)
    return result


def install_task_timing(loop: asyncio.AbstractEventLoop) -> bool:
    """Make tasks created inside a timed coroutine count for its step (False: the loop has its own factory)."""
    if loop.get_task_factory() is not None:
        return False

    def factory(loop: asyncio.AbstractEventLoop, coro: Any, **kwargs: Any) -> asyncio.Task[Any]:
        step = _CURRENT.get()
        if step is not None and inspect.iscoroutine(coro):
            coro = _timed_task(coro, step)
        return asyncio.Task(coro, loop=loop, **kwargs)

    loop.set_task_factory(factory)  # type: ignore[arg-type]
    return True
