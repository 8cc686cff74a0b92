"""End-to-end throughput and latency of the pipeline, and the limits it runs against, measured in one run.

    python bench/e2e.py --files 1000

Measures, on the local stack (started if needed), each in a namespace of its own:
- e2e: N article files (BBC English + 10kGNAD German, alternating) dropped at once into a running
  ``newsingest run``; articles/s from the first drop to the last document searchable, and per-article latency
  from file complete (renamed into the inbox) to searchable (seen by polling the read alias);
  once with language detection only and once with full enrichment;
- limits: raw Elasticsearch bulk indexing of the same documents (parallel_bulk, 2 threads), raw aiokafka
  produce+consume of the same messages, and enrichment alone in one process; the pipeline as a ratio of each;
- scale-out: ``newsingest watch`` + 1 vs 2 ``newsingest worker`` processes, with the CPU share of every process;
- steady load: a fixed rate (50% of the measured maximum) for ``--steady-seconds``: latency percentiles,
  consumer lag and RSS of each process over time;
- profile (``--profile``): py-spy on the pipeline process during the full e2e run; top costs.
Prints one JSON line and appends a section to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import inspect
import itertools
import json
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Collection
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ProcessSampler, corpus, percentile, progress, record, stack_pids

from newsingest.config import Settings
from newsingest.index.client import sync_client
from newsingest.ingest.formats.base import ParseError, SourceFile
from newsingest.ingest.formats.registry import parse_file
from newsingest.models import RawArticle
from newsingest.sandbox import PipelineProcess, free_port, isolated_settings, remove_namespace
from newsingest.stack.manager import stack_up

Files = list[tuple[str, bytes]]
STEADY_POLL_S = 0.2


# --- helpers ---------------------------------------------------------------------------------------------
def parse_all(files: Files) -> tuple[dict[str, list[str]], list[RawArticle]]:
    """article ids per file name, and the distinct raw articles (first occurrence)."""
    ids: dict[str, list[str]] = {}
    seen: dict[str, RawArticle] = {}
    for name, data in files:
        try:
            articles = parse_file(SourceFile(name=name, data=data))
        except ParseError:
            ids[name] = []
            continue
        ids[name] = [a.article_id for a in articles]
        for article in articles:
            seen.setdefault(article.article_id, article)
    return ids, list(seen.values())


#: every pipeline process the benchmark started; whatever still runs is stopped when it ends, even on an error
LAUNCHED: list[PipelineProcess] = []


#: every namespace (topics, index, groups) the benchmark created; removed from the stack when it ends
NAMESPACES: list[Settings] = []


def namespace(base: Settings, root: Path, **overrides: Any) -> Settings:
    settings = isolated_settings(base, root, **overrides)
    NAMESPACES.append(settings)
    return settings


def launch(process: PipelineProcess) -> PipelineProcess:
    LAUNCHED.append(process.start())
    return process


def stop_launched() -> None:
    for process in LAUNCHED:
        with contextlib.suppress(Exception):
            process.stop()
    for settings in NAMESPACES:
        remove_namespace(settings)


def wait_ready(process: PipelineProcess, markers: tuple[str, ...], timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        log = process.log()
        if all(m in log for m in markers):
            return
        time.sleep(0.2)
    raise SystemExit(f"pipeline did not start within {timeout}s:\n{process.log()[-3000:]}")


WARM_UP_TEXT = (
    "Warm-up article {token}\n\n"
    "This article is dropped before the measurement starts, so that the clock runs only while a pipeline that "
    "is already running (consumer groups joined, models loaded) works through the benchmark files. "
    "It mentions London, the United Nations and Angela Merkel to exercise every enrichment step.\n"
)


def warm_up(settings: Settings, timeout: float = 180) -> None:
    """Drop one article and wait until it is searchable: from then on the pipeline is running."""
    token = uuid.uuid4().hex
    staging = settings.inbox_dir.parent / "warm-up"
    staging.mkdir(parents=True, exist_ok=True)
    draft = staging / f"warm-up-{token}.txt"
    draft.write_text(WARM_UP_TEXT.format(token=token), encoding="utf-8")
    draft.rename(settings.inbox_dir / draft.name)
    es = sync_client(settings)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            with contextlib.suppress(Exception):
                if es.count(index=settings.read_alias)["count"] >= 1:
                    return
            time.sleep(0.2)
    finally:
        es.close()
    raise SystemExit(f"the warm-up article was not searchable within {timeout}s")


def visible_ids(
    es: Any, alias: str, recent_s: float | None = None, known: Collection[str] = ()
) -> set[str]:
    """Ids searchable under the alias (only those ingested in the last ``recent_s`` seconds, if given), leaving
    out ``known`` ones: a poll fetches only what is new, so polling costs the machine little."""
    query: dict[str, Any] = {"range": {"ingested_at": {"gte": f"now-{int(recent_s)}s"}}} if recent_s else {}
    bool_query: dict[str, Any] = {"filter": [query] if query else [{"match_all": {}}]}
    if known:
        bool_query["must_not"] = [{"ids": {"values": list(known)}}]
    try:
        resp = es.search(index=alias, query={"bool": bool_query}, size=10000, source=False,
                         filter_path=["hits.hits._id"])
    except Exception:
        return set()
    return {hit["_id"] for hit in resp.get("hits", {}).get("hits", [])}


def drop_files(files: Files, inbox: Path, staging: Path) -> dict[str, float]:
    """Write each file outside the inbox, then rename it in; returns the time each became complete."""
    staging.mkdir(parents=True, exist_ok=True)
    dropped = {}
    for name, data in files:
        (staging / name).write_bytes(data)
    for name, _ in files:
        (staging / name).rename(inbox / name)
        dropped[name] = time.monotonic()
    return dropped


def latencies(file_ids: dict[str, list[str]], dropped: dict[str, float], seen: dict[str, float]) -> list[float]:
    first_drop: dict[str, float] = {}
    for name, ids in file_ids.items():
        for article_id in ids:
            if name in dropped:
                first_drop[article_id] = min(first_drop.get(article_id, dropped[name]), dropped[name])
    return [(seen[a] - t) * 1000 for a, t in first_drop.items() if a in seen]


def watch_until_searchable(
    settings: Settings, expected: set[str], timeout: float, sampler: ProcessSampler | None = None
) -> dict[str, float]:
    es = sync_client(settings)
    seen: dict[str, float] = {}
    deadline = time.monotonic() + timeout
    last_note = time.monotonic()
    try:
        while len(seen) < len(expected) and time.monotonic() < deadline:
            now = time.monotonic()
            for doc_id in (visible_ids(es, settings.read_alias, known=seen.keys()) & expected) - seen.keys():
                seen[doc_id] = now
            if sampler:
                sampler.sample()
            if now - last_note > 10:
                progress(f"  {len(seen)}/{len(expected)} searchable")
                last_note = now
            time.sleep(0.1)
    finally:
        es.close()
    if len(seen) < len(expected):
        progress(f"  WARNING: only {len(seen)}/{len(expected)} documents searchable after {timeout}s")
    return seen


# --- e2e -------------------------------------------------------------------------------------------------
def run_e2e(
    base: Settings, files: Files, file_ids: dict[str, list[str]], *, full: bool, root: Path, profile: bool
) -> dict[str, Any]:
    mode = "full" if full else "language-only"
    settings = namespace(base, root / mode, ner_enabled=full, file_stable_s=0.1, bulk_max_wait_s=0.2)
    settings.inbox_dir.mkdir(parents=True)
    expected = {a for ids in file_ids.values() for a in ids}
    progress(f"e2e ({mode}): {len(files)} files, {len(expected)} distinct articles")
    process = launch(PipelineProcess(settings, root / f"{mode}.log"))
    wait_ready(process, ("indexer started", "watching inbox"))
    warm_up(settings)
    assert process.proc is not None
    sampler = ProcessSampler({"pipeline": process.proc.pid, **stack_pids(base.stack_dir)}, interval=2.0)
    spy = None
    if profile:
        spy_out = root / f"profile-{mode}.txt"
        spy = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("py-spy")),
                "record",
                "--pid",
                str(process.proc.pid),
                "--format",
                "raw",
                "--rate",
                "50",
                "--output",
                str(spy_out),
                "--nonblocking",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    sampler.start()
    start = time.monotonic()
    dropped = drop_files(files, settings.inbox_dir, root / mode / "staging")
    seen = watch_until_searchable(settings, expected, timeout=max(300, len(files)), sampler=sampler)
    usage = sampler.stop()
    if spy:
        spy.send_signal(2)
        with contextlib.suppress(subprocess.TimeoutExpired):
            spy.wait(timeout=30)
    process.stop()
    lat = latencies(file_ids, dropped, seen)
    elapsed = max(seen.values()) - start if seen else float("nan")
    result = {
        "mode": mode,
        "articles": len(seen),
        "articles_per_s": round(len(seen) / elapsed, 2),
        "p50_ms": round(percentile(lat, 50)),
        "p95_ms": round(percentile(lat, 95)),
        "p99_ms": round(percentile(lat, 99)),
        "cpu_share_of_one_core": usage["cpu_share_of_one_core"],
        "rss_mb_max": usage["rss_mb_max"],
        "settings": settings,
    }
    if profile:
        result["profile_top"] = summarise_profile(root / f"profile-{mode}.txt")
    return result


def summarise_profile(path: Path, top: int = 8) -> dict[str, list[dict[str, Any]]]:
    """From py-spy's collapsed stacks: where the pipeline process spends its samples.

    ``self``: the innermost frame of each sample, grouped by function (what burns the CPU);
    ``newsingest``: the innermost newsingest function on each sample's stack (which of our steps pays for it),
    leaving out the process's entry points.
    """
    if not path.exists():
        return {}
    own: collections.Counter[str] = collections.Counter()
    ours: collections.Counter[str] = collections.Counter()
    total = 0
    entry_points = ("cli.py", "__main__", "<module>")
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = stack.split(";")
        own[_frame_name(frames[-1])] += n
        mine = [f for f in frames if "newsingest" in f and not any(e in f for e in entry_points)]
        ours[_frame_name(mine[-1]) if mine else "(outside newsingest: event loop, libraries)"] += n
    if not total:
        return {}
    return {
        kind: [{"frame": f, "share": round(c / total, 3)} for f, c in counter.most_common(top)]
        for kind, counter in (("self", own), ("newsingest", ours))
    }


def _frame_name(frame: str) -> str:
    """``function (path/to/file.py:123)`` -> ``function (file.py)``."""
    name, _, where = frame.partition(" (")
    return f"{name} ({where.split(':')[0].rsplit('/', 1)[-1]})" if where else name


# --- limits ----------------------------------------------------------------------------------------------
_LIMIT_RUNS = itertools.count(1)  # repeated limit runs write to indices and topics of their own


def es_bulk_limit(e2e_settings: Settings, root: Path) -> dict[str, Any]:
    from elasticsearch import helpers

    es = sync_client(e2e_settings, request_timeout=120)
    try:
        docs = [
            (h["_id"], h["_source"])
            for h in es.search(index=e2e_settings.read_alias, size=10000, query={"match_all": {}})["hits"]["hits"]
        ]
        target = f"{e2e_settings.index_prefix}-v{next(_LIMIT_RUNS) + 100}"  # created from the same template
        es.indices.create(index=target)
        actions = ({"_index": target, "_id": i, "_source": d} for i, d in docs)
        start = time.monotonic()
        ok = sum(1 for success, _ in helpers.parallel_bulk(es, actions, chunk_size=500, thread_count=2) if success)
        es.indices.refresh(index=target)
        elapsed = time.monotonic() - start
    finally:
        es.close()
    return {"documents": ok, "es_bulk_per_s": round(ok / elapsed, 1)}


def kafka_limit(e2e_settings: Settings) -> dict[str, Any]:
    from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic

    async def main() -> dict[str, Any]:
        servers = e2e_settings.kafka_servers
        source = AIOKafkaConsumer(
            e2e_settings.topic_enriched,
            bootstrap_servers=servers,
            group_id=None,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
        )
        await source.start()
        values: list[tuple[bytes, bytes]] = []
        try:
            while True:
                batch = await source.getmany(timeout_ms=2000)
                if not batch:
                    break
                values += [(r.key, r.value) for rs in batch.values() for r in rs]
        finally:
            await source.stop()
        topic = f"{e2e_settings.app_id}.bench.kafka.{next(_LIMIT_RUNS)}"
        admin = AIOKafkaAdminClient(bootstrap_servers=servers)
        await admin.start()
        await admin.create_topics([NewTopic(topic, e2e_settings.topic_partitions, 1)])
        await admin.close()
        producer = AIOKafkaProducer(
            bootstrap_servers=servers,
            acks="all",
            enable_idempotence=True,
            compression_type="gzip",
            linger_ms=e2e_settings.producer_linger_ms,
        )
        consumer = AIOKafkaConsumer(
            topic,
            bootstrap_servers=servers,
            group_id=f"{topic}.g",
            auto_offset_reset="earliest",
            enable_auto_commit=False,
        )
        await producer.start()
        start = time.monotonic()
        futures = [await producer.send(topic, key=k, value=v) for k, v in values]
        await asyncio.gather(*futures)
        await producer.stop()
        await consumer.start()
        got = 0
        while got < len(values):
            batch = await consumer.getmany(timeout_ms=1000)
            got += sum(len(rs) for rs in batch.values())
            await consumer.commit()
        elapsed = time.monotonic() - start
        await consumer.stop()
        return {"messages": len(values), "kafka_per_s": round(len(values) / elapsed, 1)}

    return asyncio.run(main())


def enrich_limit(base: Settings, articles: list[RawArticle], *, full: bool) -> dict[str, Any]:
    from newsingest.enrich.pipeline import Enricher

    settings = base.model_copy(update={"ner_enabled": full})

    async def main() -> float:
        kwargs: dict[str, Any] = {}
        if "engine" in inspect.signature(Enricher).parameters:
            from newsingest.enrich.ner.factory import build_engine

            kwargs["engine"] = build_engine(settings)
        if "story_store" in inspect.signature(Enricher).parameters:
            kwargs["story_store"] = {}
        enricher = Enricher(settings, **kwargs)
        semaphore = asyncio.Semaphore(max(1, settings.ner_concurrency))

        async def one(article: RawArticle) -> None:
            async with semaphore:
                result = enricher.enrich(article)
                if inspect.isawaitable(result):
                    await result

        start = time.monotonic()
        await asyncio.gather(*(one(a) for a in articles))
        elapsed = time.monotonic() - start
        closer = getattr(enricher, "aclose", None)
        if closer:
            await closer()
        return elapsed

    elapsed = asyncio.run(main())
    return {"articles": len(articles), "enrich_only_per_s": round(len(articles) / elapsed, 2)}


# --- scale-out -------------------------------------------------------------------------------------------
def run_scale(
    base: Settings,
    files: Files,
    file_ids: dict[str, list[str]],
    workers: int,
    root: Path,
) -> dict[str, Any]:
    settings = namespace(base, root / f"scale-{workers}", file_stable_s=0.1, bulk_max_wait_s=0.2)
    settings.inbox_dir.mkdir(parents=True)
    expected = {a for ids in file_ids.values() for a in ids}
    progress(f"scale-out: watch + {workers} worker(s), {len(files)} files")
    procs = {"watcher": launch(PipelineProcess(settings, root / f"scale-{workers}-watch.log", ("watch",)))}
    for i in range(workers):
        worker_settings = settings.model_copy(update={"web_port": free_port()})
        procs[f"worker{i + 1}"] = launch(
            PipelineProcess(worker_settings, root / f"scale-{workers}-w{i}.log", ("worker",))
        )
    for name, proc in procs.items():
        if name.startswith("worker"):
            wait_ready(proc, ("indexer started",))
    time.sleep(3)  # let the group settle its assignment
    warm_up(settings)
    pids = {name: p.proc.pid for name, p in procs.items() if p.proc}
    sampler = ProcessSampler({**pids, **stack_pids(base.stack_dir)}, interval=2.0)
    sampler.start()
    start = time.monotonic()
    drop_files(files, settings.inbox_dir, root / f"scale-{workers}" / "staging")
    seen = watch_until_searchable(settings, expected, timeout=max(300, len(files)), sampler=sampler)
    usage = sampler.stop()
    for proc in procs.values():
        proc.stop()
    elapsed = max(seen.values()) - start if seen else float("nan")
    return {
        "workers": workers,
        "articles_per_s": round(len(seen) / elapsed, 2),
        "cpu_share_of_one_core": usage["cpu_share_of_one_core"],
    }


# --- steady load -----------------------------------------------------------------------------------------
def worker_lag(settings: Settings) -> float | None:
    url = f"http://{settings.web_host}:{settings.web_port}/metrics"
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:
            for line in resp.read().decode().splitlines():
                if line.startswith("newsingest_consumer_lag{"):
                    return float(line.rsplit(" ", 1)[1])
    except OSError:
        return None
    return None


def run_steady(base: Settings, pool: Files, rate: float, seconds: float, root: Path) -> dict[str, Any]:
    settings = namespace(base, root / "steady", file_stable_s=0.1, bulk_max_wait_s=0.2)
    settings.inbox_dir.mkdir(parents=True)
    progress(f"steady load: {rate:.1f} files/s for {seconds:.0f}s")
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
    seen: dict[str, float] = {}
    lag: list[tuple[float, float]] = []
    sampler.start()
    start = time.monotonic()
    last_poll = last_lag = start
    i = 0
    while time.monotonic() - start < seconds:
        due = start + i / rate
        while (remaining := due - time.monotonic()) > 0:
            time.sleep(min(0.05, remaining))
        name, data = pool[i % len(pool)]
        if i >= len(pool):  # the corpus is exhausted: make the text a new article
            data += f"\n\nSteady-load copy {i // len(pool)}.".encode()
        name = f"s{i:06d}-{name}"
        try:
            file_ids[name] = [a.article_id for a in parse_file(SourceFile(name=name, data=data))]
        except ParseError:
            file_ids[name] = []
        (staging / name).write_bytes(data)
        (staging / name).rename(settings.inbox_dir / name)
        dropped[name] = time.monotonic()
        i += 1
        now = time.monotonic()
        if now - last_poll >= STEADY_POLL_S:  # searchable = seen by a poll; the poll interval bounds the error
            last_poll = now
            for doc_id in visible_ids(es, settings.read_alias, recent_s=120, known=seen.keys()) - seen.keys():
                seen[doc_id] = now
        if now - last_lag >= 1.0:
            last_lag = now
            current = worker_lag(settings)
            if current is not None:
                lag.append((round(now - start, 1), current))
            sampler.sample()
    expected = {a for ids in file_ids.values() for a in ids}
    rest = watch_until_searchable(settings, expected - seen.keys(), timeout=120, sampler=sampler)
    seen.update(rest)
    es.close()
    usage = sampler.stop()
    process.stop()
    lat = latencies(file_ids, dropped, seen)
    return {
        "rate_files_per_s": round(rate, 2),
        "seconds": seconds,
        "articles": len(seen.keys() & expected),  # the warm-up article left out
        "p50_ms": round(percentile(lat, 50)),
        "p95_ms": round(percentile(lat, 95)),
        "p99_ms": round(percentile(lat, 99)),
        "max_lag": max((v for _, v in lag), default=0),
        "lag_series": lag,
        "rss_mb_max": usage["rss_mb_max"],
        "rss_mb_series": usage["rss_mb_series"],
        "cpu_share_of_one_core": usage["cpu_share_of_one_core"],
    }


# --- report ----------------------------------------------------------------------------------------------
def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run with the median throughput (its latencies and CPU shares come with it), listing every run's."""
    ordered = sorted(runs, key=lambda r: r["articles_per_s"])
    chosen = dict(ordered[(len(ordered) - 1) // 2])
    chosen["articles_per_s_runs"] = [r["articles_per_s"] for r in runs]
    profiled = next((r["profile_top"] for r in runs if "profile_top" in r), None)
    if profiled is not None:
        chosen["profile_top"] = profiled
    return chosen


def median_of(results: list[dict[str, Any]], key: str) -> dict[str, Any]:
    """The result with the median ``key`` and every run's value of it as ``<key>_runs``."""
    ordered = sorted(results, key=lambda r: r[key])
    chosen = dict(ordered[(len(ordered) - 1) // 2])
    chosen[f"{key}_runs"] = [r[key] for r in results]
    return chosen


def markdown(res: dict[str, Any]) -> str:
    lines = ["| measurement | value |", "|---|---|"]
    for key in (
        "articles_per_s",
        "p50_ms",
        "p95_ms",
        "p99_ms",
        "es_bulk_per_s",
        "kafka_per_s",
        "enrich_only_per_s",
        "ratio_to_es_bulk",
        "ratio_to_enrich",
    ):
        runs = res.get(f"{key}_runs")
        shown = f"{res.get(key)} (median of {runs})" if runs and len(runs) > 1 else f"{res.get(key)}"
        lines.append(f"| `{key}` (full enrichment) | {shown} |")
    lang = res.get("language_only", {})
    if lang:
        lines += [
            f"| `articles_per_s` (language only) | {lang['articles_per_s']}"
            + (f" (median of {lang['articles_per_s_runs']})" if len(lang.get("articles_per_s_runs", [])) > 1 else "")
            + " |",
            f"| `ratio_to_es_bulk` (language only; target >= 0.5) | {lang['ratio_to_es_bulk']} |",
            f"| `ratio_to_enrich` (language only) | {lang['ratio_to_enrich']} |",
            f"| latency p50/p95/p99 ms (language only, burst) | {lang['p50_ms']} / {lang['p95_ms']} / "
            f"{lang['p99_ms']} |",
        ]
    for scale in res.get("scale_out", []):
        lines.append(
            f"| scale-out, {scale['workers']} worker(s): articles/s | {scale['articles_per_s']} "
            f"(CPU share of one core: {scale['cpu_share_of_one_core']}) |"
        )
    steady = res.get("steady")
    if steady:
        lines.append(
            f"| steady {steady['rate_files_per_s']} files/s for {steady['seconds']}s: p50/p95/p99 ms | "
            f"{steady['p50_ms']} / {steady['p95_ms']} / {steady['p99_ms']} (target p99 <= 2000) |"
        )
        lines.append(f"| steady: max consumer lag / max RSS MB | {steady['max_lag']} / {steady['rss_mb_max']} |")
        for name, series in steady.get("rss_mb_series", {}).items():
            points = series[:: max(1, len(series) // 6)] + series[-1:]
            lines.append(f"| steady: RSS of {name} over time (s: MB) | "
                         + ", ".join(f"{t:.0f}: {mb:.0f}" for t, mb in points) + " |")
    profile = res.get("profile_top") or {}
    if profile:
        lines += ["", "Profile of the pipeline process during an extra full e2e run under py-spy "
                  f"({res.get('profiled_run_articles_per_s')} articles/s while sampled; share of samples):", ""]
        lines += ["Innermost newsingest step on the stack:", ""]
        lines += [f"- {p['share']:.1%} `{p['frame']}`" for p in profile.get("newsingest", [])]
        lines += ["", "Innermost frame (self time):", ""]
        lines += [f"- {p['share']:.1%} `{p['frame']}`" for p in profile.get("self", [])]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--no-language-only", action="store_true", help="skip the language-only e2e run")
    parser.add_argument("--no-scale", action="store_true")
    parser.add_argument("--scale-files", type=int, default=600)
    parser.add_argument("--steady-seconds", type=float, default=180.0, help="0 skips the steady-load run")
    parser.add_argument("--profile", action="store_true",
                        help="py-spy the pipeline during one more full e2e run (not counted in the results)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run e2e and limits this many times and report the medians (odd numbers are best)")
    parser.add_argument("--no-record", action="store_true", help="do not append to docs/benchmarks.md")
    args = parser.parse_args()

    base = Settings()
    stack_up(base, progress=progress)
    files = corpus(args.files)
    file_ids, articles = parse_all(files)
    res: dict[str, Any] = {"files": len(files), "distinct_articles": len(articles)}
    with tempfile.TemporaryDirectory(prefix="newsingest-bench-") as tmp:
        root = Path(tmp)
        res["repeat"] = args.repeat
        full_runs = [
            run_e2e(base, files, file_ids, full=True, root=root / f"r{i}", profile=False) for i in range(args.repeat)
        ]
        full = median_run(full_runs)
        if args.profile:  # a run of its own: sampling slows the process down, so it is not one of the measured
            progress("profile: one more full e2e run under py-spy (not counted)")
            profiled = run_e2e(base, files, file_ids, full=True, root=root / "profiled", profile=True)
            full["profile_top"] = profiled["profile_top"]
            full["profiled_run_articles_per_s"] = profiled["articles_per_s"]
        full_settings = full.pop("settings")
        res.update({k: v for k, v in full.items() if k != "mode"})
        progress("limit: raw Elasticsearch bulk")
        res.update(median_of([es_bulk_limit(full_settings, root) for _ in range(args.repeat)], "es_bulk_per_s"))
        progress("limit: raw Kafka produce+consume")
        res.update(median_of([kafka_limit(full_settings) for _ in range(args.repeat)], "kafka_per_s"))
        progress("limit: enrichment alone (full)")
        res.update(median_of([enrich_limit(base, articles, full=True) for _ in range(args.repeat)],
                             "enrich_only_per_s"))
        res["ratio_to_es_bulk"] = round(res["articles_per_s"] / res["es_bulk_per_s"], 3)
        res["ratio_to_enrich"] = round(res["articles_per_s"] / res["enrich_only_per_s"], 3)
        if not args.no_language_only:
            lang = median_run(
                [run_e2e(base, files, file_ids, full=False, root=root / f"r{i}", profile=False)
                 for i in range(args.repeat)]
            )
            lang.pop("settings")
            lang_limit = median_of([enrich_limit(base, articles, full=False) for _ in range(args.repeat)],
                                   "enrich_only_per_s")
            lang["enrich_only_per_s"] = lang_limit["enrich_only_per_s"]
            lang["enrich_only_per_s_runs"] = lang_limit["enrich_only_per_s_runs"]
            lang["ratio_to_es_bulk"] = round(lang["articles_per_s"] / res["es_bulk_per_s"], 3)
            lang["ratio_to_enrich"] = round(lang["articles_per_s"] / lang["enrich_only_per_s"], 3)
            res["language_only"] = lang
        if not args.no_scale:
            scale_files = files[: args.scale_files]
            scale_ids = {n: file_ids[n] for n, _ in scale_files}
            res["scale_out"] = [run_scale(base, scale_files, scale_ids, w, root) for w in (1, 2)]
        if args.steady_seconds > 0:
            rate = max(0.5, 0.5 * res["articles_per_s"])
            res["steady"] = run_steady(base, corpus(None), rate, args.steady_seconds, root)
    if args.no_record:
        print(json.dumps(res, default=str))
    else:
        record("e2e", res, markdown(res), base)
    progress(f"done: {res['articles_per_s']} articles/s end to end")


if __name__ == "__main__":
    try:
        main()
    finally:
        stop_launched()
