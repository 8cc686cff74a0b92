"""Enricher.enrich_batch: the same results as one article at a time, in order, with NER requests concurrent and
bounded, a failing article failing alone, and the caller's guard around each article's NER call."""

from __future__ import annotations

import asyncio

from newsingest.config import Settings
from newsingest.enrich.ner.base import RawMention
from newsingest.enrich.pipeline import Enricher
from newsingest.models import EnrichedArticle, RawArticle
from tests.fixtures.enrich.articles import bbc_articles
from tests.fixtures.enrich.fakes import ENGLISH_NAMES, DictionaryEngine


async def test_batch_gives_what_one_at_a_time_gives_in_order() -> None:
    articles = bbc_articles(30)
    articles += articles[:3]  # repeats: duplicates and stories depend on the order
    one = Enricher(Settings(), engine=DictionaryEngine(ENGLISH_NAMES, capitalised=True), story_store={})
    expected = [await one.enrich(a) for a in articles]
    batch = Enricher(Settings(), engine=DictionaryEngine(ENGLISH_NAMES, capitalised=True), story_store={})
    results = await batch.enrich_batch(articles)
    assert all(isinstance(r, EnrichedArticle) for r in results)
    assert [r.model_dump(exclude={"enriched_at"}) for r in results] == [  # type: ignore[union-attr]
        e.model_dump(exclude={"enriched_at"}) for e in expected
    ]
    assert [r.story_id for r in results[-3:]] == [r.story_id for r in results[:3]]  # type: ignore[union-attr]


class CountingEngine(DictionaryEngine):
    def __init__(self, fail_on: str | None = None, flaky: int = 0) -> None:
        super().__init__(ENGLISH_NAMES, delay_s=0.01)
        self.in_flight = self.most = 0
        self.fail_on, self.flaky = fail_on, flaky

    async def recognise(self, text: str, language: str) -> list[RawMention]:
        self.in_flight += 1
        self.most = max(self.most, self.in_flight)
        try:
            if self.flaky:
                self.flaky -= 1
                raise ConnectionError("server unreachable")
            if self.fail_on and text.startswith(self.fail_on):
                raise ValueError("this article breaks the engine")
            return await super().recognise(text, language)
        finally:
            self.in_flight -= 1


async def test_ner_requests_run_concurrently_within_the_limit() -> None:
    engine = CountingEngine()
    enricher = Enricher(Settings(enrich_max_in_flight=4), engine=engine, story_store={})
    results = await enricher.enrich_batch(bbc_articles(20))
    assert all(isinstance(r, EnrichedArticle) for r in results)
    assert 2 < engine.most <= 8  # 4 articles at a time, each with its title and body request


async def test_a_failing_article_fails_alone() -> None:
    articles = bbc_articles(6)
    engine = CountingEngine(fail_on=articles[2].title)
    results = await Enricher(Settings(), engine=engine, story_store={}).enrich_batch(articles)
    assert isinstance(results[2], ValueError)
    assert [isinstance(r, EnrichedArticle) for i, r in enumerate(results) if i != 2] == [True] * 5


async def test_the_guard_wraps_every_ner_call_and_may_retry() -> None:
    articles = bbc_articles(5)
    engine = CountingEngine(flaky=2)
    guarded: list[str] = []

    async def guard(raw: RawArticle, call):  # type: ignore[no-untyped-def]
        guarded.append(raw.article_id)
        for _ in range(5):
            try:
                return await call()
            except ConnectionError:
                await asyncio.sleep(0)
        raise AssertionError("not retried")

    results = await Enricher(Settings(), engine=engine, story_store={}).enrich_batch(articles, guard=guard)
    assert all(isinstance(r, EnrichedArticle) for r in results)
    assert sorted(guarded) == sorted(a.article_id for a in articles)


async def test_articles_ner_does_not_support_cost_no_request() -> None:
    engine = CountingEngine()
    engine.languages = set()
    results = await Enricher(Settings(), engine=engine, story_store={}).enrich_batch(bbc_articles(5))
    assert all(isinstance(r, EnrichedArticle) for r in results)
    assert engine.calls == []
