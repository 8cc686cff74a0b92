"""The pipeline under test as real processes: namespaces, launching, the warm-up article, dropping files into
the inbox and polling Elasticsearch until they are searchable. Shared by the e2e, scale-out and steady runs."""

from __future__ import annotations

import contextlib
import time
import urllib.request
import uuid
from collections.abc import Collection
from datetime import datetime
from pathlib import Path
from typing import Any

from common import ProcessSampler, progress

from newsingest.config import Settings
from newsingest.index.client import sync_client
from newsingest.ingest.formats.base import ParseError, SourceFile
from newsingest.ingest.formats.registry import parse_file
from newsingest.models import RawArticle
from newsingest_devtools.sandbox import PipelineProcess, isolated_settings, remove_namespace

Files = list[tuple[str, bytes]]

#: every pipeline process the benchmark started; whatever still runs is stopped when it ends, even on an error
LAUNCHED: list[PipelineProcess] = []
#: every namespace (topics, index, groups) the benchmark created; removed from the stack when it ends
NAMESPACES: list[Settings] = []


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


class SearchableObserver:
    """Sees articles become searchable while files keep coming, without loading the system it measures: every
    call of :meth:`poll` asks for the alias's document count (cheap); only when it moved (a refresh made
    documents visible) does it ask for the ids ingested since the oldest article not yet seen (at most
    ``cap_s`` back). The time recorded is when the count's answer arrived: an upper bound, off by the interval
    between polls at most (``poll`` every few ms: the error the old 0.2 s id poll added is gone)."""

    def __init__(self, es: Any, alias: str, cap_s: float = 30.0) -> None:
        self.es, self.alias, self.cap_s = es, alias, cap_s
        self.pending: dict[str, float] = {}  # article id -> when its file was dropped (epoch s), in drop order
        self.seen: dict[str, float] = {}  # article id -> when it was first seen (monotonic s)
        self._count = -1

    def expect(self, ids: Collection[str], dropped_epoch: float) -> None:
        for article_id in ids:
            if article_id not in self.seen:
                self.pending.setdefault(article_id, dropped_epoch)

    def poll(self) -> None:
        count = _count(self.es, self.alias)
        now = time.monotonic()
        if count is None or count == self._count:
            return
        self._count = count
        horizon = time.time() - self.cap_s
        while self.pending and next(iter(self.pending.values())) < horizon:  # left for the final check by id
            self.pending.pop(next(iter(self.pending)))
        since = max(horizon, next(iter(self.pending.values()), horizon) - 1.0)  # 1 s: timestamps are rounded
        query = {"range": {"ingested_at": {"gte": int(since * 1000), "format": "epoch_millis"}}}
        try:
            resp = self.es.search(index=self.alias, query={"bool": {"filter": [query]}}, size=10000, source=False,
                                  filter_path=["hits.hits._id"])
        except Exception:
            self._count = -1  # ask again at the next poll
            return
        for hit in resp.get("hits", {}).get("hits", []):
            if hit["_id"] not in self.seen:
                self.seen[hit["_id"]] = now
                self.pending.pop(hit["_id"], None)


def _hits_by_id(es: Any, alias: str, ids: Collection[str], source: list[str] | bool, chunk: int = 1000
                ) -> list[dict[str, Any]]:  # fmt: skip
    """The documents among ``ids`` searchable under the alias, asked by id in chunks (so none is missed however
    many documents the index holds; a failed request counts as none seen), with the ``source`` fields."""
    pending, hits = list(ids), []
    paths = ["hits.hits._id", "hits.hits._source"] if source else ["hits.hits._id"]
    for start in range(0, len(pending), chunk):
        part = pending[start : start + chunk]
        try:
            resp = es.search(index=alias, query={"ids": {"values": part}}, size=len(part), source=source,
                             filter_path=paths)
        except Exception:
            continue
        hits += resp.get("hits", {}).get("hits", [])
    return hits


