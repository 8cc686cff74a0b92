"""Steady load: files dropped at a fixed rate (half of the measured maximum) into a running ``newsingest run``
for a fixed time; latency from file complete to searchable, consumer lag, and every process's RSS over time
(with its trend: is memory flat?)."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import Any

from common import ProcessSampler, percentile, progress, rss_trend, stack_pids
from e2e_harness import (
    Files,
    SearchableObserver,
    first_drops,
    latencies,
    launch,
    metrics_text,
    namespace,
    stage_times,
    wait_ready,
    warm_up,
    watch_until_searchable,
    worker_lag,
)

from newsingest.config import Settings
from newsingest.index.client import sync_client
from newsingest.ingest.formats.base import ParseError, SourceFile
from newsingest.ingest.formats.registry import parse_file
from newsingest_devtools.sandbox import PipelineProcess

STEADY_POLL_S = 0.02
"""Searchable = seen by a poll (a document count; ids asked for only when it moved): the interval bounds the
error of every latency."""


def steady_file(pool: Files, i: int) -> tuple[str, bytes]:
    """The ``i``-th file of the steady run: the pool in order, then again as new articles (a line added)."""
    name, data = pool[i % len(pool)]
    if i >= len(pool):
        data += f"\n\nSteady-load copy {i // len(pool)}.".encode()
    return f"s{i:06d}-{name}", data


def state_keys(text: str | None) -> dict[str, float]:
    """``newsingest_state_keys`` by topic from a Prometheus text (what the state maps hold in memory)."""
    found: dict[str, float] = {}
    for line in (text or "").splitlines():
        if line.startswith("newsingest_state_keys{"):
            labels, _, value = line.rpartition(" ")
            found[labels.split('topic="', 1)[1].split('"', 1)[0]] = float(value)
    return found


def stage_breakdown(
    dropped: dict[str, float], seen: dict[str, float], times: dict[str, tuple[float, float, int]], wall_offset: float
) -> dict[str, Any]:
    """Where the time from file complete to searchable goes, per article (ms): ``pickup`` (dropped -> the watcher's
    ``received_at``), ``enrich`` (-> ``enriched_at``: parse, produce, consume, batch, NER) and ``index`` (-> seen by a
    poll: produce, the indexer's poll and bulk, the refresh, the poll's own interval). Percentiles of each stage over
    all articles, and the mean of each stage over the slowest 2 % (what the tail is made of); the median length
    (words) of all articles and of the slowest 2 %. ``dropped`` and ``seen`` are monotonic times; ``wall_offset``
    turns them into epoch seconds like the documents' timestamps."""
    rows = []
    for article_id, (received, enriched, words) in times.items():
        if article_id in dropped and article_id in seen:
            drop, found = dropped[article_id] + wall_offset, seen[article_id] + wall_offset
            rows.append((found - drop, received - drop, enriched - received, found - enriched, words))
    if not rows:
        return {}
    rows.sort()
    tail = rows[int(len(rows) * 0.98):] or rows[-1:]
    result: dict[str, Any] = {"articles": len(rows)}
    for i, name in enumerate(("pickup", "enrich", "index"), start=1):
        values = [row[i] * 1000 for row in rows]
        result[name] = {"p50": round(percentile(values, 50)), "p95": round(percentile(values, 95)),
                        "p99": round(percentile(values, 99)),
                        "mean_in_slowest_2pct": round(sum(row[i] for row in tail) * 1000 / len(tail))}
    result["words"] = {"p50": round(percentile([row[4] for row in rows], 50)),
                       "p50_in_slowest_2pct": round(percentile([row[4] for row in tail], 50))}
    return result


