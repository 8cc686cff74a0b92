"""What keeping the story state off the heap costs and saves: the story step's CPU and memory per article.

    .venv/bin/python bench/story_state.py [--files 3000] [--rounds 3] [--repeats 3] [--no-record]

Enriches ``--files`` corpus files once as the pipeline does (full enrichment, the NER engine from settings: the
CoreNLP server of ``newsingest stack up``) and records every article's story features; then replays them
``--rounds`` times (each round under new ids, ten minutes later: a stream of distinct articles whose words
repeat) through a fresh story index, once with the store a worker keeps in the service (``SpillingMap``:
records and centroids on disk) and once with a plain dict (as ``newsingest enrich`` and the tests), ``--repeats``
times each, alternating. Reports the median CPU time of the story step per article for both, whether their
decisions are identical, the Python heap each keeps per article held (tracemalloc, one more replay each) and
the scratch databases' size on disk per article. The derived views (blocking lists, IDF ledger) are on disk
in both; before this change everything was on the heap (docs/stories.md gives that comparison).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import gc
import statistics
import sys
import time
import tracemalloc
from collections.abc import MutableMapping, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import corpus, progress, record
from e2e_work import _parse

from newsingest.config import Settings
from newsingest.enrich.ner.factory import build_engine
from newsingest.enrich.pipeline import Enricher
from newsingest.enrich.stories import SPILL_PREFIXES, StoryFeatures, StoryIndex
from newsingest.streaming.spilling_map import SpillingMap

BATCH = 32
ROUND_SHIFT_S = 600.0


def collect_features(settings: Settings, files: int) -> list[StoryFeatures]:
    """The story features of the first ``files`` corpus files, enriched in the pipeline's batches."""

    async def main() -> list[StoryFeatures]:
        enricher = Enricher(settings, engine=build_engine(settings))
        await enricher.warm_up()
        found: list[StoryFeatures] = []
        assign = enricher.stories.assign

        def keep(features: StoryFeatures) -> Any:
            found.append(features)
            return assign(features)

        enricher.stories.assign = keep  # type: ignore[method-assign]
        batch: list[Any] = []
        for n, (name, data) in enumerate(corpus(files), 1):
            batch += _parse(name, data) or []
            if len(batch) >= BATCH:
                await enricher.enrich_batch(batch)
                batch = []
            if n % 500 == 0:
                progress(f"features: {n}/{files} files")
        if batch:
            await enricher.enrich_batch(batch)
        await enricher.aclose()
        return found

    return asyncio.run(main())


def stream(features: Sequence[StoryFeatures], rounds: int) -> list[StoryFeatures]:
    return [f if r == 0 else dataclasses.replace(f, article_id=f"{r:02x}{f.article_id[2:]}",
                                                 seen=f.seen + r * ROUND_SHIFT_S)
            for r in range(rounds) for f in features]


def new_store(kind: str) -> MutableMapping[str, str]:
    return SpillingMap(SPILL_PREFIXES) if kind == "on disk" else {}


def replay(articles: Sequence[StoryFeatures], kind: str, window_hours: float) -> tuple[list[tuple[Any, ...]], float]:
    index = StoryIndex(new_store(kind), window_hours=window_hours)
    started = time.process_time()
    decisions = [dataclasses.astuple(index.assign(f)) for f in articles]
    return decisions, (time.process_time() - started) * 1000 / len(articles)


def heap_and_disk(articles: Sequence[StoryFeatures], rounds: int, kind: str, window_hours: float
                  ) -> dict[str, float]:
    """Heap the index and its store keep per article (over the whole replay, and the growth after its first
    round, when the bounded caches are full), and the scratch files' size per article."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    index = StoryIndex(new_store(kind), window_hours=window_hours)
    per_round = len(articles) // rounds
    after_first = before
    for n, f in enumerate(articles, 1):
        index.assign(f)
        if n == per_round:
            gc.collect()
            after_first = tracemalloc.get_traced_memory()[0]
    gc.collect()
    heap = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    databases = [index._scratch, *([index.store._disk] if isinstance(index.store, SpillingMap) else [])]
    disk = sum(db.one("PRAGMA page_count")[0] * db.one("PRAGMA page_size")[0] for db in databases)  # type: ignore[index]
    later = len(articles) - per_round
    return {"heap_bytes_per_article": round((heap - before) / len(articles)),
            "heap_growth_bytes_per_article_after_round_1": round((heap - after_first) / later) if later else None,
            "disk_bytes_per_article": round(disk / len(articles)),
            "records_cached": len(index._decoded)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=3000, help="corpus files enriched for their features")
    parser.add_argument("--rounds", type=int, default=3, help="times the features are replayed under new ids")
    parser.add_argument("--repeats", type=int, default=3, help="timed replays of each store (medians reported)")
    parser.add_argument("--no-record", action="store_true", help="print the JSON line only")
    args = parser.parse_args(argv)
    settings = Settings()
    features = collect_features(settings, args.files)
    articles = stream(features, args.rounds)
    window = settings.story_window_hours
    cpu: dict[str, list[float]] = {"on disk": [], "in memory": []}
    decisions: dict[str, list[tuple[Any, ...]]] = {}
    for repeat in range(args.repeats):
        for kind in cpu:
            decisions[kind], ms = replay(articles, kind, window)
            cpu[kind].append(ms)
        progress(f"replay {repeat + 1}/{args.repeats}: " + ", ".join(f"{k} {v[-1]:.3f} ms" for k, v in cpu.items()))
    memory = {kind: heap_and_disk(articles, args.rounds, kind, window) for kind in cpu}
    results = {
        "articles": len(articles),
        "story_cpu_ms_per_article": {kind: round(statistics.median(v), 3) for kind, v in cpu.items()},
        "decisions_identical": decisions["on disk"] == decisions["in memory"],
        "memory": memory,
    }
    lines = [
        f"Story features of {len(features)} articles (full enrichment), replayed {args.rounds} times under new ids "
        f"({len(articles)} articles), medians of {args.repeats}.",
        "",
        "| store of the index | story step CPU ms/article | heap kept B/article (whole replay; growth after round 1)"
        " | scratch on disk B/article |",
        "|---|---|---|---|",
    ]
    for kind in cpu:
        lines.append(f"| {kind} | {results['story_cpu_ms_per_article'][kind]} | "
                     f"{memory[kind]['heap_bytes_per_article']}; "
                     f"{memory[kind]['heap_growth_bytes_per_article_after_round_1']} | "
                     f"{memory[kind]['disk_bytes_per_article']} |")
    lines.append(f"\nDecisions identical: {results['decisions_identical']}. The heap figure includes the cache of "
                 f"decoded records ({memory['on disk']['records_cached']} held, bounded) and the IDF table (one entry "
                 "per term of the window's vocabulary).")
    if args.no_record:
        print(results)
    else:
        record("Story state on disk: CPU and memory of the story step", results, "\n".join(lines), settings)


if __name__ == "__main__":
    main()
