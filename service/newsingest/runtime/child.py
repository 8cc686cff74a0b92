"""A child process tied to its parent both ways (crash-only), and the socket that ties them.

``run`` and ``worker`` match alert rules and deliver webhooks in a child ``newsingest notify`` process, so
that this work (query building, Elasticsearch round trips, JSON, HTTP, HMAC) never takes CPU time from the
pipeline's own process. The two processes are bound by a *lifeline*, one end of a socket pair each:

- the parent's part is ``running`` once the child says ``ready`` over the lifeline; when the child exits while
  no stop was asked for, the part fails and the parent exits with code 70 (``runtime/supervisor.py``);
- the child stops (as on SIGTERM) when its end of the lifeline reads end-of-file: the parent is gone, even
  when it was killed with SIGKILL and could not say so;
- the parent stops the child with SIGTERM (then SIGKILL after the shutdown deadline) once it no longer needs
  it. The child has a process group of its own, so a Ctrl-C in the terminal reaches the parent only and the
  stop is always the parent's to give;
- in between, the lifeline carries requests and their answers (:func:`write_frame`, :func:`read_frame`:
  length-prefixed bytes), see ``alerts/remote.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import struct
import sys
from collections.abc import Awaitable, Callable

from newsingest.config import Settings
from newsingest.log import get_logger
from newsingest.runtime.supervisor import Supervisor

log = get_logger(__name__)

READY = b"ready\n"
_LENGTH = struct.Struct(">I")


class ChildProcessEnded(RuntimeError):
    """The child process of a part exited (or closed the lifeline) although nobody asked it to stop."""


def write_frame(writer: asyncio.StreamWriter, payload: bytes) -> None:
    writer.write(_LENGTH.pack(len(payload)) + payload)


async def read_frame(reader: asyncio.StreamReader) -> bytes | None:
    """The next frame, or None at the end of the stream (the other side is gone)."""
    try:
        header = await reader.readexactly(_LENGTH.size)
        return await reader.readexactly(_LENGTH.unpack(header)[0])
    except (asyncio.IncompleteReadError, ConnectionError):
        return None


class ChildProcess:
    """``newsingest <command>`` as part ``name`` of this process (see the module docstring). The child reads
    its settings from the same environment as this process."""

    def __init__(self, name: str, command: tuple[str, ...], settings: Settings, supervisor: Supervisor) -> None:
        self.name = name
        self.command = command
        self.settings = settings
        self.supervisor = supervisor
        self.proc: asyncio.subprocess.Process | None = None
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self._stopping = False
        self._watch: asyncio.Task[None] | None = None

    async def start(self, stop: asyncio.Event) -> bool:
        """Start the child and wait until it is ready (True) or ``stop`` is set (False); raise if it exits."""
        parent_end, child_end = socket.socketpair()
        try:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "newsingest.cli", *self.command, "--lifeline-fd", str(child_end.fileno()),
                pass_fds=(child_end.fileno(),), process_group=0,
            )
        except BaseException:
            parent_end.close()
            raise
        finally:
            child_end.close()
        log.info("child process started", part=self.name, pid=self.proc.pid, command=" ".join(self.command))
        self.reader, self.writer = await asyncio.open_connection(sock=parent_end)
        ready = asyncio.ensure_future(self.reader.readline())
        exited = asyncio.ensure_future(self.proc.wait())
        stopped = asyncio.ensure_future(stop.wait())
        try:
            await asyncio.wait({ready, exited, stopped}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (ready, exited, stopped):
                task.cancel()
        if ready.done() and not ready.cancelled() and not ready.exception() and ready.result() == READY:
            self.supervisor.running(self.name)
            self._watch = asyncio.ensure_future(self._watch_exit())
            return True
        if stop.is_set() or self.supervisor.stopping:
            return False
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.proc.wait(), timeout=5)
        raise ChildProcessEnded(f"the {self.name} process (pid {self.proc.pid}) exited with code "
                                f"{self.proc.returncode} before it was ready")

    async def _watch_exit(self) -> None:
        assert self.proc is not None
        await self.proc.wait()
        if not self._stopping and not self.supervisor.stopping:
            self.supervisor.fail(self.name, ChildProcessEnded(
                f"the {self.name} process (pid {self.proc.pid}) exited with code {self.proc.returncode} although "
                "no stop was requested"))

    async def stop(self) -> None:
        """SIGTERM, wait up to the shutdown deadline, then SIGKILL."""
        self._stopping = True
        proc = self.proc
        try:
            if proc is not None and proc.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    proc.send_signal(signal.SIGTERM)
                try:
                    await asyncio.wait_for(proc.wait(), timeout=self.settings.shutdown_timeout_s + 2)
                except (TimeoutError, asyncio.CancelledError):
                    log.error("child process did not stop in time; killing it", part=self.name, pid=proc.pid)
                    with contextlib.suppress(ProcessLookupError):
                        proc.kill()
                    await asyncio.shield(proc.wait())
                if proc.returncode not in (0, -signal.SIGTERM):
                    log.warning("child process ended with an error while stopping", part=self.name, pid=proc.pid,
                                exit_code=proc.returncode)
        finally:
            if self._watch is not None:
                self._watch.cancel()
            if self.writer is not None:
                self.writer.close()


# --- the child's side --------------------------------------------------------------------------------
class Lifeline:
    """The child's end: say ``ready`` once, answer the parent's requests, and tell when the parent is gone."""

    def __init__(self, fd: int) -> None:
        self._sock = socket.socket(fileno=fd)
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self._said_ready = False

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(sock=self._sock)

    def ready(self) -> None:
        if not self._said_ready and self.writer is not None:
            self._said_ready = True
            with contextlib.suppress(OSError):  # a parent that is gone is noticed by serve()
                self.writer.write(READY)

    async def serve(self, answer: Callable[[bytes], Awaitable[bytes]]) -> None:
        """Answer the parent's requests one after the other; return when the parent's end is closed."""
        assert self.reader is not None
        assert self.writer is not None
        while (request := await read_frame(self.reader)) is not None:
            write_frame(self.writer, await answer(request))
            with contextlib.suppress(ConnectionError):
                await self.writer.drain()

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        else:
            self._sock.close()
