"""Matching a batch of newly indexed articles against every enabled rule, in Elasticsearch itself.

The local Elasticsearch has no percolator, so a batch is matched the other way round, with named queries: one
search per ``chunk`` rules, restricted to the batch's ids, whose ``should`` clauses are the rules' own queries
(``index/search.build_query``, exactly what ``/api/search`` runs), each named by its rule id; every hit lists
the rules it matched (``matched_queries``). The cost is one search per chunk of rules over the batch's few
documents, not one search per rule. The batch must be searchable (refreshed) first. When a chunk's search fails
(a rule Elasticsearch refuses), its rules are run one by one, so one bad rule is reported and the others match.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from elasticsearch import AsyncElasticsearch

from newsingest.alerts.rules import AlertRule, rule_query
from newsingest.log import get_logger

log = get_logger(__name__)

RULES_PER_SEARCH = 500  # named clauses in one search (well under Elasticsearch's clause limit)
SEARCHES_PER_REQUEST = 20


@dataclass
class BatchMatches:
    """What a batch matched: rule id -> article ids (in the batch's order), and the rules that failed."""

    matches: dict[str, list[str]] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)

    @property
    def pairs(self) -> list[tuple[str, str]]:
        return [(rule, article) for rule, articles in self.matches.items() for article in articles]


def rules_search(rules: Sequence[AlertRule], article_ids: Sequence[str]) -> dict[str, Any]:
    """One search of several rules over one batch: each rule a ``should`` clause named by its id."""
    clauses = [{"bool": {"must": [rule_query(rule)], "_name": rule.id}} for rule in rules]
    return {
        "query": {"bool": {"filter": [{"ids": {"values": list(article_ids)}}], "should": clauses,
                           "minimum_should_match": 1}},
        "size": len(article_ids),
        "_source": False,
        "track_total_hits": False,
        "sort": ["_doc"],
    }


async def match_batch(es: AsyncElasticsearch, index: str, rules: Sequence[AlertRule], article_ids: Sequence[str],
                      *, chunk: int = RULES_PER_SEARCH) -> BatchMatches:
    """The enabled rules' matches among ``article_ids`` (already indexed and refreshed in ``index``)."""
    result = BatchMatches()
    active = [rule for rule in rules if rule.enabled]
    if not active or not article_ids:
        return result
    order = {article: n for n, article in enumerate(article_ids)}
    chunks = [active[start : start + chunk] for start in range(0, len(active), chunk)]
    for first in range(0, len(chunks), SEARCHES_PER_REQUEST):
        group = chunks[first : first + SEARCHES_PER_REQUEST]
        searches: list[dict[str, Any]] = []
        for part in group:
            searches += [{"index": index}, rules_search(part, article_ids)]
        response = await es.msearch(searches=searches)
        for part, answer in zip(group, response["responses"], strict=True):
            if "error" in answer:
                if len(part) > 1:  # find the rule Elasticsearch refuses; the others still match
                    single = await match_batch(es, index, part, article_ids, chunk=1)
                    _merge(result, single)
                    continue
                reason = str(answer["error"].get("reason") or answer["error"])[:300]
                result.failed[part[0].id] = reason
                log.warning("alert rule failed on a batch", alert_id=part[0].id, reason=reason)
                continue
            for hit in answer["hits"]["hits"]:
                for rule_id in hit.get("matched_queries", []):
                    result.matches.setdefault(rule_id, []).append(hit["_id"])
    for rule_id, ids in result.matches.items():
        result.matches[rule_id] = sorted(set(ids), key=lambda a: order.get(a, 0))
    return result


def _merge(into: BatchMatches, other: BatchMatches) -> None:
    for rule_id, ids in other.matches.items():
        into.matches.setdefault(rule_id, []).extend(ids)
    into.failed.update(other.failed)
