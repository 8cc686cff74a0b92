"""Enrichment of a batch of articles (the enrich agent's unit of work).

Language detection runs for the whole batch at once (in a worker thread when the batch is long, so the event loop
stays free), the NER requests of all articles run concurrently (at most ``enrich_max_in_flight`` articles at a
time, each article's requests wrapped by the caller's ``guard``: retries, time limit), and places, entities and
stories are then done one article after the other in batch order, so story grouping sees the articles in their
arrival order as with one article at a time. A failure of one article is that article's result, never the batch's.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
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


async def enrich_batch(enricher: Enricher, raws: Sequence[RawArticle], guard: NerGuard | None
                       ) -> list[EnrichedArticle | BaseException]:
    languages = await _languages(enricher, raws)
    mentions = await _recognise_all(enricher, raws, languages, guard)
    results: list[EnrichedArticle | BaseException] = []
    for raw, language, found in zip(raws, languages, mentions, strict=True):
        if isinstance(language, BaseException):
            results.append(language)
        elif isinstance(found, BaseException):
            results.append(found)
        else:
            try:
                results.append(await enricher._finish(raw, language, found[0], found[1]))
            except Exception as exc:  # this article's problem: it becomes a dead letter
                results.append(exc)
            await asyncio.sleep(0)  # the event loop (heartbeats, the indexer, the watcher) runs between articles
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


async def _recognise_all(
    enricher: Enricher, raws: Sequence[RawArticle], languages: Sequence[LanguageResult | BaseException],
    guard: NerGuard | None,
) -> list[tuple[str, Mentions] | BaseException]:
    """Per article (``ner_language``, mentions) or its error; only articles NER supports cost a task."""
    slots = asyncio.Semaphore(enricher.settings.enrich_max_in_flight)
    found: list[tuple[str, Mentions] | BaseException] = []
    pending: dict[int, asyncio.Task[Mentions]] = {}

    async def recognise(raw: RawArticle, ner_language: str) -> Mentions:
        def call() -> Awaitable[Mentions]:
            return timed_coroutine(enricher._recognise(raw, ner_language), "ner_client")

        async with slots:
            return await (guard(raw, call) if guard is not None else call())

    for index, (raw, language) in enumerate(zip(raws, languages, strict=True)):
        if isinstance(language, BaseException):
            found.append(language)
            continue
        ner_language = enricher._ner_language(raw, language)
        found.append((ner_language, ([], [])))
        if enricher.engine.supports(ner_language):
            pending[index] = asyncio.ensure_future(recognise(raw, ner_language))
    if pending:
        try:
            await asyncio.wait(pending.values())
        except asyncio.CancelledError:
            for task in pending.values():
                task.cancel()
            raise
        for index, task in pending.items():
            error = task.exception()
            found[index] = error if error is not None else (found[index][0], task.result())  # type: ignore[index]
    return found
