"""Crash-only supervision: one registry of the parts of a process and one way for any of them to die.

Every long-lived part of ``run``, ``watch`` and ``worker`` (watcher, enrich agent, indexer, the story-state tail,
the web server) is registered here and has a state: ``starting`` -> ``running`` -> ``stopping``/``stopped``, or
``failed``. A part that raises, or ends while nobody asked it to stop, fails the process:

1. the traceback is logged (``part crashed``, with the part's name),
2. a hard exit with :data:`CRASH_EXIT_CODE` is armed (``shutdown.arm_shutdown_deadline``), so the process ends
   within :data:`CRASH_EXIT_DEADLINE_S` even when a clean stop hangs (e.g. in Faust's shutdown),
3. a clean stop is requested (by default SIGTERM to the process itself: the same path as Ctrl-C), and when it
   completes in time the command exits with :data:`CRASH_EXIT_CODE` as well (:meth:`Supervisor.exit_code`).

A supervisor (systemd, compose, Kubernetes) then restarts the process; committed offsets and the idempotent
article ids make the restart harmless. ``/health`` reports the states (``runtime/health.py``).
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from newsingest.log import get_logger
from newsingest.models import utcnow
from newsingest.shutdown import arm_shutdown_deadline

log = get_logger(__name__)

#: Exit code of a process whose part crashed (EX_SOFTWARE: "internal software error").
CRASH_EXIT_CODE = 70
#: The process is gone at the latest this long after a part crashed.
CRASH_EXIT_DEADLINE_S = 8.0

T = TypeVar("T")


class PartState(StrEnum):
    STARTING = "starting"
    RUNNING = "running"
    STOPPING = "stopping"
    STOPPED = "stopped"
    FAILED = "failed"


@dataclass
class Part:
    name: str
    state: PartState = PartState.STARTING
    since: datetime = field(default_factory=utcnow)
    error: str | None = None

    def set(self, state: PartState, error: str | None = None) -> None:
        self.state, self.since, self.error = state, utcnow(), error

    def as_dict(self) -> dict[str, Any]:
        return {"state": self.state.value, "since": self.since.isoformat(), "error": self.error}


def _terminate_self() -> None:
    os.kill(os.getpid(), signal.SIGTERM)


class Supervisor:
    """The parts of one process and their states; see the module docstring."""

    def __init__(
        self,
        process: str,
        *,
        deadline_s: float = CRASH_EXIT_DEADLINE_S,
        on_failure: Callable[[], None] = _terminate_self,
        arm_exit: bool = True,
    ) -> None:
        self.process = process
        self.parts: dict[str, Part] = {}
        self.failed: Part | None = None
        self.stopping = False
        self._deadline_s = deadline_s
        self._on_failure = on_failure
        self._arm_exit = arm_exit
        self._on_running: Callable[[str], None] | None = None

    # --- the registry ------------------------------------------------------------------------------------
    def register(self, name: str) -> Part:
        return self.parts.setdefault(name, Part(name))

    def running(self, name: str) -> None:
        part = self.register(name)
        if part.state is PartState.STARTING:
            part.set(PartState.RUNNING)
            log.info("part running", part=name, process=self.process)
            if self._on_running is not None:
                self._on_running(name)

    def on_running_hook(self, hook: Callable[[str], None]) -> None:
        """Call ``hook(part)`` whenever a part starts running (a child tells its parent it is ready)."""
        self._on_running = hook

    def begin_stop(self) -> None:
        """A clean stop was asked for (signal): parts that end from now on end normally."""
        self.stopping = True
        for part in self.parts.values():
            if part.state in (PartState.STARTING, PartState.RUNNING):
                part.set(PartState.STOPPING)

    @property
    def healthy(self) -> bool:
        return bool(self.parts) and all(p.state is PartState.RUNNING for p in self.parts.values())

    def snapshot(self) -> dict[str, Any]:
        status = "ok" if self.healthy else ("failed" if self.failed else "stopping" if self.stopping else "starting")
        return {"status": status, "process": self.process,
                "parts": {name: part.as_dict() for name, part in sorted(self.parts.items())}}

    def exit_code(self, default: int = 0) -> int:
        return CRASH_EXIT_CODE if self.failed is not None else default

    # --- how parts end ----------------------------------------------------------------------------------
    def fail(self, name: str, exc: BaseException) -> None:
        """Part ``name`` died of ``exc``: log the traceback, arm the hard exit, ask for a clean stop."""
        part = self.register(name)
        if part.state is PartState.FAILED:
            return
        part.set(PartState.FAILED, f"{type(exc).__name__}: {exc}")
        if self.failed is not None:  # already on the way out
            log.error("another part crashed while exiting", part=name, process=self.process,
                      exc_info=(type(exc), exc, exc.__traceback__))
            return
        self.failed = part
        log.error("part crashed; exiting so that the supervisor restarts the process", part=name,
                  process=self.process, exit_code=CRASH_EXIT_CODE, exc_info=(type(exc), exc, exc.__traceback__))
        if self._arm_exit:
            arm_shutdown_deadline(self._deadline_s, process=self.process, exit_code=CRASH_EXIT_CODE,
                                  reason=f"part {name!r} crashed and the clean stop did not finish")
        already_stopping = self.stopping
        self.begin_stop()
        if not already_stopping:
            self._on_failure()

    def ended(self, name: str) -> None:
        """Part ``name`` returned: normal while stopping, a failure otherwise (a part never ends by itself)."""
        if self.stopping:
            part = self.register(name)
            if part.state is not PartState.FAILED:
                part.set(PartState.STOPPED)
        else:
            self.fail(name, RuntimeError(f"part {name!r} ended although no stop was requested"))

    async def run(self, name: str, work: Awaitable[T]) -> T | None:
        """Await ``work`` as part ``name``: an exception (or an unexpected end) fails the process.

        The exception is reported, not re-raised: the process is on its way out and the caller's task ends."""
        self.register(name)
        try:
            result = await work
        except asyncio.CancelledError:
            if not self.stopping:
                self.fail(name, RuntimeError(f"part {name!r} was cancelled although no stop was requested"))
            raise
        except BaseException as exc:  # SystemExit from uvicorn's failed bind, too
            self.fail(name, exc)
            return None
        self.ended(name)
        return result

    def watch(self, name: str, task: asyncio.Future[Any]) -> None:
        """Supervise a task someone else created (e.g. the replicated map's tail)."""
        self.running(name)

        def done(fut: asyncio.Future[Any]) -> None:
            if fut.cancelled():
                if not self.stopping:
                    self.fail(name, RuntimeError(f"part {name!r} was cancelled although no stop was requested"))
                else:
                    self.ended(name)
                return
            exc = fut.exception()
            if exc is not None:
                self.fail(name, exc)
            else:
                self.ended(name)

        task.add_done_callback(done)
