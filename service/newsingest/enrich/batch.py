"""Enrichment of a batch of articles (the enrich agent's unit of work).

Language detection runs for the whole batch at once (in a worker thread when the batch is long, so the event loop
stays free), then the NER requests of all articles start (at most ``enrich_max_in_flight`` articles at a time, each
article's requests wrapped by the caller's ``guard``: retries, time limit), and places, entities and stories are
done one article after the other in batch order as each article's mentions arrive: the CPU steps of one article
overlap the NER server's work on the next ones, and story grouping sees the articles in their arrival order as with
one article at a time. A failure of one article is that article's result, never the batch's.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsingest.cputime import timed_coroutine
from newsingest.enrich.language import LanguageResult
from newsingest.enrich.ner.base import RawMention
from newsingest.models import EnrichedArticle, RawArticle

if TYPE_CHECKING:
    from newsingest.enrich.pipeline import Enricher

Mentions = tuple[list[RawMention], list[RawMention]]
NerGuard = Callable[[RawArticle, Callable[[], Awaitable[Mentions]]], Awaitable[Mentions]]
"""Runs one article's NER call (a factory, so it can be called again to retry) and returns its mentions."""

OFFLOAD_BATCH_CHARS = 6000


@dataclass
class StartedBatch:
    """A batch whose language is known and whose NER requests are running (:func:`start_batch`)."""

    raws: Sequence[RawArticle]
    languages: list[LanguageResult | BaseException]
    recognitions: list[tuple[str, asyncio.Task[Mentions] | None]]

    def cancel(self) -> None:
        """Stop the NER requests still running (the batch will not be finished)."""
        for _, pending in self.recognitions:
            if pending is not None and not pending.done():
                pending.cancel()


async def enrich_batch(enricher: Enricher, raws: Sequence[RawArticle], guard: NerGuard | None
                       ) -> list[EnrichedArticle | BaseException]:
    return await finish_batch(enricher, await start_batch(enricher, raws, guard))


async def start_batch(enricher: Enricher, raws: Sequence[RawArticle], guard: NerGuard | None,
                      slots: asyncio.Semaphore | None = None) -> StartedBatch:
    """Detect the batch's languages and start its NER requests. ``slots`` bounds the articles in NER at a time
    (default: ``enrich_max_in_flight`` for this batch alone); batches started while an earlier one is finished
    share the caller's ``slots``, so the next batch's requests queue behind the earlier batch's and keep the NER
    server busy while the earlier batch's last articles are finished and delivered."""
    languages = await _languages(enricher, raws)
    if slots is None:
        slots = asyncio.Semaphore(enricher.settings.enrich_max_in_flight)
    return StartedBatch(raws, languages, _start_recognition(enricher, raws, languages, guard, slots))


async def finish_batch(enricher: Enricher, started: StartedBatch) -> list[EnrichedArticle | BaseException]:
    """Places, entities and stories of a started batch, one article after the other in batch order, each as soon
    as its mentions are in; result ``i`` for article ``i`` (the article, or the error that makes it a dead
    letter)."""
    results: list[EnrichedArticle | BaseException] = []
    try:
        for raw, language, recognition in zip(started.raws, started.languages, started.recognitions, strict=True):
            if isinstance(language, BaseException):
                results.append(language)
                continue
            ner_language, pending = recognition
            try:
                # Article i is finished while the NER server works on the articles after it: the CPU steps of
                # one article overlap the NER requests of the next ones, in batch (= arrival) order.
                found = await pending if pending is not None else ([], [])
                results.append(await enricher._finish(raw, language, ner_language, found))
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # this article's problem: it becomes a dead letter
                results.append(exc)
            await asyncio.sleep(0)  # the event loop (heartbeats, the indexer, the watcher) runs between articles
    finally:
        started.cancel()
    return results


async def _languages(enricher: Enricher, raws: Sequence[RawArticle]) -> list[LanguageResult | BaseException]:
    def detect_all() -> list[LanguageResult | BaseException]:
        found: list[LanguageResult | BaseException] = []
        for raw in raws:
            try:
                found.append(enricher._language(raw))
            except Exception as exc:
                found.append(exc)
        return found

    if sum(len(raw.title) + len(raw.body) for raw in raws) > OFFLOAD_BATCH_CHARS:
        return await asyncio.to_thread(detect_all)
    return detect_all()


def _start_recognition(
    enricher: Enricher, raws: Sequence[RawArticle], languages: Sequence[LanguageResult | BaseException],
    guard: NerGuard | None, slots: asyncio.Semaphore,
) -> list[tuple[str, asyncio.Task[Mentions] | None]]:
    """Per article its ``ner_language`` and the task of its NER requests (started now, at most
    ``slots`` articles at a time); no task where the language failed or NER does not support it."""

    async def recognise(raw: RawArticle, ner_language: str) -> Mentions:
        def call() -> Awaitable[Mentions]:
            return timed_coroutine(enricher._recognise(raw, ner_language), "ner_client")

        async with slots:
            return await (guard(raw, call) if guard is not None else call())

    started: list[tuple[str, asyncio.Task[Mentions] | None]] = []
    for raw, language in zip(raws, languages, strict=True):
        if isinstance(language, BaseException):
            started.append(("und", None))
            continue
        ner_language = enricher._ner_language(raw, language)
        supported = enricher.engine.supports(ner_language)
        started.append((ner_language, asyncio.ensure_future(recognise(raw, ner_language)) if supported else None))
    return started
