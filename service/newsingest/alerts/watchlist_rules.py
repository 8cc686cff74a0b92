"""Turning a parsed watchlist into stored rules, each run once against the existing index.

Every name's rule is searched on the read alias (one ``_msearch`` per ``CHUNK`` names, the rule's own query,
``index/search.build_query``, exactly what ``/api/search`` runs): the number of past matches and the newest
``FIRST_HITS``. A rule Elasticsearch refuses is reported with its line and not stored; the others are stored
together (``RuleStore.put_many``), so a watchlist that does not fit under ``alerts_max_rules`` stores none.
Shared by ``POST /api/watchlists`` and ``newsingest alerts watchlist``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from elasticsearch import AsyncElasticsearch, NotFoundError
from pydantic import BaseModel, Field

from newsingest.alerts.rules import AlertRule, RuleView, rule_query
from newsingest.alerts.store import RuleStore
from newsingest.alerts.watchlist import DEFAULT_PREFIX, WatchEntry, Watchlist
from newsingest.config import Settings
from newsingest.enrich.registry import EntityRegistry
from newsingest.models import EntityType
from newsingest.streaming.replicated_map import ReplicatedMap

CHUNK = 200
FIRST_HITS = 3


class PastHit(BaseModel):
    id: str
    title: str
    date: datetime | None = None
    url: str | None = None


class WatchlistRule(BaseModel):
    line: int = Field(description="the name's line in the file")
    rule: RuleView
    past_matches: int = Field(description="articles the rule matches in the index now")
    first_hits: list[PastHit] = Field(description="the newest of them")


class RefusedLine(BaseModel):
    line: int
    reason: str


class WatchlistReport(BaseModel):
    created: int
    rules: list[WatchlistRule]
    refused: list[RefusedLine] = Field(description="lines not turned into rules, with the reason")


def _past_search(rule: AlertRule) -> dict[str, Any]:
    return {
        "query": rule_query(rule),
        "size": FIRST_HITS,
        "sort": [{"date": {"order": "desc"}}],
        "_source": ["title", "date", "url"],
        "track_total_hits": True,
    }


async def past_matches(
    es: AsyncElasticsearch, settings: Settings, rules: list[AlertRule]
) -> dict[str, tuple[int, list[PastHit]] | str]:
    """rule id -> (total, newest hits), or the reason Elasticsearch refused the rule's search."""
    found: dict[str, tuple[int, list[PastHit]] | str] = {}
    for start in range(0, len(rules), CHUNK):
        part = rules[start : start + CHUNK]
        searches: list[dict[str, Any]] = []
        for rule in part:
            searches += [{"index": settings.read_alias, "ignore_unavailable": True}, _past_search(rule)]
        try:
            response = await es.msearch(searches=searches)
        except NotFoundError:  # no index yet: nothing matched in the past
            found.update({rule.id: (0, []) for rule in part})
            continue
        for rule, answer in zip(part, response["responses"], strict=True):
            if "error" in answer:
                found[rule.id] = str(answer["error"].get("reason") or answer["error"])[:300]
                continue
            hits = [
                PastHit(
                    id=hit["_id"],
                    title=hit["_source"].get("title") or "",
                    date=hit["_source"].get("date"),
                    url=hit["_source"].get("url"),
                )
                for hit in answer["hits"]["hits"]
            ]
            found[rule.id] = (int(answer["hits"]["total"]["value"]), hits)
    return found


@asynccontextmanager
async def entity_registry(settings: Settings) -> AsyncIterator[EntityRegistry | None]:
    """A read replica of the workers' entity registry (``news.entities``) for the time of one watchlist; None
    when the registry is switched off."""
    if not settings.entity_registry:
        yield None
        return
    store = ReplicatedMap(settings.kafka_servers, settings.topic_entities,
                          client_id=f"{settings.app_id}.watchlist.entities", compression=settings.compression_type)
    await store.start()
    try:
        yield EntityRegistry(store, settings)
    finally:
        await store.stop()


def registered_name(registry: EntityRegistry | None, entry: WatchEntry) -> str | None:
    """The facet value the entity registry gives the name (its registered full name, or the name an alias or
    abbreviation stands for), when it knows exactly one; persons and organisations only."""
    if registry is None or entry.kind == "place":
        return None
    kinds = {"person": [EntityType.PERSON], "org": [EntityType.ORGANISATION]}.get(
        entry.kind or "", [EntityType.PERSON, EntityType.ORGANISATION])
    found = {name for kind in kinds if (name := registry.canonical(kind, entry.name))}
    return found.pop() if len(found) == 1 else None


async def create_watchlist(
    store: RuleStore, es: AsyncElasticsearch, settings: Settings, watchlist: Watchlist, *, prefix: str = DEFAULT_PREFIX,
    registry: EntityRegistry | None = None,
) -> WatchlistReport:
    """Store one rule per name (RuleError when they do not fit) and list each one's past matches. With the
    entity registry, a name matches the facet value the registry gives it ("Merkel" -> "Angela Merkel")."""
    lines: dict[str, int] = {}
    rules: list[AlertRule] = []
    for entry in watchlist.entries:
        spec = entry.spec(prefix, registered_name(registry, entry))
        rule = AlertRule(**spec.model_dump(exclude={"secret"}))
        lines[rule.id] = entry.line
        rules.append(rule)
    past = await past_matches(es, settings, rules)
    refused = [RefusedLine(line=e.line, reason=e.reason) for e in watchlist.errors]
    good: list[AlertRule] = []
    for rule in rules:
        outcome = past[rule.id]
        if isinstance(outcome, str):
            refused.append(RefusedLine(line=lines[rule.id], reason=f"Elasticsearch refused the rule: {outcome}"))
        else:
            good.append(rule)
    if good:
        await store.put_many(good)
    created = []
    for rule in good:
        total, hits = past[rule.id]  # type: ignore[misc]
        created.append(
            WatchlistRule(line=lines[rule.id], rule=rule.public(matches=0), past_matches=total, first_hits=hits)
        )
    return WatchlistReport(created=len(created), rules=created, refused=sorted(refused, key=lambda r: r.line))
