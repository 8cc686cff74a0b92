"""Shared by the search tests: the two shared samples as enriched articles (parsed by the real format
registry, enriched by hand: both are German; entities, places and the story are set so that facets, the map
and "more from this story" have something to show, independent of the NER and gazetteer models), indexing
them directly, and ``newsingest serve`` as a real process."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import httpx

from newsingest.config import Settings
from newsingest.index.client import async_client
from newsingest.index.document import to_document
from newsingest.index.setup import ensure_index
from newsingest.ingest.formats.base import SourceFile
from newsingest.ingest.formats.registry import parse_file
from newsingest.models import EnrichedArticle, Entity, EntityType, Place
from tests.integration.harness import PipelineProcess, free_port, wait_for

_PLACES = {
    "Russland": ("Russia", "country", "RU", 61.52, 105.32),
    "Moskau": ("Moscow", "city", "RU", 55.7558, 37.6173),
    "Seoul": ("Seoul", "city", "KR", 37.5665, 126.978),
    "Wladiwostok": ("Vladivostok", "city", "RU", 43.1155, 131.8855),
    "Nordkorea": ("North Korea", "country", "KP", 40.3399, 127.5101),
    "Ukraine": ("Ukraine", "country", "UA", 48.3794, 31.1656),
}
_ENTITIES = {
    "000": (["Kim Jong Un", "Wladimir Putin"], ["Reuters", "KCNA", "Kreml"],
            ["Russland", "Moskau", "Seoul", "Ukraine", "Nordkorea", "Wladiwostok"]),
    "001": (["Kim Jong Un", "Wladimir Putin"], ["KCNA", "Kreml", "Yonhap", "YTN"],
            ["Russland", "Nordkorea", "Wladiwostok", "Seoul", "Ukraine"]),
}


def _entities(persons: list[str], orgs: list[str], places: list[str]) -> list[Entity]:
    return ([Entity(name=n, type=EntityType.PERSON, count=2) for n in persons]
            + [Entity(name=n, type=EntityType.ORGANISATION, count=1) for n in orgs]
            + [Entity(name=n, type=EntityType.LOCATION, count=1) for n in places])


def _places(names: list[str]) -> list[Place]:
    return [Place(name=n, resolved_name=r, kind=k, country_code=c, lat=lat, lon=lon)  # type: ignore[arg-type]
            for n in names for r, k, c, lat, lon in [_PLACES[n]]]


def sample_articles(samples_dir: Path) -> list[EnrichedArticle]:
    """Both samples, one story: ``story_id`` is the earlier article's id, ``story_label`` the real headline."""
    articles: dict[str, EnrichedArticle] = {}
    for path in sorted(samples_dir.glob("*.txt"))[:2]:
        raw = parse_file(SourceFile(name=path.name, data=path.read_bytes()))[0]
        persons, orgs, places = _ENTITIES[path.name[:3]]
        received = datetime(2023, 9, 11, 7, 30, tzinfo=UTC)
        articles[path.name[:3]] = EnrichedArticle(
            **raw.model_dump(exclude={"provenance"}),
            provenance=raw.provenance.model_copy(update={"received_at": received}),
            language="de",
            language_confidence=0.99,
            entities=_entities(persons, orgs, places),
            places=_places(places),
            countries=sorted({_PLACES[n][2] for n in places}),
            word_count=len(raw.body.split()),
            pipeline_version="test",
        )
    story = articles["001"].article_id
    label = articles["000"].title  # as enrichment gives it: 001's title is derived from its text, 000's is real
    return [a.model_copy(update={"story_id": story, "story_label": label}) for a in articles.values()]


def index_articles(settings: Settings, articles: list[EnrichedArticle]) -> str:
    """Create the template/index/aliases like the indexer does and bulk the articles in; returns the index."""

    async def main() -> str:
        es = async_client(settings)
        try:
            index = await ensure_index(es, settings)
            operations: list[dict[str, object]] = []
            for article in articles:
                operations += [{"index": {"_id": article.article_id}}, to_document(article)]
            response = await es.bulk(operations=operations, index=settings.write_alias, refresh=True)
            assert not response["errors"], response
            return index
        finally:
            await es.close()

    return asyncio.run(main())


def delete_namespace(settings: Settings) -> None:
    """Remove the indices and template of isolated settings."""
    from newsingest.index.client import sync_client
    from newsingest.index.template import template_name

    es = sync_client(settings)
    try:
        es.options(ignore_status=404).indices.delete(index=f"{settings.index_prefix}-v*", allow_no_indices=True)
        es.options(ignore_status=404).indices.delete_index_template(name=template_name(settings))
    finally:
        es.close()


def start_server(settings: Settings, log_path: Path) -> tuple[PipelineProcess, str]:
    """``newsingest serve`` on a free port as a real process; returns it and its base URL once it answers."""
    port = free_port()
    server = PipelineProcess(settings, log_path, command=("serve", "--host", "127.0.0.1", "--port", str(port)))
    server.start()
    url = f"http://127.0.0.1:{port}"

    def up() -> bool:
        try:
            return httpx.get(f"{url}/api/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    wait_for(up, 60, "newsingest serve to answer", server.log)
    return server, url