def run_steady(
    base: Settings, pool: Files, rate: float, seconds: float, root: Path, *, story_window_hours: float | None = None
) -> dict[str, Any]:
    """``rate`` files/s for ``seconds`` into ``newsingest run``; ``story_window_hours`` overrides the service's
    story window (a short one shows whether memory levels off once the window is full)."""
    overrides: dict[str, Any] = {"file_stable_s": 0.1, "bulk_max_wait_s": 0.2}
    if story_window_hours is not None:
        overrides["story_window_hours"] = story_window_hours
    settings = namespace(base, root / "steady", **overrides)
    settings.inbox_dir.mkdir(parents=True)
    progress(f"steady load: {rate:.1f} files/s for {seconds:.0f}s, story window {settings.story_window_hours} h")
    process = launch(PipelineProcess(settings, root / "steady.log"))
    wait_ready(process, ("indexer started", "watching inbox"))
    warm_up(settings)
    assert process.proc is not None
    sampler = ProcessSampler({"pipeline": process.proc.pid, **stack_pids(base.stack_dir)}, interval=5.0)
    staging = root / "steady" / "staging"
    staging.mkdir(parents=True)
    es = sync_client(settings)
    dropped: dict[str, float] = {}
    file_ids: dict[str, list[str]] = {}
    observer = SearchableObserver(es, settings.read_alias)
    lag: list[tuple[float, float]] = []
    sampler.start()
    start = time.monotonic()
    wall_minus_monotonic = time.time() - start
    last_lag = start
    i = 0
    while (now := time.monotonic()) - start < seconds:
        if now >= start + i / rate:  # the next file is due
            name, data = steady_file(pool, i)
            try:
                file_ids[name] = [a.article_id for a in parse_file(SourceFile(name=name, data=data))]
            except ParseError:
                file_ids[name] = []
            (staging / name).write_bytes(data)
            (staging / name).rename(settings.inbox_dir / name)
            dropped[name] = time.monotonic()
            observer.expect(file_ids[name], dropped[name] + wall_minus_monotonic)
            i += 1
            continue
        observer.poll()
        if now - last_lag >= 1.0:
            last_lag = now
            current = worker_lag(settings)
            if current is not None:
                lag.append((round(now - start, 1), current))
            sampler.sample()
        time.sleep(max(0.0, min(STEADY_POLL_S, start + i / rate - time.monotonic())))
    seen = observer.seen
    expected = {a for ids in file_ids.values() for a in ids}
    # asked by id: what the polls of the last 30 s missed (counted as searchable when found here: late, not lost)
    rest = watch_until_searchable(settings, expected - seen.keys(), timeout=120, sampler=sampler)
    seen.update(rest)
    once = Counter(a for ids in file_ids.values() for a in ids)  # an article in two files: which one got indexed?
    drops = {a: t for a, t in first_drops(file_ids, dropped).items() if once[a] == 1}
    stages = stage_breakdown(drops, seen, stage_times(es, settings.read_alias, drops.keys() & seen.keys()),
                             wall_minus_monotonic)
    keys = state_keys(metrics_text(settings))
    es.close()
    usage = sampler.stop()
    process.stop()
    lat = latencies(file_ids, dropped, seen)
    articles = len(seen.keys() & expected)  # the warm-up article left out
    return {
        "rate_files_per_s": round(rate, 2),
        "seconds": seconds,
        "story_window_hours": settings.story_window_hours,
        "state_keys_at_end": keys,
        "articles": articles,
        "found_after_the_run": len(rest),
        "p50_ms": round(percentile(lat, 50)),
        "p95_ms": round(percentile(lat, 95)),
        "p99_ms": round(percentile(lat, 99)),
        "stages_ms": stages,
        "max_lag": max((v for _, v in lag), default=0),
        "lag_series": lag,
        "pipeline_cpu_ms_per_article": round(usage["cpu_s"]["pipeline"] * 1000 / articles, 2) if articles else None,
        "rss_mb_max": usage["rss_mb_max"],
        "rss": rss_trend(usage["rss_mb_series"].get("pipeline", [])),
        # the second half alone: with a story window shorter than the run, whether memory levelled off
        "rss_second_half": rss_trend(usage["rss_mb_series"].get("pipeline", []), skip_share=0.5),
        "rss_mb_series": usage["rss_mb_series"],
        "cpu_share_of_one_core": usage["cpu_share_of_one_core"],
    }
