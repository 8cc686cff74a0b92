"""What the quote rule (enrich/story_quotes.py) costs enrichment, and what it changes in the grouping.

    .venv/bin/python bench/story_quotes_cost.py [--repeats 7] [--bbc 1000] [--bbc-stream 1000]

1. Feature: CPU time of ``quote_passages`` per article over ``--bbc`` files of the BBC corpus (the body as the
   text parser reads it), the best of ``--repeats`` passes, and the passages kept per article.
2. Decision: enriches the PAC development set once in the one-day setting (bench/stories_eval.py's stream, the NER
   engine from settings), records the story features, then replays them through a fresh story index with the
   rule on (``quotes=2``, the default) and off (``quotes=0``), alternating, ``--repeats`` times: the story step's
   CPU time per article (best of the repeats, process CPU: other processes on the shared machine do not count),
   the articles the rule joined and the pairwise scores of both.
3. The share of enrichment: (feature + decision difference) / the recorded enrichment time per article.
4. Out of domain (``--bbc-stream N``, 0 skips it): N BBC files in a fixed shuffled order, all received at one
   moment, through the real enrichment; every article the quote rule joined, with its headline, the headlines of
   the story it joined and the passages shared (no labels: read them).

Prints one JSON line; records nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.facets_corpus import BBC
from bench.stories_eval import enrich_stream, run_pac, scores
from newsingest.cli.enrich import read_articles
from newsingest.config import Settings
from newsingest.enrich import stories as stories_module
from newsingest.enrich.stories import StoryFeatures, StoryIndex
from newsingest.enrich.story_quotes import quote_passages


def feature_cost(count: int, repeats: int) -> tuple[float, float]:
    """(best ms of CPU per article, passages per article) of ``quote_passages`` over BBC bodies."""
    paths = sorted(BBC.glob("*/*.txt"))[:count]
    bodies = [read_articles(p.name, p.read_bytes(), lines=False)[0].body for p in paths]
    best, kept = float("inf"), 0
    for _ in range(repeats):
        started = time.process_time()
        kept = sum(len(quote_passages(body)) for body in bodies)
        best = min(best, (time.process_time() - started) / max(1, len(bodies)))
    return best * 1000, kept / max(1, len(bodies))


def replay(features: Sequence[StoryFeatures], settings: Settings, quotes: int) -> tuple[list[str], float]:
    index = StoryIndex({}, window_hours=settings.story_window_hours)
    index.thresholds = replace(index.thresholds, quotes=quotes)
    started = time.process_time()
    stories = [index.assign(f).story_id for f in features]
    return stories, (time.process_time() - started) / max(1, len(features))


def bbc_quote_joins(settings: Settings, count: int) -> list[dict[str, Any]]:
    """The joins the quote rule makes on ``count`` BBC files enriched as one busy day."""
    paths = sorted(BBC.glob("*/*.txt"))
    random.Random(3).shuffle(paths)
    raws = [read_articles(p.parent.name + "-" + p.name, p.read_bytes(), lines=False)[0] for p in paths[:count]]
    joins: list[tuple[str, dict[str, int]]] = []
    choose = stories_module.quote_choice

    def spy(shared: Any, minimum: int) -> str | None:
        story = choose(shared, minimum)
        if story is not None:
            joins.append((story, dict(shared)))
        return story

    stories_module.quote_choice = spy  # type: ignore[assignment]
    try:
        predicted, _, recorder = asyncio.run(enrich_stream(settings, raws))
    finally:
        stories_module.quote_choice = choose  # type: ignore[assignment]
    titles: dict[str, list[str]] = {}
    for features, story in zip(recorder.features, predicted, strict=True):
        titles.setdefault(story, []).append(features.title)
    return [{"story_headlines": titles.get(story, []), "passages_shared": shared[story]} for story, shared in joins]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--bbc", type=int, default=1000)
    parser.add_argument("--bbc-stream", type=int, default=1000, help="BBC files for the out-of-domain check (0: skip)")
    args = parser.parse_args()
    settings = Settings()
    feature_ms, passages = feature_cost(args.bbc, args.repeats)
    result, gold, recorder = asyncio.run(run_pac(settings, one_day=True))
    timings: dict[int, list[float]] = {2: [], 0: []}
    ids: dict[int, list[str]] = {}
    for _ in range(args.repeats):
        for quotes in (0, 2):
            ids[quotes], seconds = replay(recorder.features, settings, quotes)
            timings[quotes].append(seconds)
    on, off = min(timings[2]) * 1000, min(timings[0]) * 1000
    score_on, score_off = scores(gold, ids[2]), scores(gold, ids[0])
    keys = ("pairwise_precision", "pairwise_recall", "pairwise_f1", "false_pairs", "missed_pairs", "stories")
    report: dict[str, Any] = {
        "benchmark": "story_quotes_cost", "bbc_articles": args.bbc, "repeats": args.repeats,
        "quote_passages_ms_per_article": round(feature_ms, 4), "passages_per_bbc_article": round(passages, 1),
        "pac_articles": len(recorder.features),
        "story_step_ms_rule_off": round(off, 3), "story_step_ms_rule_on": round(on, 3),
        "enrichment_ms_per_article": result["ms_per_article"],
        "share_of_enrichment": round((feature_ms + max(0.0, on - off)) / result["ms_per_article"], 4),
        "articles_whose_story_changed": sum(1 for a, b in zip(ids[2], ids[0], strict=True) if a != b),
        "one_day_rule_off": {k: score_off[k] for k in keys}, "one_day_rule_on": {k: score_on[k] for k in keys},
    }  # fmt: skip
    if args.bbc_stream:
        report["bbc_stream_articles"] = args.bbc_stream
        report["bbc_quote_joins"] = bbc_quote_joins(settings, args.bbc_stream)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
