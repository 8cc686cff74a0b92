"""What makes ``newsingest reenrich`` resumable: the run's state in the new index version's mapping ``_meta``.

Once the old index is carried over, the run writes into the new version's ``_meta.reenrich``: the scope
(``since``), the enrichment's version, when the replay started, the old versions and the offsets of
``news.enriched`` the catch-up must start from. A run that stops after that (Ctrl-C, an outage, kill -9)
leaves the version unaliased; the next run with the same scope and enrichment finds it and resumes: it skips the
articles already re-enriched in it (``enriched_at`` at or after the start) and catches up from the stored
offsets. An unfinished version that does not match (another scope, another enrichment, the carry-over not
finished) is deleted and the run starts afresh.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from aiokafka import TopicPartition
from elasticsearch import AsyncElasticsearch

from newsingest.config import Settings
from newsingest.index.setup import existing_versions, index_version, versioned_index

META_KEY = "reenrich"


@dataclass
class RunState:
    since: str | None
    pipeline_version: str
    started_at: str  # ISO; documents re-enriched by this run have enriched_at >= it
    previous: list[str]
    catch_from: dict[str, int]  # partition of news.enriched -> offset
    carried_over: int

    def offsets(self, topic: str) -> dict[TopicPartition, int]:
        return {TopicPartition(topic, int(p)): offset for p, offset in self.catch_from.items()}

    def started(self) -> datetime:
        return datetime.fromisoformat(self.started_at)

    def matches(self, since: str | None, pipeline_version: str, previous: list[str]) -> bool:
        return (self.since, self.pipeline_version, sorted(self.previous)) == (since, pipeline_version,
                                                                              sorted(previous))


def offsets_state(offsets: dict[TopicPartition, int]) -> dict[str, int]:
    return {str(tp.partition): offset for tp, offset in offsets.items()}


async def _meta(es: AsyncElasticsearch, index: str) -> dict[str, Any]:
    mapping = (await es.indices.get_mapping(index=index)).body[index]["mappings"]
    return dict(mapping.get("_meta", {}))


async def save(es: AsyncElasticsearch, index: str, state: RunState) -> None:
    """Record the run's state in ``index`` (the template's own ``_meta`` entries are kept)."""
    meta = await _meta(es, index)
    meta[META_KEY] = asdict(state)
    await es.indices.put_mapping(index=index, meta=meta)


async def unfinished(es: AsyncElasticsearch, settings: Settings,
                     aliased: list[str]) -> tuple[str, RunState | None] | None:
    """The newest version above every aliased one that a reenrich run left behind, with its state (None when
    the run stopped before the carry-over finished)."""
    top = max((index_version(settings, index) or 0 for index in aliased), default=0)
    for version in sorted(await existing_versions(es, settings), reverse=True):
        if version <= top:
            return None
        index = versioned_index(settings, version)
        meta = await _meta(es, index)
        if META_KEY in meta:
            return index, RunState(**meta[META_KEY])
        if meta.get("reenrich_started"):
            return index, None
    return None


async def claim(es: AsyncElasticsearch, index: str) -> None:
    """Mark a version just created as a reenrich run's (before its carry-over), so that a run killed during
    the carry-over leaves a version the next run recognises and deletes."""
    meta = await _meta(es, index)
    meta["reenrich_started"] = True
    await es.indices.put_mapping(index=index, meta=meta)
