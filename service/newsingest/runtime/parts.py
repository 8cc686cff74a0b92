"""The long-lived parts besides the enrich agent, each run under the :class:`Supervisor`:

- ``indexer`` (``news.enriched`` -> Elasticsearch) and ``watcher`` (inbox -> ``news.raw``): one coroutine each,
  given a stop event; inside a Faust worker as :class:`mode.Service` s (:func:`loop_service`), otherwise on plain
  asyncio (:func:`run_without_faust`);
- ``web``: uvicorn serving :class:`HealthApp` (``/health``, ``/metrics``).
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Awaitable, Callable
from typing import Any

from mode import Service

from newsingest.config import Settings
from newsingest.log import get_logger
from newsingest.metrics import REGISTRY
from newsingest.runtime.faults import Fault, parse_faults
from newsingest.runtime.health import HealthApp
from newsingest.runtime.retry import retrying
from newsingest.runtime.supervisor import Supervisor
from newsingest.shutdown import arm_shutdown_deadline

log = get_logger(__name__)

Runner = Callable[[Settings, asyncio.Event, Supervisor], Awaitable[None]]


# --- indexer and watcher ---------------------------------------------------------------------------------
async def run_indexer(settings: Settings, stop: asyncio.Event, supervisor: Supervisor) -> None:
    """The indexer; with alerts, it starts the alerts process first (part ``notifier``: ``newsingest notify``
    as its child, which matches what it indexed and sends the webhooks) and stops it after its last poll."""
    from newsingest.alerts.remote import RemotePublisher
    from newsingest.index.client import async_client
    from newsingest.index.indexer import Indexer
    from newsingest.index.setup import ensure_index
    from newsingest.kafka.producers import role_producer
    from newsingest.runtime.child import ChildProcess

    fault = parse_faults(settings.test_fault).get("indexer")
    es = async_client(settings)
    dlq_producer = role_producer(settings, "indexer")
    await dlq_producer.start()
    child = ChildProcess("notifier", ("notify",), settings, supervisor) if settings.alerts_enabled else None
    try:
        if await retrying(lambda: ensure_index(es, settings), what="create index template and aliases", stop=stop):
            alerts = None
            if child is not None:
                if not await child.start(stop):
                    return  # stopped before the alerts process was ready
                alerts = RemotePublisher(child, stop)
            indexer = Indexer(settings, es, dlq_producer, stop, alerts=alerts)
            if fault is not None:
                _inject_into_indexer(indexer, fault)
            supervisor.running("indexer")
            await indexer.run()
    finally:
        if child is not None:
            await child.stop()
        await dlq_producer.stop()
        await es.close()


def _inject_into_indexer(indexer: Any, fault: Fault) -> None:
    """Test-only: the indexer raises from its consumer loop after a committed batch reached the count."""
    process = indexer.process

    async def process_then_count(records: Any) -> None:
        await process(records)
        fault.tick(len(records))

    indexer.process = process_then_count


async def run_watcher(settings: Settings, stop: asyncio.Event, supervisor: Supervisor) -> None:
    from newsingest.cputime import timed
    from newsingest.ingest.formats.registry import parse_file
    from newsingest.ingest.producer import ArticleProducer
    from newsingest.ingest.watcher import FolderWatcher

    fault = parse_faults(settings.test_fault).get("watcher")
    producer = ArticleProducer(settings)
    await producer.start()
    try:
        watching = asyncio.ensure_future(FolderWatcher(settings, producer, parser=timed("parse", parse_file)).run(stop))
        supervisor.running("watcher")
        if fault is None:
            await watching
            return
        # the watcher keeps going through errors of single files, so the fault is raised beside its loop
        tripped = asyncio.ensure_future(fault.when_count_reaches(_produced))
        await asyncio.wait([watching, tripped], return_when=asyncio.FIRST_COMPLETED)
        if tripped.done():
            watching.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await watching
            await tripped  # raises the fault
        tripped.cancel()
        await watching
    finally:
        await producer.stop()


def _produced() -> float:
    return REGISTRY.get_sample_value("newsingest_articles_produced_total") or 0.0


class _LoopService(Service):
    """Runs one part's coroutine inside a Faust worker; on stop it sets the stop event and lets it finish."""

    settings: Settings
    supervisor: Supervisor
    part: str
    runner: Runner

    async def on_start(self) -> None:
        self._stop_event = asyncio.Event()
        self.supervisor.register(self.part)
        self._task = asyncio.ensure_future(
            self.supervisor.run(self.part, type(self).runner(self.settings, self._stop_event, self.supervisor))
        )

    async def on_stop(self) -> None:
        self.supervisor.begin_stop()
        self._stop_event.set()
        try:
            await asyncio.wait_for(asyncio.shield(self._task), timeout=40)
        except TimeoutError:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task


