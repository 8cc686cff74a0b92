"""Index design and search against the real Elasticsearch: template applied at start-up, aliases, strict
mapping, language analyzers ("Gipfeltreffen" finds "Gipfeltreffens", "summits" finds "summit"), queries
without a language searching all, exact phrases, facets, dates, geo points, paging, stories, highlights, and
bad queries answered 400 by the HTTP API."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import BadRequestError
from fastapi.testclient import TestClient

from newsingest.config import Settings
from newsingest.index.client import async_client, sync_client
from newsingest.index.document import to_document
from newsingest.index.search import Searcher, SearchError, SearchRequest, SearchResult
from newsingest.index.setup import ensure_index
from newsingest.index.template import TEMPLATE_VERSION, index_template, mappings, template_name
from newsingest.models import EnrichedArticle, Entity, EntityType, Place, Provenance
from newsingest.web.api import create_api
from tests.e2e.support import delete_namespace, index_articles, sample_articles
from tests.integration.harness import isolated_settings


def _article(key: str, title: str, body: str, language: str, published: str | None, *, persons: tuple[str, ...] = (),
             places: tuple[tuple[str, float, float], ...] = (), source: str | None = None,
             story: str | None = None) -> EnrichedArticle:
    return EnrichedArticle(
        article_id=key * 64, title=title, body=body, language=language, language_confidence=0.99,
        published_at=datetime.fromisoformat(published) if published else None, source=source,
        entities=[Entity(name=p, type=EntityType.PERSON, count=1) for p in persons],
        places=[Place(name=n, resolved_name=n, lat=lat, lon=lon) for n, lat, lon in places],
        word_count=len(body.split()), story_id=story, pipeline_version="test",
        provenance=Provenance(file_name=f"{key}.txt", file_sha256="0" * 64, file_size=1, media_type="text/plain",
                              format="text", received_at=datetime(2023, 9, 20, 8, tzinfo=UTC)),
    )


EXTRA = [
    _article("a", "Nach dem Treffen in Wladiwostok", "Die Ergebnisse des Gipfeltreffens in Wladiwostok bleiben "
             "unklar. Beobachter sprechen von einer Annäherung.", "de", "2023-09-14T09:00:00+00:00",
             persons=("Wladimir Putin",), places=(("Wladiwostok", 43.1155, 131.8855),), source="dpa"),
    _article("b", "Leaders meet at summit", "The summit in Vladivostok brought Kim Jong Un and Vladimir Putin "
             "together for talks on weapons.", "en", "2023-09-13T10:00:00+00:00",
             persons=("Vladimir Putin", "Kim Jong Un"), places=(("Vladivostok", 43.1155, 131.8855),), source="AP"),
    _article("c", "Le sommet de Vladivostok", "Le sommet a réuni les deux dirigeants pendant deux jours.", "fr",
             "2023-09-15T10:00:00+00:00", source="AFP"),
    _article("d", "Kurzmeldung", "Gipfeltreffen vertagt. Pütin sagt ab.", "und", None,
             persons=("Wladimir PÜTIN",), source="reuters"),
]


@pytest.fixture(scope="module")
def corpus(stack: Settings, tmp_path_factory: pytest.TempPathFactory, samples_dir: Path) -> Iterator[Settings]:
    settings = isolated_settings(stack, tmp_path_factory.mktemp("search"))
    samples = sample_articles(samples_dir)
    index_articles(settings, [*samples, *EXTRA])
    yield settings
    delete_namespace(settings)


@pytest.fixture(scope="module")
def samples(samples_dir: Path) -> list[EnrichedArticle]:
    return sample_articles(samples_dir)


def search(settings: Settings, q: str = "", **kwargs: Any) -> SearchResult:
    async def main() -> SearchResult:
        es = async_client(settings)
        try:
            return await Searcher(es, settings).search(SearchRequest(q=q, **kwargs))
        finally:
            await es.close()

    return asyncio.run(main())


def ids(result: SearchResult) -> set[str]:
    return {hit.id[0] if hit.id == hit.id[0] * 64 else hit.id for hit in result.hits}


def test_template_applied_at_start_up_with_versioned_index_behind_both_aliases(corpus: Settings) -> None:
    es = sync_client(corpus)
    try:
        template = es.indices.get_index_template(name=template_name(corpus))["index_templates"][0]["index_template"]
        assert template["index_patterns"] == [f"{corpus.index_prefix}-v*"]
        assert template["version"] == TEMPLATE_VERSION
        aliases = es.indices.get_alias(index=f"{corpus.index_prefix}-v1")[f"{corpus.index_prefix}-v1"]["aliases"]
        assert aliases[corpus.write_alias] == {"is_write_index": True}
        assert corpus.read_alias in aliases
        with pytest.raises(BadRequestError, match="strict_dynamic_mapping_exception"):
            es.index(index=corpus.write_alias, document={"title": "x", "unexpected": 1})
    finally:
        es.close()


def test_german_query_finds_inflected_forms(corpus: Settings) -> None:
    result = search(corpus, "Gipfeltreffen", filters={"lang": ["de"]})
    assert "a" in ids(result)  # only "Gipfeltreffens" in its text
    assert len(result.hits) == 2
    hit = next(h for h in result.hits if h.id == "a" * 64)
    assert "<mark>Gipfeltreffens</mark>" in " ".join(hit.snippets)


def test_english_query_finds_singular(corpus: Settings) -> None:
    result = search(corpus, "summits", filters={"lang": ["en"]})
    assert ids(result) == {"b"}
    assert "<mark>summit</mark>" in result.hits[0].title_html


def test_query_without_language_searches_all_languages(corpus: Settings) -> None:
    assert {"a", "d"} <= ids(search(corpus, "Gipfeltreffen"))  # German analyzer and the standard field
    assert ids(search(corpus, "sommets")) == {"c"}  # French analyzer
    assert ids(search(corpus, "summits")) == {"b"}
    assert {"a", "b", "c"} <= ids(search(corpus, "Wladiwostok OR Vladivostok"))
    assert ids(search(corpus, "Wladiwostok OR Vladivostok", filters={"lang": ["en"]})) == {"b"}


def test_quoted_phrases_are_exact(corpus: Settings) -> None:
    assert ids(search(corpus, '"Gipfeltreffens in Wladiwostok"')) == {"a"}
    assert ids(search(corpus, '"Gipfeltreffen in Wladiwostok"')) == set()  # no stemming inside quotes
    assert ids(search(corpus, '"summits"')) == set()
    assert ids(search(corpus, '"the summit"')) == {"b"}


def test_usual_operators(corpus: Settings, samples: list[EnrichedArticle]) -> None:
    assert ids(search(corpus, "Vladivostok AND weapons")) == {"b"}
    assert ids(search(corpus, "sommet OR summit")) == {"b", "c"}
    assert "b" not in ids(search(corpus, "Vladivostok -weapons"))
    assert "b" not in ids(search(corpus, "Vladivostok NOT weapons"))
    assert "c" in ids(search(corpus, "sommet +dirigeants"))
    assert "b" in ids(search(corpus, "weap*"))
    assert ids(search(corpus, "(summit OR sommet) AND dirigeants")) == {"c"}


def test_facets_are_case_and_accent_insensitive_with_display_forms(corpus: Settings,
                                                                     samples: list[EnrichedArticle]) -> None:
    result = search(corpus)
    assert result.total == 6
    persons = {b.value: b for b in result.facets["person"]}
    assert persons["wladimir putin"].count == 4  # both samples, "a" and "Wladimir PÜTIN" in "d"
    assert persons["wladimir putin"].display in {"Wladimir Putin", "Wladimir PÜTIN"}
    assert {b.value: b.count for b in result.facets["lang"]} == {"de": 3, "en": 1, "fr": 1, "und": 1}
    sources = {b.value: b.display for b in result.facets["source"]}
    assert sources["reuters"] in {"Reuters", "reuters"}
    assert {b.value for b in result.facets["country"]} == {"kp", "kr", "ru", "ua"}
    assert {b.value for b in result.facets["place"]} >= {"moskau", "seoul", "wladiwostok", "vladivostok"}
    for spelling in ("WLADIMIR PUTIN", "wladimir pütin", "Wladimir Putin"):
        assert search(corpus, filters={"person": [spelling]}).total == 4
    assert ids(search(corpus, filters={"person": ["wladimir putin"], "source": ["REUTERS"]})) >= {"d"}
    assert search(corpus, filters={"country": ["ru"], "org": ["kreml"]}).total == 2
    assert search(corpus, filters={"author": ["soo-hyang choi"]}).total == 1
    assert search(corpus, filters={"person": ["Kim Jong Un"], "lang": ["en"]}).total == 1


def test_more_from_this_story(corpus: Settings, samples: list[EnrichedArticle]) -> None:
    story = samples[0].story_id
    assert story is not None
    result = search(corpus, filters={"story": [story]}, sort="date")
    assert {h.id for h in result.hits} == {a.article_id for a in samples}
    assert all(h.story_id == story for h in result.hits)
    story_bucket = next(b for b in search(corpus).facets["story"] if b.value == story)
    assert story_bucket.count == 2
    assert story_bucket.display == samples[1].story_label == samples[0].title  # the story's label, not its id


def test_date_range_and_published_or_ingested_date(corpus: Settings) -> None:
    assert ids(search(corpus, since="2023-09-13", until="2023-09-14")) == {"a", "b"}
    assert ids(search(corpus, since="2023-09-14T12:00:00Z", until="2023-09-15")) == {"c"}
    undated = search(corpus, filters={"source": ["reuters"]}, since="2023-09-20", until="2023-09-20")
    assert "d" in ids(undated)  # no published date: ingested_at counts
    hit = next(h for h in undated.hits if h.id == "d" * 64)
    assert hit.published_at is None
    assert hit.date == datetime(2023, 9, 20, 8, tzinfo=UTC)
    assert search(corpus, since="2030-01-01").total == 0
    with pytest.raises(SearchError, match="invalid date"):
        search(corpus, since="2023-02-30")


def test_histogram_counts_every_result(corpus: Settings) -> None:
    result = search(corpus)
    assert result.interval == "day"
    assert sum(b.count for b in result.histogram) == result.total


@pytest.mark.parametrize("sort", ["relevance", "date", "oldest"])
def test_search_after_pages_through_everything_once(corpus: Settings, sort: str) -> None:
    seen: list[str] = []
    after = None
    for _ in range(10):
        page = search(corpus, "Putin OR Vladimir OR sommet OR Gipfeltreffen OR Kim", sort=sort, size=2, after=after)
        seen += [h.id for h in page.hits]
        after = page.next
        if after is None:
            break
    total = search(corpus, "Putin OR Vladimir OR sommet OR Gipfeltreffen OR Kim").total
    assert len(seen) == len(set(seen)) == total
    if sort != "relevance":
        ordered = [h.date for h in search(corpus, size=100, sort=sort).hits]
        assert ordered == sorted(ordered, reverse=sort == "date")  # type: ignore[type-var]


def test_geo_points_are_searchable_and_aggregatable(corpus: Settings) -> None:
    es = sync_client(corpus)
    try:
        near_moscow = es.search(index=corpus.read_alias, size=0, query={"geo_distance": {
            "distance": "50km", "place_points": {"lat": 55.75, "lon": 37.61}}})
        assert near_moscow["hits"]["total"]["value"] == 1
        grid = es.search(index=corpus.read_alias, size=0, aggs={"g": {"geotile_grid": {"field": "place_points",
                                                                                       "precision": 3}}})
        assert grid["aggregations"]["g"]["buckets"]
    finally:
        es.close()


def test_http_api_answers_bad_queries_with_400_and_a_reason(corpus: Settings) -> None:
    with TestClient(create_api(corpus)) as client:
        ok = client.get("/api/search", params={"q": "Gipfeltreffen", "lang": "de"})
        assert ok.status_code == 200
        assert ok.json()["total"] == 2
        for q in ["a AND (", "title:[a TO", "/[/", "*eltreffen", '"open phrase', "a:b:c:(", "x~", "{a TO b]"]:
            response = client.get("/api/search", params={"q": q})
            assert response.status_code in (200, 400), (q, response.text)
            if response.status_code == 400:
                assert response.json()["detail"], q
        broken = client.get("/api/search", params={"q": "Putin AND ("})
        assert broken.status_code == 400
        assert "Failed to parse query" in broken.json()["detail"]
        assert client.get("/api/search", params={"q": "*eltreffen"}).status_code == 400
        assert client.get("/api/search", params={"after": "nonsense"}).status_code == 400
        assert client.get("/api/search", params={"since": "soon"}).status_code == 400


def test_start_up_adds_new_fields_to_an_index_built_with_an_older_template(stack: Settings, tmp_path: Path) -> None:
    settings = isolated_settings(stack, tmp_path)
    old = mappings()
    old["_meta"] = {"template_version": 1}
    for name in [n for n in old["properties"] if n == "date" or n.endswith("_exact")]:
        del old["properties"][name]
    es = sync_client(settings)
    try:
        es.indices.create(index=f"{settings.index_prefix}-v1", mappings=old,
                          settings=index_template(settings)["template"]["settings"],
                          aliases={settings.read_alias: {}, settings.write_alias: {"is_write_index": True}})
        assert asyncio.run(_ensure(settings)) == f"{settings.index_prefix}-v1"
        properties = es.indices.get_mapping(index=settings.read_alias).body[f"{settings.index_prefix}-v1"]
        assert properties["mappings"]["properties"]["date"] == {"type": "date"}
        es.index(index=settings.write_alias, id="x", document=to_document(EXTRA[0]), refresh=True)  # not rejected
        assert search(settings, '"Gipfeltreffens in Wladiwostok"').total == 1
    finally:
        es.close()
        delete_namespace(settings)


async def _ensure(settings: Settings) -> str:
    es = async_client(settings)
    try:
        return await ensure_index(es, settings)
    finally:
        await es.close()


def test_start_up_gives_an_existing_index_the_configured_refresh_interval(stack: Settings, tmp_path: Path) -> None:
    settings = isolated_settings(stack, tmp_path)
    es = sync_client(settings)
    index = f"{settings.index_prefix}-v1"
    try:
        es.indices.create(index=index, mappings=mappings(),
                          settings={**index_template(settings)["template"]["settings"], "refresh_interval": "1s"},
                          aliases={settings.read_alias: {}, settings.write_alias: {"is_write_index": True}})
        faster = settings.model_copy(update={"index_refresh_interval_ms": 500})
        assert asyncio.run(_ensure(faster)) == index
        found = es.indices.get_settings(index=index, name="index.refresh_interval")
        assert found[index]["settings"]["index"]["refresh_interval"] == "500ms"
        assert asyncio.run(_ensure(faster)) == index  # unchanged the second time
        assert es.indices.get_settings(index=index, name="index.refresh_interval")[index]["settings"]["index"][
            "refresh_interval"] == "500ms"
    finally:
        es.close()
        delete_namespace(settings)
