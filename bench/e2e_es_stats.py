"""Where Elasticsearch's time goes during a measured run: its own node statistics before and after.

Elasticsearch counts, per node, the time its threads spent indexing documents, refreshing (making them
searchable: a new segment every ``refresh_interval``), merging segments, flushing and answering searches, and its
process's CPU. The difference over a run, divided by the run's articles, shows what the pipeline costs
Elasticsearch beyond indexing alone (a raw bulk run is mostly indexing; a pipeline that makes documents searchable
within a second also pays a refresh a second and the merges of the small segments they leave). The times are
thread time (wall), the CPU is the whole process's: "other" is CPU not in any of the counted parts (HTTP, the
translog's fsyncs, garbage collection, idle-time housekeeping).
"""

from __future__ import annotations

from typing import Any

from newsingest.config import Settings
from newsingest.index.client import sync_client

_PATHS = {
    "indexing": ("indexing", "index_time_in_millis"),
    "refresh": ("refresh", "total_time_in_millis"),
    "merges": ("merges", "total_time_in_millis"),
    "flush": ("flush", "total_time_in_millis"),
    "search_query": ("search", "query_time_in_millis"),
    "search_fetch": ("search", "fetch_time_in_millis"),
}


def es_node_times(settings: Settings) -> dict[str, float] | None:
    """Milliseconds so far, summed over the cluster's nodes (None when Elasticsearch does not answer)."""
    es = sync_client(settings, request_timeout=10.0)
    try:
        stats = es.nodes.stats(metric=["indices", "process"])
    except Exception:
        return None
    finally:
        es.close()
    totals = dict.fromkeys([*_PATHS, "cpu", "refreshes"], 0.0)
    for node in stats["nodes"].values():
        indices = node.get("indices", {})
        for key, (group, field) in _PATHS.items():
            totals[key] += float(indices.get(group, {}).get(field, 0))
        totals["refreshes"] += float(indices.get("refresh", {}).get("total", 0))
        totals["cpu"] += float(node.get("process", {}).get("cpu", {}).get("total_in_millis", 0))
    return totals


def es_ms_per_article(before: dict[str, float] | None, after: dict[str, float] | None, articles: int
                      ) -> dict[str, Any] | None:  # fmt: skip
    """Each part's milliseconds per article over the run, "other" = CPU minus the counted parts (at least 0)."""
    if before is None or after is None or not articles:
        return None
    spent = {key: after[key] - before[key] for key in after}
    parts = {key: round(spent[key] / articles, 3) for key in _PATHS}
    parts["cpu"] = round(spent["cpu"] / articles, 3)
    parts["other"] = round(max(0.0, spent["cpu"] - sum(spent[key] for key in _PATHS)) / articles, 3)
    parts["refreshes"] = int(spent["refreshes"])
    return parts