def loop_service(part: str, runner: Runner, settings: Settings, supervisor: Supervisor) -> type[Service]:
    return type(f"{part.capitalize()}Service", (_LoopService,),
                {"settings": settings, "supervisor": supervisor, "part": part, "runner": staticmethod(runner)})


# --- web -------------------------------------------------------------------------------------------------
def web_server(settings: Settings, supervisor: Supervisor, refresh: Callable[[], None] | None) -> Any:
    """A uvicorn server for :class:`HealthApp` that leaves signal handling to the process."""
    import uvicorn
    from faust.contrib.asgi import _disable_signal_handling

    config = uvicorn.Config(HealthApp(supervisor, refresh), host=settings.web_host, port=settings.web_port,
                            log_level="warning", lifespan="off", interface="asgi3", loop="none", log_config=None)
    server = uvicorn.Server(config)
    _disable_signal_handling(server)
    return server


async def serve_web(server: Any, supervisor: Supervisor) -> None:
    """Serve until asked to exit; the ``web`` part is running once the port is bound."""

    async def mark_running() -> None:
        while not server.started:
            await asyncio.sleep(0.05)
        supervisor.running("web")

    marker = asyncio.ensure_future(mark_running())
    try:
        await server.serve()
    finally:
        marker.cancel()
    if not server.should_exit:  # uvicorn returns without raising when it cannot bind
        raise RuntimeError(f"web server on {server.config.host}:{server.config.port} stopped serving")


class WebService(Service):
    """The web part inside a Faust worker."""

    settings: Settings
    supervisor: Supervisor
    refresh: Callable[[], None] | None = None

    async def on_start(self) -> None:
        self.supervisor.register("web")
        self._server = web_server(self.settings, self.supervisor, type(self).refresh)
        self._task = asyncio.ensure_future(self.supervisor.run("web", serve_web(self._server, self.supervisor)))

    async def on_stop(self) -> None:
        self.supervisor.begin_stop()
        self._server.should_exit = True
        with contextlib.suppress(TimeoutError, asyncio.CancelledError):
            await asyncio.wait_for(asyncio.shield(self._task), timeout=10)


def web_service(settings: Settings, supervisor: Supervisor, refresh: Callable[[], None] | None) -> type[Service]:
    return type("WebService", (WebService,), {"settings": settings, "supervisor": supervisor,
                                              "refresh": staticmethod(refresh) if refresh else None})


# --- without Faust: the indexer, the watcher and/or the notifier alone ------------------------------------
def run_without_faust(settings: Settings, supervisor: Supervisor, *, index: bool, watch: bool, notify: bool = False,
                      web: bool = True, refresh: Callable[[], None] | None = None,
                      lifeline_fd: int | None = None) -> None:
    """Run the indexer (with its alerts process), the watcher and/or the notifier itself (no enrich agent, so no
    Faust consumer) until SIGINT/SIGTERM, a crash, or, with ``lifeline_fd``, the end of the parent process."""

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()

        def on_signal() -> None:
            if not stop.is_set():
                arm_shutdown_deadline(settings.shutdown_timeout_s, process=supervisor.process)
            supervisor.begin_stop()
            stop.set()

        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, on_signal)
        from newsingest.alerts.part import run_matcher, run_notifier

        lifeline = None
        if lifeline_fd is not None:  # the alerts process of a `run` or `worker`: it matches for its indexer too
            from newsingest.runtime.child import Lifeline

            lifeline = Lifeline(lifeline_fd)
            await lifeline.open()
            supervisor.on_running_hook(lambda _name: lifeline.ready() if supervisor.healthy else None)

        async def matcher(settings: Settings, stop: asyncio.Event, supervisor: Supervisor) -> None:
            assert lifeline is not None
            await run_matcher(settings, stop, supervisor, lifeline)

        wanted_parts = (("indexer", run_indexer, index), ("notifier", run_notifier, notify and lifeline is None),
                        ("matcher", matcher, lifeline is not None), ("watcher", run_watcher, watch))
        runners = [(name, r) for name, r, wanted in wanted_parts if wanted]
        for name, _ in runners:
            supervisor.register(name)
        if (index and settings.alerts_enabled) or lifeline is not None:
            supervisor.register("notifier")  # the indexer's child process (run_indexer), or run by the matcher
        server = web_server(settings, supervisor, refresh) if web else None
        if server is not None:
            supervisor.register("web")
        tasks = [asyncio.ensure_future(supervisor.run(name, runner(settings, stop, supervisor)))
                 for name, runner in runners]
        web_task = asyncio.ensure_future(supervisor.run("web", serve_web(server, supervisor))) if server else None
        await stop.wait()  # a signal, or a crashed part (its supervisor sends SIGTERM)
        if server is not None:
            server.should_exit = True
        await asyncio.gather(*tasks, *([web_task] if web_task else []), return_exceptions=True)
        if lifeline is not None:
            lifeline.close()

    asyncio.run(main())
