"""What a story's readable label costs the story step, and proof that it does not change the grouping.

    .venv/bin/python bench/story_label_cost.py [--repeats 7]

Enriches the PAC development set once in the one-day setting (bench/stories_eval.py's stream, the NER engine
from settings) and records each article's story features; then replays those features through a fresh story
index ``--repeats`` times with labels (the current code) and with the relabelling step switched off, and
prints the story step's CPU time per article for both (the best of the repeats), the difference, the CPU time
of the relabelling step itself per article, and whether the story ids of both replays are identical. Prints one
JSON line; records nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.stories_eval import run_pac
from newsingest.config import Settings
from newsingest.enrich.stories import StoryFeatures, StoryIndex

RELABEL: dict[str, float] = {"calls": 0, "seconds": 0.0}  # the relabelling step itself, over all repeats


def replay(features: Sequence[StoryFeatures], settings: Settings, *, labels: bool) -> tuple[list[str], float]:
    index = StoryIndex({}, window_hours=settings.story_window_hours)
    if not labels:
        index._relabel = lambda *_: None  # type: ignore[method-assign]  # the step before labels existed
    else:
        inner = index._relabel

        def timed(*args: Any) -> None:
            started = time.process_time()
            inner(*args)
            RELABEL["calls"] += 1
            RELABEL["seconds"] += time.process_time() - started

        index._relabel = timed  # type: ignore[method-assign]
    started = time.process_time()  # CPU time: other processes on a shared machine do not count
    stories = [index.assign(f).story_id for f in features]
    return stories, (time.process_time() - started) / max(1, len(features))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    settings = Settings()
    result, _, recorder = asyncio.run(run_pac(settings, one_day=True))
    features = recorder.features
    timings: dict[bool, list[float]] = {True: [], False: []}
    ids: dict[bool, list[str]] = {}
    for _ in range(args.repeats):
        for labels in (False, True):
            ids[labels], seconds = replay(features, settings, labels=labels)
            timings[labels].append(seconds)
    with_labels, without = min(timings[True]) * 1000, min(timings[False]) * 1000
    report: dict[str, Any] = {
        "benchmark": "story_label_cost", "articles": len(features),
        "story_step_ms_without_labels": round(without, 3), "story_step_ms_with_labels": round(with_labels, 3),
        "label_ms_per_article": round(with_labels - without, 3),
        "relabel_calls_per_run": RELABEL["calls"] / args.repeats,
        "relabel_ms_per_article": round(RELABEL["seconds"] * 1000 / args.repeats / max(1, len(features)), 4),
        "enrichment_ms_per_article": result["ms_per_article"],
        "relabel_share_of_enrichment": round(RELABEL["seconds"] * 1000 / args.repeats / max(1, len(features))
                                             / result["ms_per_article"], 5),
        "same_story_ids": ids[True] == ids[False],
    }  # fmt: skip
    print(json.dumps(report))


if __name__ == "__main__":
    main()
