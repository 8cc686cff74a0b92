"""Matching a batch of newly indexed articles against every enabled rule, in Elasticsearch itself.

The local Elasticsearch has no percolator, so a batch is matched the other way round: one ``_msearch`` with a
search per rule, each the rule's own query (``index/search.build_query``, exactly what ``/api/search`` runs)
restricted to the batch's ids. The batch must be searchable (refreshed) first. Rules go in chunks of
``chunk`` searches per request; a rule whose search fails is reported, never stops the others.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from elasticsearch import AsyncElasticsearch

from newsingest.alerts.rules import AlertRule, rule_query
from newsingest.log import get_logger

log = get_logger(__name__)

MSEARCH_CHUNK = 250


@dataclass
class BatchMatches:
    """What a batch matched: rule id -> article ids (in the batch's order), and the rules that failed."""

    matches: dict[str, list[str]] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)

    @property
    def pairs(self) -> list[tuple[str, str]]:
        return [(rule, article) for rule, articles in self.matches.items() for article in articles]


def rule_search(rule: AlertRule, article_ids: Sequence[str]) -> dict[str, Any]:
    """The search of one rule over one batch."""
    return {
        "query": {"bool": {"must": [rule_query(rule)], "filter": [{"ids": {"values": list(article_ids)}}]}},
        "size": len(article_ids),
        "_source": False,
        "track_total_hits": False,
    }


async def match_batch(es: AsyncElasticsearch, index: str, rules: Sequence[AlertRule], article_ids: Sequence[str],
                      *, chunk: int = MSEARCH_CHUNK) -> BatchMatches:
    """The enabled rules' matches among ``article_ids`` (already indexed and refreshed in ``index``)."""
    result = BatchMatches()
    active = [rule for rule in rules if rule.enabled]
    if not active or not article_ids:
        return result
    order = {article: n for n, article in enumerate(article_ids)}
    for start in range(0, len(active), chunk):
        part = active[start : start + chunk]
        searches: list[dict[str, Any]] = []
        for rule in part:
            searches += [{"index": index}, rule_search(rule, article_ids)]
        response = await es.msearch(searches=searches)
        for rule, answer in zip(part, response["responses"], strict=True):
            if "error" in answer:
                reason = str(answer["error"].get("reason") or answer["error"])[:300]
                result.failed[rule.id] = reason
                log.warning("alert rule failed on a batch", alert_id=rule.id, reason=reason)
                continue
            ids = [hit["_id"] for hit in answer["hits"]["hits"]]
            if ids:
                result.matches[rule.id] = sorted(ids, key=lambda a: order.get(a, 0))
    return result
