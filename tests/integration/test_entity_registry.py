"""The entity registry on the real broker: it survives a restart and two workers share it (news.entities)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from newsingest.config import Settings
from newsingest.enrich.registry import EntityRegistry, entity_key
from newsingest.kafka.topics import ensure_topics, topic_specs
from newsingest.models import Entity, EntityType, Mention, Place
from newsingest.streaming.replicated_map import ReplicatedMap
from tests.integration.harness import PipelineProcess, count_docs, drop, get_doc, indexed_ids, wait_for

PER, ORG = EntityType.PERSON, EntityType.ORGANISATION


@dataclass(frozen=True)
class Analysis:
    entities: list[Entity]
    places: list[Place] = field(default_factory=list)


def _entity(name: str, kind: EntityType = PER, *mentions: str) -> Entity:
    found = [Mention(start=i * 10, end=i * 10 + len(m), text=m) for i, m in enumerate(mentions or (name,))]
    return Entity(name=name, type=kind, count=len(found), mentions=found)


def _names(registry: EntityRegistry, *entities: Entity) -> list[str]:
    """The names of the resolved entities, each article also naming Sergej Lawrow (the shared context)."""
    article = Analysis([*entities, _entity("Sergej Lawrow")])
    return [e.name for e in registry.resolve(article, "en").entities if e.name != "Sergej Lawrow"]


def _worker(settings: Settings, name: str) -> tuple[ReplicatedMap, EntityRegistry]:
    store = ReplicatedMap(settings.kafka_servers, settings.topic_entities, client_id=f"test.{name}", linger_ms=0)
    return store, EntityRegistry(store, settings)


async def _eventually(check: Callable[[], bool]) -> None:
    async with asyncio.timeout(20):
        while not check():
            await asyncio.sleep(0.2)


def test_the_entities_topic_is_compacted(isolated: Settings) -> None:
    spec = {s.name: s for s in topic_specs(isolated)}[isolated.topic_entities]
    assert spec.config["cleanup.policy"] == "compact"
    assert spec.partitions == 1


def test_registry_survives_a_restart(isolated: Settings) -> None:
    async def scenario() -> None:
        await ensure_topics(isolated)
        store, registry = _worker(isolated, "first")
        await store.start()
        for _ in range(2):  # an alias counts once two articles paired it with the name
            _names(registry, _entity("George W. Bush"), _entity("Internationale Atomenergiebehörde", ORG, "IAEA"))
        await registry.flush()
        await store.stop()

        store, registry = _worker(isolated, "restarted")
        await store.start()
        try:
            assert store.recovered_records >= 2
            assert _names(registry, _entity("Bush")) == ["George W. Bush"]
            assert _names(registry, _entity("IAEA", ORG)) == ["Internationale Atomenergiebehörde"]
        finally:
            await store.stop()

    asyncio.run(scenario())


def test_two_workers_share_the_registry(isolated: Settings) -> None:
    async def scenario() -> None:
        await ensure_topics(isolated)
        (store_a, a), (store_b, b) = _worker(isolated, "a"), _worker(isolated, "b")
        await asyncio.gather(store_a.start(), store_b.start())
        try:
            assert _names(b, _entity("Putin")) == ["Putin"]  # b knows nobody yet
            _names(a, _entity("Wladimir Putin"))  # a learns ...
            await a.flush()
            # ... and b resolves with it (its word index follows the shared store within REFRESH_S)
            await _eventually(lambda: _names(b, _entity("Putin")) == ["Wladimir Putin"])
            # what b learns reaches a, and a second full name makes the surname ambiguous for both
            _names(b, _entity("Lyudmila Putin"))
            await b.flush()
            await _eventually(lambda: _names(a, _entity("Putin")) == ["Putin"])
            assert _names(b, _entity("Putin")) == ["Putin"]
        finally:
            await asyncio.gather(store_a.stop(), store_b.stop())

    asyncio.run(scenario())


def test_the_pipeline_learns_into_the_shared_registry(
    pipeline: PipelineProcess, isolated: Settings, samples_dir: Path
) -> None:
    """A running worker records the persons it enriches on news.entities; a new reader recovers them; the
    indexed country carries its German CLDR name."""
    drop(sorted(samples_dir.glob("*.txt")), isolated.inbox_dir)
    wait_for(lambda: count_docs(isolated) == 2, 90, "both samples indexed", pipeline.log)
    docs = [get_doc(isolated, doc_id) for doc_id in indexed_ids(isolated)]
    places = {p["name"]: p for doc in docs for p in doc["places"]}
    assert places["Vereinigte Staaten"]["country_code"] == "US"
    assert "Vereinigten Staaten" not in places

    async def recovered() -> dict[str, str]:
        store = ReplicatedMap(isolated.kafka_servers, isolated.topic_entities, client_id="test.reader")
        await store.start()
        try:
            return dict(store)
        finally:
            await store.stop()

    async def eventually_learned() -> dict[str, str]:
        async with asyncio.timeout(30):
            while entity_key(PER, "Wladimir Putin") not in (found := await recovered()):
                await asyncio.sleep(0.5)
            return found

    found = asyncio.run(eventually_learned())
    assert '"n":"Wladimir Putin"' in found[entity_key(PER, "Wladimir Putin")]
