"""Start ``run``, ``watch``, ``worker`` or ``notify``: topics first, then the parts under one supervisor, then
the exit code.

Exit codes: 0 after a clean stop (SIGINT/SIGTERM), 1 when Kafka cannot be reached at start, 70 when a part
crashed (``runtime/supervisor.py``), 3 when a clean stop outlived ``NEWSINGEST_SHUTDOWN_TIMEOUT_S``.
"""

from __future__ import annotations

import asyncio
import signal
import sys

import click

from newsingest.config import Settings
from newsingest.log import configure_logging, get_logger
from newsingest.runtime.faults import parse_faults
from newsingest.runtime.gauges import inbox_gauges_refresher
from newsingest.runtime.supervisor import Supervisor
from newsingest.shutdown import arm_shutdown_deadline

log = get_logger(__name__)


def start_worker(settings: Settings, *, enrich: bool, index: bool, watch: bool, process: str, notify: bool = False,
                 lifeline_fd: int | None = None) -> None:
    """``notify``: the notifier itself, without web server (``newsingest notify``; ``run`` and ``worker`` start
    it as their child, giving it ``lifeline_fd``, see ``runtime/child.py``)."""
    import faust

    from newsingest.app import create_app
    from newsingest.kafka.topics import ensure_topics

    try:
        if parse_faults(settings.test_fault):
            log.warning("TEST FAULTS ARMED: a part will crash on purpose", test_fault=settings.test_fault)
    except ValueError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    try:
        asyncio.run(asyncio.wait_for(ensure_topics(settings), timeout=60))
    except Exception as exc:
        click.echo(f"error: cannot reach Kafka at {settings.kafka_servers}: {type(exc).__name__}: {exc}", err=True)
        sys.exit(1)
    supervisor = Supervisor(process)
    refresh = inbox_gauges_refresher(settings) if watch else None
    if not enrich:  # no agent means no Faust consumer: run the other parts on plain asyncio
        from newsingest.runtime.parts import run_without_faust

        run_without_faust(settings, supervisor, index=index, watch=watch, notify=notify, web=not notify,
                          refresh=refresh, lifeline_fd=lifeline_fd)
        sys.exit(supervisor.exit_code())
    app = create_app(settings, supervisor, enrich=enrich, index=index, watch=watch, refresh=refresh)

    class Worker(faust.Worker):
        def _setup_logging(self) -> None:  # keep newsingest's structured logging for faust/mode too
            configure_logging(settings.log_level, settings.log_format)

        def _schedule_shutdown(self, signum: signal.Signals) -> None:
            if not self._signal_stop_time:  # the first signal starts the deadline
                arm_shutdown_deadline(settings.shutdown_timeout_s, process=process)
            supervisor.begin_stop()
            super()._schedule_shutdown(signum)

    try:
        Worker(app, loglevel=settings.log_level.lower(), quiet=True, redirect_stdouts=False).execute_from_commandline()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
        sys.exit(supervisor.exit_code(code))
    sys.exit(supervisor.exit_code())
