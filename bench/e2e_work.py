"""The work alone, without Kafka or Elasticsearch: parsing and enrichment in one process (language-only or
full), and the named-entity engine alone at the concurrency it serves best.

Each runs at steady state on ``n`` documents (the corpus repeated under new ids, see ``common.copies``), after
a warm-up that is not counted (models, gazetteer, first connections). CPU is the process's own
(``time.process_time``, every thread); the NER server's CPU is read from its process.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import AsyncIterator, Iterable, Iterator, MutableMapping, Sequence
from itertools import islice
from typing import TYPE_CHECKING, Any

from common import ProcessSampler, copies, progress, stack_pids

from newsingest.config import Settings
from newsingest.enrich.ner.factory import build_engine
from newsingest.enrich.pipeline import Enricher
from newsingest.enrich.registry import EntityRegistry
from newsingest.enrich.stories import StoryIndex
from newsingest.ingest.formats.base import ParseError, SourceFile
from newsingest.ingest.formats.registry import parse_file
from newsingest.models import RawArticle

if TYPE_CHECKING:  # not at run time: bench/work_ab.py runs this module against earlier revisions too
    from newsingest.enrich.batch import StartedBatch

Files = Sequence[tuple[str, bytes]]
WARM_UP_FILES = 20


def _story_store() -> MutableMapping[str, str]:
    """The local copy of the story state as the enrich agent keeps it (records and centroids on disk), where this
    version of the service has one; else a dict."""
    try:
        from newsingest.enrich.stories import SPILL_PREFIXES
        from newsingest.streaming.spilling_map import SpillingMap
    except ImportError:
        return {}
    return SpillingMap(SPILL_PREFIXES)


def _build_enricher(settings: Settings) -> Enricher:
    kwargs: dict[str, Any] = {}
    parameters = inspect.signature(Enricher).parameters
    if "engine" in parameters:
        kwargs["engine"] = build_engine(settings)
    if "story_store" in parameters:
        kwargs["story_store"] = _story_store()
    return Enricher(settings, **kwargs)


def _rounds(files: Files, n: int) -> Iterator[list[tuple[str, bytes]]]:
    """``copies(files, n)`` cut into rounds of the corpus: the files themselves, then each round of copies."""
    remaining = copies(files, n)
    while chunk := list(islice(remaining, len(files))):
        yield chunk


def _new_stream(enricher: Enricher, settings: Settings) -> None:
    """Empty story state and entity registry, as in a pipeline that starts on a new stream.

    A copy repeats its original's text (under a new id, one line added), so with the state kept across rounds
    every copy is a near-duplicate of an article already held and takes the story step's cheap duplicate path:
    1.3 ms instead of 3.2 ms per article (bench 2026-12-06), which made the work alone cheaper than the same
    articles in the e2e run (1,976 distinct ones, state growing from empty) and counted the difference as
    plumbing. Each round now starts from an empty state, as the e2e run does."""
    if hasattr(enricher, "stories"):
        enricher.stories = StoryIndex(_story_store(), window_hours=settings.story_window_hours)
    if hasattr(enricher, "registry"):
        enricher.registry = EntityRegistry({}, settings)


def _batch_size(enricher: Enricher, settings: Settings) -> int | None:
    """The enrich agent's batch size where the runtime enriches in batches (``Enricher.enrich_batch``)."""
    size = getattr(settings, "enrich_batch_max", None)
    return int(size) if size and hasattr(enricher, "enrich_batch") else None


async def _enrich(enricher: Enricher, articles: list[RawArticle], batched: bool) -> int:
    """Enrich the articles; returns how many failed (an error the pipeline would dead-letter)."""
    if not articles:
        return 0
    if batched:
        results = await enricher.enrich_batch(articles)
        return sum(isinstance(r, BaseException) for r in results)
    for article in articles:
        await enricher.enrich(article)
    return 0


def _parse(name: str, data: bytes) -> list[RawArticle] | None:
    try:
        return parse_file(SourceFile(name=name, data=data))
    except ParseError:
        return None


class _Run:
    """Counts of one work-alone run."""

    def __init__(self) -> None:
        self.parse_cpu = 0.0
        self.articles = self.parse_errors = self.enrich_errors = 0

    def parse(self, name: str, data: bytes) -> list[RawArticle]:
        started = time.thread_time()
        parsed = _parse(name, data)
        self.parse_cpu += time.thread_time() - started
        if parsed is None:
            self.parse_errors += 1
            return []
        self.articles += len(parsed)
        return parsed


