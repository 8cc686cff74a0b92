from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path

from newsingest.config import Settings
from newsingest.enrich.ner.base import NullEngine
from newsingest.enrich.pipeline import PIPELINE_VERSION, Enricher
from newsingest.models import EnrichedArticle, EntityType
from tests.fixtures.enrich.articles import article, bbc_articles, sample_articles
from tests.fixtures.enrich.fakes import ENGLISH_NAMES, GERMAN_SAMPLE_NAMES, DictionaryEngine

NAMES = {**GERMAN_SAMPLE_NAMES, **ENGLISH_NAMES}


async def test_enriches_a_sample_end_to_end(samples_dir: Path) -> None:
    engine = DictionaryEngine(NAMES)
    enricher = Enricher(Settings(), engine=engine, story_store={})
    raw = sample_articles(samples_dir)[0]
    result = await enricher.enrich(raw)

    assert isinstance(result, EnrichedArticle)
    assert result.article_id == raw.article_id
    assert result.body == raw.body
    assert result.language == "de"
    assert result.language_confidence > 0.5
    assert result.pipeline_version == PIPELINE_VERSION
    assert result.word_count > 600
    assert result.simhash is not None
    assert re.fullmatch(r"[0-9a-f]{16}", result.simhash)
    assert result.story_id == raw.article_id
    assert result.duplicate_of is None

    entities = {e.name: e for e in result.entities}
    assert entities["Wladimir Putin"].type is EntityType.PERSON
    assert entities["Kim Jong Un"].type is EntityType.PERSON
    assert {"Russland", "Nordkorea", "Moskau", "Wladiwostok", "Pjöngjang", "Kreml", "KCNA"} <= set(entities)
    assert "Putins" not in entities
    assert "Nordkoreas" not in entities
    assert "Kims" not in entities
    title_mentions = [m for e in result.entities for m in e.mentions if m.field == "title"]
    assert {m.text for m in title_mentions} >= {"Nordkoreas", "Kim", "Russland", "Putin"}
    for entity in result.entities:
        for mention in entity.mentions:
            text = raw.title if mention.field == "title" else raw.body
            assert text[mention.start : mention.end] == mention.text

    places = {p.resolved_name: p for p in result.places}
    assert places["Vladivostok"].country_code == "RU"
    assert places["Vladivostok"].lat is not None
    assert places["Moscow"].name == "Moskau"
    assert places["Seoul"].country_code == "KR"  # from the dateline "SEOUL/MOSKAU"
    assert result.countries == sorted(set(result.countries))
    assert {"RU", "KP", "KR"} <= set(result.countries)

    assert ("de", raw.title[:40]) in engine.calls
    assert ("de", raw.body[:40]) in engine.calls
    EnrichedArticle.model_validate_json(result.model_dump_json())


async def test_languages_without_ner_still_get_places_and_stories() -> None:
    engine = DictionaryEngine(NAMES, languages=("de", "en"))
    enricher = Enricher(Settings(), engine=engine, story_store={})
    raw = article(
        "Le gouvernement annonce une réforme",
        "Le président de la République a annoncé lundi une réforme des retraites devant le parlement.",
        dateline_places=["Paris"],
    )
    result = await enricher.enrich(raw)
    assert result.language == "fr"
    assert result.entities == []
    assert engine.calls == []
    assert [p.resolved_name for p in result.places] == ["Paris"]
    assert result.countries == ["FR"]
    assert result.story_id == raw.article_id


async def test_no_engine_given_and_ner_disabled_means_the_null_engine() -> None:
    enricher = Enricher(Settings(ner_enabled=False))
    assert isinstance(enricher.engine, NullEngine)
    result = await enricher.enrich(article("Kim besucht Putin", "Kim Jong Un reist nach Russland zu Putin."))
    assert result.entities == []
    assert result.story_id is not None
    await enricher.aclose()


async def test_concurrent_enrichment_of_different_articles() -> None:
    articles = bbc_articles(24)
    sequential = Enricher(Settings(), engine=DictionaryEngine(NAMES, capitalised=True), story_store={})
    expected = {a.article_id: await sequential.enrich(a) for a in articles}
    engine = DictionaryEngine(NAMES, capitalised=True, delay_s=0.01)
    concurrent = Enricher(Settings(), engine=engine, story_store={})
    results = await asyncio.gather(*(concurrent.enrich(a) for a in articles))
    assert [r.article_id for r in results] == [a.article_id for a in articles]
    for result in results:
        want = expected[result.article_id]
        assert result.entities == want.entities
        assert result.places == want.places
        assert result.simhash == want.simhash
        assert result.story_id is not None


async def test_a_5000_word_article_enriches_within_the_limit_and_keeps_its_end() -> None:
    settings = Settings()
    parts = [a.body for a in bbc_articles(40)]
    body = "\n\n".join(parts)
    while len(body.split()) < 5000:
        body += "\n\n" + body
    body += "\n\nAm Ende traf Wladimir Putin in Wladiwostok ein."
    raw = article("Ein sehr langer Artikel", body)
    enricher = Enricher(settings, engine=DictionaryEngine(NAMES, capitalised=True), story_store={})
    await enricher.gazetteer()
    started = time.perf_counter()
    result = await asyncio.wait_for(enricher.enrich(raw), timeout=settings.enrich_timeout_s)
    elapsed = time.perf_counter() - started
    assert result.word_count >= 5000
    assert elapsed < settings.enrich_timeout_s / 3
    last = max((m for e in result.entities for m in e.mentions), key=lambda m: m.start)
    assert last.text == "Wladiwostok"
    assert last.start > len(body) - 20
    assert "Vladivostok" in {p.resolved_name for p in result.places}


async def test_aclose_closes_the_engine() -> None:
    closed: list[bool] = []

    class Engine(DictionaryEngine):
        async def aclose(self) -> None:
            closed.append(True)

    enricher = Enricher(Settings(), engine=Engine(NAMES), story_store={})
    await enricher.aclose()
    assert closed == [True]
