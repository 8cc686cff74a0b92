"""Shared parts of the benchmarks: corpora, machine facts, percentiles, process sampling, the results file."""

from __future__ import annotations

import csv
import json
import os
import platform
import shlex
import statistics
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import psutil

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
BBC = SHARED / "data" / "news" / "bbc-en"
GNAD = SHARED / "data" / "news" / "10kgnad-de" / "test.csv"
RESULTS = REPO / "docs" / "benchmarks.md"


def progress(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", file=sys.stderr, flush=True)


# --- corpora (read from ../shared at run time; never copied into the repository) ----------------------------
def bbc_articles() -> Iterator[tuple[str, bytes]]:
    for path in sorted(BBC.glob("*/*.txt")):
        yield f"bbc-{path.parent.name}-{path.name}", path.read_bytes()


def gnad_articles() -> Iterator[tuple[str, bytes]]:
    with open(GNAD, newline="", encoding="utf-8") as fh:
        for i, row in enumerate(csv.reader(fh, delimiter=";", quotechar="'")):
            if len(row) == 2 and row[1].strip():
                yield f"gnad-{i:05d}.txt", row[1].encode("utf-8")


def corpus(n: int | None) -> list[tuple[str, bytes]]:
    """``n`` article files (all with None), alternating English (BBC) and German (10kGNAD) while both last."""
    if not BBC.is_dir() or not GNAD.exists():
        raise SystemExit(f"corpora not found under {SHARED}/data/news: the shared folder must sit beside the repo")
    english, german = list(bbc_articles()), list(gnad_articles())
    mixed: list[tuple[str, bytes]] = []
    for i in range(max(len(english), len(german))):
        for source in (english, german):
            if i < len(source):
                mixed.append(source[i])
    if n is None:
        return mixed
    if n > len(mixed):
        raise SystemExit(f"--files {n}: only {len(mixed)} articles in the corpora")
    return mixed[:n]


# --- statistics ------------------------------------------------------------------------------------------
def percentile(values: Sequence[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


# --- process sampling ------------------------------------------------------------------------------------
@dataclass
class ProcessSampler:
    """CPU seconds and RSS of named processes between ``start()`` and ``stop()``, sampled every ``interval``."""

    pids: dict[str, int]
    interval: float = 5.0
    cpu_start: dict[str, float] = field(default_factory=dict)
    cpu_end: dict[str, float] = field(default_factory=dict)
    rss_mb: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    _t0: float = 0.0
    _last: float = 0.0

    def _cpu(self, pid: int) -> float:
        try:
            proc = psutil.Process(pid)
            total = sum(proc.cpu_times()[:2])
            for child in proc.children(recursive=True):
                total += sum(child.cpu_times()[:2])
            return total
        except psutil.Error:
            return 0.0

    def _rss(self, pid: int) -> float:
        try:
            proc = psutil.Process(pid)
            return (proc.memory_info().rss + sum(c.memory_info().rss for c in proc.children(recursive=True))) / 2**20
        except psutil.Error:
            return 0.0

    def start(self) -> None:
        self._t0 = self._last = time.monotonic()
        self.cpu_start = {name: self._cpu(pid) for name, pid in self.pids.items()}
        self.sample(force=True)

    def sample(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < self.interval:
            return
        self._last = now
        for name, pid in self.pids.items():
            self.rss_mb.setdefault(name, []).append((round(now - self._t0, 1), round(self._rss(pid), 1)))

    def stop(self) -> dict[str, Any]:
        self.sample(force=True)
        elapsed = time.monotonic() - self._t0
        self.cpu_end = {name: self._cpu(pid) for name, pid in self.pids.items()}
        cpu = {name: self.cpu_end[name] - self.cpu_start.get(name, 0.0) for name in self.pids}
        return {
            "elapsed_s": round(elapsed, 2),
            "cpu_s": {k: round(v, 2) for k, v in cpu.items()},
            "cpu_share_of_one_core": {k: round(v / elapsed, 3) for k, v in cpu.items()} if elapsed else {},
            "rss_mb_max": {k: max(v for _, v in series) for k, series in self.rss_mb.items()},
            "rss_mb_series": self.rss_mb,
        }


def stack_pids(stack_dir: Path) -> dict[str, int]:
    """Pids of the local stack's servers, from their pid files."""
    pids = {}
    for name in ("kafka", "elasticsearch", "corenlp"):
        for pid_file in (stack_dir / name).glob("*.pid"):
            try:
                pid = int(pid_file.read_text().strip())
            except ValueError:
                continue
            if psutil.pid_exists(pid):
                pids[name] = pid
    return pids


# --- results ---------------------------------------------------------------------------------------------
def machine() -> dict[str, Any]:
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "cpu": platform.processor() or platform.machine(),
        "python": platform.python_version(),
    }


def versions(settings: Any) -> dict[str, str]:
    found = {"newsingest": version("newsingest")}
    for pkg in ("faust-streaming", "aiokafka", "elasticsearch"):
        found[pkg] = version(pkg)
    found["kafka"] = settings.stack_kafka_version
    found["elasticsearch_server"] = settings.stack_es_version
    found["corenlp"] = settings.stack_corenlp_version
    return found


def command_line() -> str:
    return "python " + " ".join(shlex.quote(a) for a in [os.path.relpath(sys.argv[0], REPO), *sys.argv[1:]])


def without_series(value: Any) -> Any:
    """The result without its ``*_series`` entries (long time series), for the markdown file."""
    if isinstance(value, dict):
        return {k: without_series(v) for k, v in value.items() if not k.endswith("_series")}
    if isinstance(value, list):
        return [without_series(v) for v in value]
    return value


def record(name: str, results: dict[str, Any], markdown: str, settings: Any, path: Path = RESULTS) -> None:
    """Print the JSON line and append a section to docs/benchmarks.md with the command, versions, machine."""
    line = {"benchmark": name, **results}
    print(json.dumps(line, default=str))
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(
            "# Benchmarks\n\nEvery section was appended by the command it names; numbers in one section "
            "come from one run.\n"
        )
    with open(path, "a") as fh:
        fh.write(f"\n## {name} — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC\n\n")
        fh.write(f"Command: `{command_line()}`  \n")
        fh.write(f"Machine: `{json.dumps(machine())}`  \n")
        fh.write(f"Versions: `{json.dumps(versions(settings))}`\n\n")
        fh.write(markdown.rstrip() + "\n\n")
        fh.write(
            "<details><summary>JSON (time series left out; the printed JSON line has them)</summary>\n\n```json\n"
            + json.dumps(without_series(line), indent=1, default=str)
            + "\n```\n</details>\n"
        )


# --- corpus copies and trends ----------------------------------------------------------------------------
def copies(files: Sequence[tuple[str, bytes]], n: int) -> Iterator[tuple[str, bytes]]:
    """``n`` files: the given ones in order, then again and again under new names with a line added, so that
    every copy is a new article (a new id) and steady-state runs need not hold more than the corpus."""
    if not files:
        return
    for i in range(n):
        name, data = files[i % len(files)]
        round_ = i // len(files)
        if round_:
            yield f"c{round_:03d}-{name}", data + f"\n\nCopy {round_} of this article.".encode()
        else:
            yield name, data


def rss_trend(series: Sequence[tuple[float, float]], skip_share: float = 0.1) -> dict[str, Any]:
    """Least-squares slope of an RSS series ``[(seconds, MB)]`` after its first ``skip_share`` (start-up),
    the growth over the fitted span, and whether that is flat (growth within 5% of the median, at least 10 MB)."""
    points = list(series)[int(len(series) * skip_share):]
    if len(points) < 3:
        return {"slope_mb_per_min": None, "growth_mb": None, "flat": None, "points": len(points)}
    ts = [t for t, _ in points]
    ms = [m for _, m in points]
    t_mean, m_mean = statistics.fmean(ts), statistics.fmean(ms)
    var = sum((t - t_mean) ** 2 for t in ts)
    slope = sum((t - t_mean) * (m - m_mean) for t, m in zip(ts, ms, strict=True)) / var if var else 0.0
    growth = slope * (ts[-1] - ts[0])
    return {
        "slope_mb_per_min": round(slope * 60, 3),
        "growth_mb": round(growth, 1),
        "flat": abs(growth) <= max(10.0, 0.05 * statistics.median(ms)),
        "points": len(points),
    }