async def _batched(enricher: Enricher, files: Iterable[tuple[str, bytes]], size: int, run: _Run,
                   overlap: bool = True) -> None:
    """As the batch runtime: articles enriched ``size`` at a time, the next batch started while the one before it
    is finished (``overlap``, as the enrich agent does; else one batch after the other), while the next batches are
    parsed (the watcher parses while the agent enriches: the two overlap in the pipeline too)."""
    batches: asyncio.Queue[list[RawArticle] | None] = asyncio.Queue(maxsize=2)

    async def parse_all() -> None:
        pending: list[RawArticle] = []
        for name, data in files:
            pending += run.parse(name, data)
            if len(pending) >= size:
                await batches.put(pending)
                pending = []
            await asyncio.sleep(0)  # let the enrichment's I/O callbacks run between files
        if pending:
            await batches.put(pending)
        await batches.put(None)

    async def taken() -> AsyncIterator[list[RawArticle]]:
        while (batch := await batches.get()) is not None:
            yield batch

    async def finish(batch: list[RawArticle], started: StartedBatch) -> None:
        results = await enricher.finish_batch(started)
        run.enrich_errors += sum(isinstance(r, BaseException) for r in results)

    parser = asyncio.create_task(parse_all())
    if overlap:  # as the enrich agent: the next batch starts while the one before it is finished
        from newsingest.runtime.overlap import run_overlapped

        slots = asyncio.Semaphore(enricher.settings.enrich_max_in_flight)
        await run_overlapped(taken(), lambda batch: enricher.start_batch(batch, slots=slots), finish,
                             lambda exc: None)  # a failed finish is raised by run_overlapped itself
    else:  # one batch after the other (the agent before 2026-12-07)
        async for batch in taken():
            run.enrich_errors += await _enrich(enricher, batch, True)
    await parser


async def _one_by_one(enricher: Enricher, files: Iterable[tuple[str, bytes]], concurrency: int, run: _Run) -> None:
    """As the per-article runtime: ``concurrency`` files in flight, each article enriched alone."""
    slots = asyncio.Semaphore(concurrency)
    tasks: set[asyncio.Task[int]] = set()
    errors: list[BaseException] = []

    def done(task: asyncio.Task[int]) -> None:
        tasks.discard(task)
        slots.release()
        if not task.cancelled() and task.exception() is not None:
            errors.append(task.exception())  # type: ignore[arg-type]

    for name, data in files:
        await slots.acquire()
        task = asyncio.create_task(_enrich(enricher, run.parse(name, data), False))
        tasks.add(task)
        task.add_done_callback(done)
    await asyncio.gather(*tasks, return_exceptions=True)
    run.enrich_errors += len(errors)


def work_limit(base: Settings, files: Files, n: int, *, full: bool, overlap: bool = True) -> dict[str, Any]:
    """Parse ``n`` files and enrich their articles as the pipeline does: in the runtime's batches where it has
    them (two in flight where the runtime overlaps them, unless ``overlap`` is False), else ``ner_concurrency``
    files in flight."""
    settings = base.model_copy(update={"ner_enabled": full})
    mode = "full" if full else "language-only"
    warm = [(f"w-{name}", data + b"\n\nWarm-up copy.") for name, data in files[:WARM_UP_FILES]]

    async def main() -> dict[str, Any]:
        enricher = _build_enricher(settings)
        batch = _batch_size(enricher, settings)
        await enricher.warm_up()
        for name, data in warm:
            await _enrich(enricher, _parse(name, data) or [], batch is not None)
        run = _Run()
        sampler = ProcessSampler(stack_pids(base.stack_dir), interval=5.0)
        sampler.start()
        cpu0, start = time.process_time(), time.monotonic()
        for round_files in _rounds(files, n):
            _new_stream(enricher, settings)
            if batch:
                await _batched(enricher, round_files, batch, run, overlap and hasattr(enricher, "start_batch"))
            else:
                await _one_by_one(enricher, round_files, max(1, settings.ner_concurrency), run)
        elapsed, cpu = time.monotonic() - start, time.process_time() - cpu0
        usage = sampler.stop()
        await enricher.aclose()
        per = 1000 / run.articles if run.articles else 0.0
        ner_cpu = usage["cpu_s"].get("corenlp")
        return {
            "mode": mode,
            "files": n,
            "articles": run.articles,
            "batch": batch,
            "parse_errors": run.parse_errors,
            "enrich_errors": run.enrich_errors,
            "work_per_s": round(run.articles / elapsed, 2),
            "work_cpu_ms_per_article": round(cpu * per, 3),
            "parse_cpu_ms_per_article": round(run.parse_cpu * per, 3),
            "enrich_cpu_ms_per_article": round((cpu - run.parse_cpu) * per, 3),
            "ner_server_cpu_ms_per_article": round(ner_cpu * per, 3) if full and ner_cpu is not None else None,
        }

    progress(f"limit: the work alone ({mode}), {n} files")
    return asyncio.run(main())


