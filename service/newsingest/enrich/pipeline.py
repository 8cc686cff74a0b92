"""Enrichment of one article: language, named entities, places, near-duplicates and stories.

``Enricher.enrich`` is a coroutine: named-entity recognition is I/O (an engine behind
:class:`~newsingest.enrich.ner.base.NerEngine`), the pure CPU work (normalisation, gazetteer, SimHash, terms)
runs in a worker thread when the article is long, and the story index is updated on the calling event loop
(it is backed by the Faust table the agent provides). Calls for different articles may run concurrently.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, MutableMapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from newsingest import __version__
from newsingest.config import Settings
from newsingest.cputime import add_cpu, cpu_step, thread_time, timed, timed_coroutine
from newsingest.enrich import german_case
from newsingest.enrich.batch import NerGuard, StartedBatch, enrich_batch, finish_batch, start_batch
from newsingest.enrich.club_places import retype_place_names
from newsingest.enrich.compound_orgs import compound_organisations
from newsingest.enrich.events import retype_events
from newsingest.enrich.gazetteer import Gazetteer, load_gazetteer
from newsingest.enrich.language import LanguageDetector, LanguageResult, predict
from newsingest.enrich.ner.base import NerEngine, RawMention
from newsingest.enrich.normalise import normalise_entities
from newsingest.enrich.places import resolve_places
from newsingest.enrich.registry import EntityRegistry
from newsingest.enrich.seats import with_seats
from newsingest.enrich.stories import StoryFeatures, StoryIndex, story_features
from newsingest.models import EnrichedArticle, Entity, EntityType, LanguageShare, Place, RawArticle

PIPELINE_VERSION = f"{__version__}"
OFFLOAD_CHARS = 6000
"""Articles longer than this have their CPU-bound steps run in a worker thread (the event loop stays free)."""
STRIP_MIN_POPULATION = 50_000
"""A city must be at least this big for "<name>s" to be read as the genitive of "<name>"."""
NER_GUESS_MIN_CONFIDENCE = 0.2
"""Least detector confidence for running NER on a text whose language is "und"."""
_WORD = re.compile(r"\w+(?:[-'’]\w+)*", re.UNICODE)
_T = TypeVar("_T")


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


@dataclass(frozen=True)
class Analysis:
    """The pure (no I/O) results for one article."""

    entities: list[Entity]
    places: list[Place]
    countries: list[str]
    features: StoryFeatures
    word_count: int


def article_entities(
    title: str,
    body: str,
    language: str,
    title_mentions: list[RawMention],
    body_mentions: list[RawMention],
    gazetteer: Gazetteer,
) -> list[Entity]:
    """The entities of an article from the NER engine's mentions: span repair, types, in-article coreference and
    the article-level rules (what the service indexes; ``bench/ner_eval.py --service`` scores their mentions)."""

    def known(name: str) -> bool:
        return gazetteer.is_known(name, min_population=STRIP_MIN_POPULATION)

    def identity(name: str, entity_type: EntityType) -> str | None:
        if entity_type is not EntityType.LOCATION:
            return None
        return gazetteer.identity(name)

    if language.split("-")[0] == "de" and (title_mentions or body_mentions):  # NER ran
        title_mentions = [*title_mentions, *compound_organisations(title, title_mentions, gazetteer.is_known)]
        body_mentions = [*body_mentions, *compound_organisations(body, body_mentions, gazetteer.is_known)]
    entities = normalise_entities(
        [("title", title, title_mentions), ("body", body, body_mentions)],
        language=language,
        known=known,
        identity=identity,
    )
    texts = {"title": title, "body": body}
    entities = with_seats(entities, texts, language)
    entities = retype_events(entities, texts, language)
    return retype_place_names(entities, texts, language, gazetteer)


def analyse(
    raw: RawArticle,
    language: str,
    title_mentions: list[RawMention],
    body_mentions: list[RawMention],
    gazetteer: Gazetteer,
) -> Analysis:
    """Entities, places, countries and story features of an article whose mentions are known."""
    entities = article_entities(raw.title, raw.body, language, title_mentions, body_mentions, gazetteer)
    places, countries = resolve_places(entities, raw.dateline_places, gazetteer)
    return Analysis(
        entities=entities,
        places=places,
        countries=countries,
        features=story_features(raw, entities, places),
        word_count=word_count(raw.body),
    )


class Enricher:
    """Holds the engine, the gazetteer (loaded once per process) and the story index."""

    def __init__(
        self,
        settings: Settings,
        engine: NerEngine | None = None,
        story_store: MutableMapping[str, str] | None = None,
        entity_store: MutableMapping[str, str] | None = None,
    ) -> None:
        self.settings = settings
        if engine is None:
            from newsingest.enrich.ner.factory import build_engine

            engine = build_engine(settings)
        self.engine = engine
        self.stories = StoryIndex({} if story_store is None else story_store, window_hours=settings.story_window_hours)
        self.registry = EntityRegistry({} if entity_store is None else entity_store, settings)
        self._gazetteer: Gazetteer | None = None
        self.language = LanguageDetector.from_settings(settings)

    async def gazetteer(self) -> Gazetteer:
        """The gazetteer, built in a worker thread on first use (about two seconds)."""
        if self._gazetteer is None:
            self._gazetteer = await asyncio.to_thread(load_gazetteer, self.settings.places_min_population)
        return self._gazetteer

    async def warm_up(self) -> None:
        """Load what the first article would otherwise wait for: the gazetteer, the language models and the German
        morphology (HanTa's model, the noun genders)."""
        await self.gazetteer()
        await asyncio.to_thread(self.language.warm_up)
        await asyncio.to_thread(german_case.warm_up)

    async def enrich(self, raw: RawArticle) -> EnrichedArticle:
        """One article (CLI, evaluation): the batch path's steps for a batch of one."""
        offload = len(raw.title) + len(raw.body) > OFFLOAD_CHARS
        language = await self._cpu(offload, self._language, raw)
        ner_language = self._ner_language(raw, language)
        mentions = await timed_coroutine(self._recognise(raw, ner_language), "ner_client")
        return await self._finish(raw, language, ner_language, mentions)

    async def enrich_batch(self, raws: Sequence[RawArticle], *, guard: NerGuard | None = None
                           ) -> list[EnrichedArticle | BaseException]:
        """A batch, result ``i`` for ``raws[i]`` (the article, or the error that makes it a poison message):
        language for the whole batch, NER requests for all articles concurrently (``guard`` wraps each article's
        requests: retries, time limit), and places and stories one article after the other in batch order, each as
        soon as its mentions are in (overlapping the NER of the articles after it)."""
        return await enrich_batch(self, raws, guard)

    async def start_batch(self, raws: Sequence[RawArticle], *, guard: NerGuard | None = None,
                          slots: asyncio.Semaphore | None = None) -> StartedBatch:
        """The first half of :meth:`enrich_batch`: languages detected, NER requests started (within ``slots``)."""
        return await start_batch(self, raws, guard, slots)

    async def finish_batch(self, started: StartedBatch) -> list[EnrichedArticle | BaseException]:
        """The second half of :meth:`enrich_batch`: places, entities and stories in batch order."""
        return await finish_batch(self, started)

    async def _finish(self, raw: RawArticle, language: LanguageResult, ner_language: str,
                      mentions: tuple[list[RawMention], list[RawMention]]) -> EnrichedArticle:
        """Places, entities and the story of an article whose language and mentions are known."""
        title_mentions, body_mentions = mentions
        offload = len(raw.title) + len(raw.body) > OFFLOAD_CHARS
        gazetteer = await self.gazetteer()
        places = timed("places", analyse)
        result = await self._cpu(offload, places, raw, ner_language, title_mentions, body_mentions, gazetteer)
        result = self.registry.resolve(result, ner_language)  # cross-article names (enrich/registry.py)
        started = thread_time()
        decision = self.stories.assign(result.features)
        enriched = EnrichedArticle(
            **raw.model_dump(),
            language=language.code,
            language_confidence=language.confidence,
            languages=[LanguageShare(code=code, share=share) for code, share in language.languages],
            entities=result.entities,
            places=result.places,
            countries=result.countries,
            word_count=result.word_count,
            story_id=decision.story_id,
            duplicate_of=decision.duplicate_of,
            story_label=decision.label,
            simhash=result.features.simhash_hex,
            pipeline_version=PIPELINE_VERSION,
        )
        add_cpu("stories", thread_time() - started)
        return enriched

    async def aclose(self) -> None:
        await self.engine.aclose()

    # --- steps ----------------------------------------------------------------------------------------
    def _language(self, raw: RawArticle) -> LanguageResult:
        with cpu_step("language"):
            return self.language.detect(f"{raw.title}\n\n{raw.body}", hint=raw.language_hint)

    @staticmethod
    def _ner_language(raw: RawArticle, language: LanguageResult) -> str:
        """The article's language; for a short or mixed text ("und"): the file's hint, else the detector's
        best guess when it is at least plausible (NER in the likely language beats no NER)."""
        if language.code != "und":
            return language.code
        if raw.language_hint:
            return raw.language_hint
        guesses = predict(f"{raw.title}\n\n{raw.body}", k=1)
        return guesses[0][0] if guesses and guesses[0][1] >= NER_GUESS_MIN_CONFIDENCE else "und"

    async def _recognise(self, raw: RawArticle, language: str) -> tuple[list[RawMention], list[RawMention]]:
        if not self.engine.supports(language):
            return [], []
        title, body = await asyncio.gather(
            self.engine.recognise(raw.title, language) if raw.title.strip() else _nothing(),
            self.engine.recognise(raw.body, language) if raw.body.strip() else _nothing(),
        )
        return title, body

    @staticmethod
    async def _cpu(offload: bool, function: Callable[..., _T], *args: object) -> _T:
        if offload:
            return await asyncio.to_thread(function, *args)
        return function(*args)


async def _nothing() -> list[RawMention]:
    return []