def searchable_among(es: Any, alias: str, ids: Collection[str], chunk: int = 1000) -> set[str]:
    """Which of ``ids`` are searchable under the alias."""
    return {hit["_id"] for hit in _hits_by_id(es, alias, ids, False, chunk)}


def stage_times(
    es: Any, alias: str, ids: Collection[str], chunk: int = 1000
) -> dict[str, tuple[float, float, int]]:
    """``(received_at, enriched_at, word_count)`` of the indexed articles among ``ids``: when the watcher picked the
    file up and when enrichment finished (epoch seconds), as written by the pipeline into each document."""
    found = {}
    for hit in _hits_by_id(es, alias, ids, ["provenance.received_at", "enriched_at", "word_count"], chunk):
        src = hit.get("_source", {})
        received, enriched = src.get("provenance", {}).get("received_at"), src.get("enriched_at")
        if received and enriched:
            found[hit["_id"]] = (datetime.fromisoformat(received).timestamp(),
                                 datetime.fromisoformat(enriched).timestamp(), int(src.get("word_count", 0)))
    return found


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


def first_drops(file_ids: dict[str, list[str]], dropped: dict[str, float]) -> dict[str, float]:
    """When the first file holding each article was dropped."""
    first_drop: dict[str, float] = {}
    for name, ids in file_ids.items():
        for article_id in ids:
            if name in dropped:
                first_drop[article_id] = min(first_drop.get(article_id, dropped[name]), dropped[name])
    return first_drop


def latencies(file_ids: dict[str, list[str]], dropped: dict[str, float], seen: dict[str, float]) -> list[float]:
    """Milliseconds from the first drop of a file holding each article to the article being searchable."""
    return [(seen[a] - t) * 1000 for a, t in first_drops(file_ids, dropped).items() if a in seen]


def _count(es: Any, alias: str) -> int | None:
    try:
        return int(es.count(index=alias)["count"])
    except Exception:
        return None


def watch_until_searchable(
    settings: Settings, expected: set[str], timeout: float, sampler: ProcessSampler | None = None
) -> dict[str, float]:
    """When each of ``expected`` became searchable (0.1 s resolution). The observer must not load the system it
    measures: every 0.1 s it asks only for the alias's document count (cheap), and looks the pending ids up only
    when that count moved, i.e. once per refresh, instead of 20 id queries of up to 1,000 ids a second (which
    cost Elasticsearch about a quarter of a core in a 2,000-file run)."""
    es = sync_client(settings)
    seen: dict[str, float] = {}
    deadline = time.monotonic() + timeout
    last_note = time.monotonic()
    last_count = -1
    try:
        while len(seen) < len(expected) and time.monotonic() < deadline:
            now = time.monotonic()
            count = _count(es, settings.read_alias)
            if count is None or count != last_count:
                for doc_id in searchable_among(es, settings.read_alias, expected - seen.keys()):
                    seen[doc_id] = now
                last_count = -1 if count is None else count
            if sampler:
                sampler.sample()
            if now - last_note > 10:
                progress(f"  {len(seen)}/{len(expected)} searchable")
                last_note = now
            time.sleep(0.1)
    finally:
        es.close()
    if len(seen) < len(expected):
        progress(f"  WARNING: only {len(seen)}/{len(expected)} documents searchable after {timeout}s, "
                 f"e.g. {sorted(expected - seen.keys())[:3]}")
    return seen


def metrics_text(settings: Settings, timeout: float = 2.0) -> str | None:
    """The Prometheus text of the process serving ``settings.web_port``; None when it does not answer."""
    url = f"http://{settings.web_host}:{settings.web_port}/metrics"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return str(resp.read().decode())
    except OSError:
        return None


def worker_lag(settings: Settings) -> float | None:
    text = metrics_text(settings)
    for line in (text or "").splitlines():
        if line.startswith("newsingest_consumer_lag{"):
            return float(line.rsplit(" ", 1)[1])
    return None
