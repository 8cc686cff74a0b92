"""Benchmark of ``newsingest reenrich`` on the real stack: N articles (BBC and 10kGNAD, alternating) on news.raw of
an isolated namespace, indexed with stale facets; then a full reenrich while a search loop runs on the read
alias. Prints the replay rate, the whole run's time and the search latency during the run (JSON on stdout).

    .venv/bin/python bench/reenrich.py --articles 300
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import corpus, progress
from newsingest.config import Settings
from newsingest.index.client import async_client, sync_client
from newsingest.index.document import to_document
from newsingest.index.reenrich import reenrich
from newsingest.index.setup import ensure_index
from newsingest.index.writer import BulkItem, BulkWriter
from newsingest.ingest.formats.base import SourceFile
from newsingest.ingest.formats.registry import parse_file
from newsingest.ingest.producer import ArticleProducer
from newsingest.kafka.topics import ensure_topics
from newsingest.models import EnrichedArticle, RawArticle
from newsingest_devtools.sandbox import isolated_settings, remove_namespace


def _articles(n: int) -> list[RawArticle]:
    found: dict[str, RawArticle] = {}
    for name, data in corpus(n):
        for article in parse_file(SourceFile(name, data)):
            found[article.article_id] = article
    return list(found.values())


async def _load(settings: Settings, raws: list[RawArticle]) -> None:
    await ensure_topics(settings)
    producer = ArticleProducer(settings)
    await producer.start()
    try:
        await producer.send_articles(raws)
    finally:
        await producer.stop()
    es = async_client(settings)
    try:
        await ensure_index(es, settings)
        stale = [EnrichedArticle(**r.model_dump(), language="und", language_confidence=0.0, word_count=0,
                                 pipeline_version="0.0.old") for r in raws]
        await BulkWriter(es, settings).write([BulkItem(a.article_id, to_document(a)) for a in stale])
        await es.indices.refresh(index=settings.read_alias)
    finally:
        await es.close()


class SearchLoop(threading.Thread):
    def __init__(self, settings: Settings) -> None:
        super().__init__(daemon=True)
        self.settings, self.halt = settings, threading.Event()
        self.latencies_ms: list[float] = []
        self.errors = 0

    def run(self) -> None:
        es = sync_client(self.settings)
        try:
            while not self.halt.is_set():
                started = time.perf_counter()
                try:
                    es.search(index=self.settings.read_alias, q="government OR Regierung", size=10)
                    self.latencies_ms.append(1000 * (time.perf_counter() - started))
                except Exception:
                    self.errors += 1
                time.sleep(0.2)
        finally:
            es.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = isolated_settings(Settings(), Path(tmp))
        try:
            raws = _articles(args.articles)
            progress(f"{len(raws)} articles to news.raw and a stale index in {settings.index_prefix}")
            asyncio.run(_load(settings, raws))
            searcher = SearchLoop(settings)
            searcher.start()
            started = time.monotonic()
            report = asyncio.run(reenrich(settings, concurrency=args.concurrency, progress=progress))
            seconds = time.monotonic() - started
            searcher.halt.set()
            searcher.join(5)
            latencies = sorted(searcher.latencies_ms)
            print(json.dumps({
                "articles": len(raws), "replayed": report.replayed, "failed": len(report.failed),
                "replay_rate_per_s": report.replay_rate_per_s, "run_seconds": round(seconds, 1),
                "searches_during_run": len(latencies), "search_errors": searcher.errors,
                "search_p50_ms": round(statistics.median(latencies), 1) if latencies else None,
                "search_max_ms": round(latencies[-1], 1) if latencies else None,
                "concurrency": args.concurrency or settings.enrich_max_in_flight,
            }, indent=2))
        finally:
            remove_namespace(settings)


if __name__ == "__main__":
    main()