def _ner_inputs(settings: Settings, articles: list[RawArticle]) -> list[tuple[str, str, str]]:
    """(title, body, language) of the articles the engine supports, the language decided as enrichment does."""
    from newsingest.enrich.language import LanguageDetector

    detector = LanguageDetector.from_settings(settings)
    engine = build_engine(settings)
    inputs = []
    for raw in articles:
        code = detector.detect(f"{raw.title}\n\n{raw.body}", hint=raw.language_hint).code
        language = code if code != "und" else (raw.language_hint or "und")
        if engine.supports(language):
            inputs.append((raw.title, raw.body, language))
    asyncio.run(engine.aclose())
    return inputs


def _ner_run(settings: Settings, inputs: list[tuple[str, str, str]], n: int, concurrency: int) -> dict[str, Any]:
    run_settings = settings.model_copy(update={"ner_enabled": True, "ner_concurrency": concurrency})

    async def main() -> dict[str, Any]:
        engine = build_engine(run_settings)
        slots = asyncio.Semaphore(concurrency)

        async def one(i: int) -> None:
            title, body, language = inputs[i % len(inputs)]
            copy = i // len(inputs)
            body = f"{body}\n\nCopy {copy} of this article." if copy else body
            async with slots:
                await asyncio.gather(engine.recognise(title, language), engine.recognise(body, language))

        for i in range(min(len(inputs), 2 * concurrency)):  # warm-up, not counted: connections, models
            await one(i)
        sampler = ProcessSampler(stack_pids(settings.stack_dir), interval=5.0)
        sampler.start()
        cpu0, start = time.process_time(), time.monotonic()
        await asyncio.gather(*(one(i) for i in range(n)))
        elapsed, cpu = time.monotonic() - start, time.process_time() - cpu0
        usage = sampler.stop()
        await engine.aclose()
        server = usage["cpu_s"].get("corenlp")
        return {
            "concurrency": concurrency,
            "articles": n,
            "ner_per_s": round(n / elapsed, 2),
            "client_cpu_ms_per_article": round(cpu * 1000 / n, 3),
            "server_cpu_ms_per_article": round(server * 1000 / n, 3) if server is not None else None,
        }

    return asyncio.run(main())


def ner_limit(
    base: Settings, articles: list[RawArticle], n: int, *, levels: Sequence[int], sweep_n: int,
    best: int | None = None,
) -> dict[str, Any]:
    """The NER engine alone: each concurrency of ``levels`` on ``sweep_n`` articles (unless ``best`` is known
    from an earlier repetition), then the best one on ``n`` articles (title and body per article, as
    enrichment sends them)."""
    settings = base.model_copy(update={"ner_enabled": True})
    inputs = _ner_inputs(settings, articles)
    if not inputs:
        return {"ner_per_s": None, "ner_best_concurrency": None, "ner_sweep": []}
    sweep: list[dict[str, Any]] = []
    if best is None:
        for level in levels:
            progress(f"limit: NER engine alone, concurrency {level}, {sweep_n} articles")
            sweep.append(_ner_run(settings, inputs, sweep_n, level))
        best = max(sweep, key=lambda r: r["ner_per_s"])["concurrency"]
    progress(f"limit: NER engine alone at concurrency {best}, {n} articles")
    chosen = _ner_run(settings, inputs, n, best)
    return {
        "ner_per_s": chosen["ner_per_s"],
        "ner_best_concurrency": best,
        "ner_articles": n,
        "ner_client_cpu_ms_per_article": chosen["client_cpu_ms_per_article"],
        "ner_server_cpu_ms_per_article": chosen["server_cpu_ms_per_article"],
        "ner_sweep": [{k: r[k] for k in ("concurrency", "articles", "ner_per_s")} for r in sweep],
    }
