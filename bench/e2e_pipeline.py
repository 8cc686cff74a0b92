"""The pipeline measured end to end: a burst of files into ``newsingest run`` (full or language-only), and
``newsingest watch`` + N ``newsingest worker`` processes for scale-out; an optional py-spy profile."""

from __future__ import annotations

import collections
import contextlib
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from common import ProcessSampler, percentile, progress, stack_pids
from e2e_es_stats import es_ms_per_article, es_node_times
from e2e_harness import (
    Files,
    drop_files,
    latencies,
    launch,
    metrics_text,
    namespace,
    wait_ready,
    warm_up,
    watch_until_searchable,
)
from e2e_steps import step_ms_per_article, step_seconds

from newsingest.config import Settings
from newsingest_devtools.sandbox import PipelineProcess, free_port


def _py_spy(pid: int, out: Path) -> subprocess.Popen[bytes]:
    command = [str(Path(sys.executable).with_name("py-spy")), "record", "--pid", str(pid), "--format", "raw",
               "--rate", "50", "--output", str(out), "--nonblocking"]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def run_e2e(
    base: Settings, files: Files, file_ids: dict[str, list[str]], *, full: bool, root: Path, profile: bool
) -> dict[str, Any]:
    """Drop every file at once into a running ``newsingest run``; throughput, latency, CPU per article
    (the process's and each step's) from the first drop to the last article searchable."""
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
    spy = _py_spy(process.proc.pid, root / f"profile-{mode}.txt") if profile else None
    steps_before = step_seconds(metrics_text(settings))
    es_before = es_node_times(settings)
    sampler.start()
    dropped = drop_files(files, settings.inbox_dir, root / mode / "staging")
    start = min(dropped.values(), default=0.0)
    seen = watch_until_searchable(settings, expected, timeout=max(300, len(files)), sampler=sampler)
    usage = sampler.stop()
    es_after = es_node_times(settings)
    steps_after = step_seconds(metrics_text(settings))
    if spy:
        spy.send_signal(2)
        with contextlib.suppress(subprocess.TimeoutExpired):
            spy.wait(timeout=30)
    process.stop()
    lat = latencies(file_ids, dropped, seen)
    max_seen = max(seen.values(), default=float("nan"))
    elapsed = max_seen - start
    articles = len(seen)
    result: dict[str, Any] = {
        "mode": mode,
        "articles": articles,
        "articles_per_s": round(articles / elapsed, 2) if articles else 0.0,
        "p50_ms": round(percentile(lat, 50)),
        "p95_ms": round(percentile(lat, 95)),
        "p99_ms": round(percentile(lat, 99)),
        "pipeline_cpu_ms_per_article": round(usage["cpu_s"]["pipeline"] * 1000 / articles, 2) if articles else None,
        "step_cpu_ms_per_article": step_ms_per_article(steps_before, steps_after, articles),
        "cpu_share_of_one_core": usage["cpu_share_of_one_core"],
        "rss_mb_max": usage["rss_mb_max"],
        "es_ms_per_article": es_ms_per_article(es_before, es_after, articles),
        "settings": settings,
    }
    if profile:
        result["profile_top"] = summarise_profile(root / f"profile-{mode}.txt")
    return result


WORK_FRAMES = ("newsingest/enrich/", "newsingest/ingest/formats/")  # parsing and enrichment: the work alone's code


def summarise_profile(path: Path, top: int = 8) -> dict[str, Any]:
    """From py-spy's collapsed stacks: where the pipeline process spends its samples.

    ``self``: the innermost frame of each sample, grouped by function (what burns the CPU);
    ``newsingest``: the innermost newsingest function on each sample's stack (which of our steps pays for it),
    leaving out the process's entry points; ``work_share``: the share of samples with the work (parsing,
    enrichment) anywhere on the stack, the rest being the plumbing around it.
    """
    if not path.exists():
        return {}
    own: collections.Counter[str] = collections.Counter()
    ours: collections.Counter[str] = collections.Counter()
    total = work = 0
    entry_points = ("cli/__init__.py", "__main__", "<module>")
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = stack.split(";")
        own[_frame_name(frames[-1])] += n
        if any(part in f for f in frames for part in WORK_FRAMES):
            work += n
        mine = [f for f in frames if "newsingest" in f and not any(e in f for e in entry_points)]
        ours[_frame_name(mine[-1]) if mine else "(outside newsingest: event loop, libraries)"] += n
    if not total:
        return {}
    summary: dict[str, Any] = {
        kind: [{"frame": f, "share": round(c / total, 3)} for f, c in counter.most_common(top)]
        for kind, counter in (("self", own), ("newsingest", ours))
    }
    summary["work_share"] = round(work / total, 3)
    return summary


def _frame_name(frame: str) -> str:
    """``function (path/to/file.py:123)`` -> ``function (file.py)``."""
    name, _, where = frame.partition(" (")
    return f"{name} ({where.split(':')[0].rsplit('/', 1)[-1]})" if where else name


def run_scale(base: Settings, files: Files, file_ids: dict[str, list[str]], workers: int, root: Path) -> dict[str, Any]:
    """``newsingest watch`` + ``workers`` x ``newsingest worker``: throughput and every process's CPU."""
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
    dropped = drop_files(files, settings.inbox_dir, root / f"scale-{workers}" / "staging")
    start = min(dropped.values(), default=0.0)
    seen = watch_until_searchable(settings, expected, timeout=max(300, len(files)), sampler=sampler)
    usage = sampler.stop()
    for proc in procs.values():
        proc.stop()
    elapsed = max(seen.values(), default=float("nan")) - start
    articles = len(seen)
    return {
        "workers": workers,
        "articles": articles,
        "articles_per_s": round(articles / elapsed, 2) if articles else 0.0,
        "cpu_share_of_one_core": usage["cpu_share_of_one_core"],
        "cpu_ms_per_article": {k: round(v * 1000 / articles, 2) for k, v in usage["cpu_s"].items()
                               if k in pids} if articles else {},
    }
