"""A part that runs in a child process of its own, tied to its parent both ways (crash-only).

``run`` and ``worker`` deliver webhooks in a child ``newsingest notify`` process, so that delivery (HTTP,
HMAC, JSON) never takes CPU time from the pipeline's event loop, and a receiver that misbehaves cannot slow
the pipeline down. The two processes are bound by a *lifeline*, one end of a socket pair each:

- the parent's part is ``running`` once the child says so over the lifeline; when the child exits while no
  stop was asked for, the part fails and the parent exits with code 70 (``runtime/supervisor.py``);
- the child stops (as on SIGTERM) when its end of the lifeline reads end-of-file: the parent is gone, even
  when it was killed with SIGKILL and could not say so;
- a clean stop of the parent sends SIGTERM to the child and waits for it (then SIGKILL after the shutdown
  deadline). The child has a process group of its own, so a Ctrl-C in the terminal reaches the parent only
  and the stop is always the parent's to give.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys

from newsingest.config import Settings
from newsingest.log import get_logger
from newsingest.runtime.supervisor import Supervisor

log = get_logger(__name__)

READY = b"ready\n"


class ChildProcessEnded(RuntimeError):
    """The child process of a part exited although nobody asked it to stop."""


async def run_in_child(name: str, command: tuple[str, ...], settings: Settings, stop: asyncio.Event,
                       supervisor: Supervisor) -> None:
    """Run ``newsingest <command>`` as part ``name`` until ``stop`` is set; raise if it ends by itself.

    The child reads its settings from the same environment as this process."""
    parent_end, child_end = socket.socketpair()
    try:
        parent_end.setblocking(False)
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "newsingest.cli", *command, "--lifeline-fd", str(child_end.fileno()),
            pass_fds=(child_end.fileno(),), process_group=0,
        )
    except BaseException:
        parent_end.close()
        raise
    finally:
        child_end.close()
    log.info("child process started", part=name, pid=proc.pid, command=" ".join(command))
    loop = asyncio.get_running_loop()
    exited = asyncio.ensure_future(proc.wait())
    stopped = asyncio.ensure_future(stop.wait())
    ready = asyncio.ensure_future(loop.sock_recv(parent_end, len(READY)))
    try:
        await asyncio.wait({ready, exited, stopped}, return_when=asyncio.FIRST_COMPLETED)
        if ready.done() and not ready.exception() and ready.result() == READY:
            supervisor.running(name)
        await asyncio.wait({exited, stopped}, return_when=asyncio.FIRST_COMPLETED)
        if not stop.is_set() and not supervisor.stopping:
            raise ChildProcessEnded(f"the {name} process (pid {proc.pid}) exited with code {proc.returncode} "
                                    "although no stop was requested")
        await _stop_child(name, proc, settings.shutdown_timeout_s)
    finally:
        for task in (ready, exited, stopped):
            task.cancel()
        if proc.returncode is None:  # cancelled, or failed while the child still runs
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            with contextlib.suppress(Exception):
                await asyncio.shield(proc.wait())
        parent_end.close()


async def _stop_child(name: str, proc: asyncio.subprocess.Process, timeout_s: float) -> None:
    if proc.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(proc.wait(), timeout=timeout_s + 2)
        except TimeoutError:
            log.error("child process did not stop in time; killing it", part=name, pid=proc.pid)
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            await proc.wait()
    if proc.returncode not in (0, -signal.SIGTERM):
        log.warning("child process ended with an error while stopping", part=name, pid=proc.pid,
                    exit_code=proc.returncode)


# --- the child's side --------------------------------------------------------------------------------
class Lifeline:
    """The child's end: say ``ready`` once, and stop the process (SIGTERM to itself) when the parent is gone."""

    def __init__(self, fd: int) -> None:
        self.sock = socket.socket(fileno=fd)
        self.sock.setblocking(False)
        self._said_ready = False

    def ready(self) -> None:
        if not self._said_ready:
            self._said_ready = True
            with contextlib.suppress(OSError):  # a parent that is gone is noticed by watch()
                self.sock.send(READY)

    async def watch(self) -> None:
        """Return (after asking this process to stop) once the parent's end is closed."""
        loop = asyncio.get_running_loop()
        while True:
            try:
                data = await loop.sock_recv(self.sock, 64)
            except OSError:
                data = b""
            if not data:
                break
        log.warning("the parent process is gone; stopping", pid=os.getpid())
        os.kill(os.getpid(), signal.SIGTERM)

    def close(self) -> None:
        self.sock.close()
