"""CPU of the story step with the one-pass weighted cosine against weighing each centroid first (the version
before it): the same recorded story features replayed through a fresh story index with each, alternating.

    .venv/bin/python bench/story_similarity_cost.py [--files 1200] [--repeats 5] [--ner]

BBC files in a fixed pseudo-random order, received one second apart (one busy day: every story of the stream is
a candidate), enriched once language-only (``--ner``: full enrichment, the CoreNLP server of the local stack) to
record their story features. Each replay feeds them to a fresh index (``stories_eval.replay``), timed in CPU
seconds of this process; the reference replaces ``stories.similarity`` by weigh-then-cosine. Prints the median
story-step CPU per article of each, their ratio, and whether every decision is the same.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import statistics
import sys
import time
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from stories_eval import enrich_stream, replay

from newsingest.config import Settings
from newsingest.enrich import stories
from newsingest.enrich.story_centroid import GENERIC_WEIGHT, Similarity, Weighted, cosine
from newsingest.enrich.story_features import StoryFeatures
from newsingest.enrich.story_idf import StreamIdf
from newsingest.ingest.formats.base import SourceFile
from newsingest.ingest.formats.registry import parse_file

BBC = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "news" / "bbc-en"


def reference_similarity(mine: Weighted, centroid: Mapping[str, Any], idf: StreamIdf) -> Similarity:
    """The similarity as computed before the one-pass cosine: every centroid vector weighed into a new dict."""
    generic = mine.generic.union(centroid["g"])
    other: Mapping[str, float] = centroid["x"]
    entities = mine.entities
    if any(k in generic for k in entities):
        entities = {k: w * GENERIC_WEIGHT if k in generic and k not in mine.generic else w for k, w in entities.items()}
    weighted_other = {k: w * GENERIC_WEIGHT if k in generic else w for k, w in idf.weigh(other, "e:").items()}
    return Similarity(
        text=cosine(mine.terms, idf.weigh(centroid["t"])),
        title=cosine(mine.title, idf.weigh(centroid["tt"])),
        entity=cosine(entities, weighted_other),
        shared_entities=sum(1 for k in entities if k in other and k not in generic),
    )


def features(files: int, ner: bool) -> tuple[Settings, list[StoryFeatures]]:
    paths = sorted(BBC.glob("*/*.txt"), key=lambda p: hashlib.sha256(p.as_posix().encode()).hexdigest())[:files]
    start = datetime(2026, 1, 1, tzinfo=UTC)
    raws = []
    for i, path in enumerate(paths):
        source = SourceFile(f"bbc-{i}-{path.name}", path.read_bytes(), received_at=start + timedelta(seconds=i))
        raws.extend(parse_file(source))
    settings = Settings().model_copy(update={"ner_enabled": ner})
    _, _, recorder = asyncio.run(enrich_stream(settings, raws))
    return settings, recorder.features


def timed(settings: Settings, recorded: Sequence[StoryFeatures]) -> tuple[float, list[str]]:
    started = time.process_time()
    decided = replay(recorded, settings)
    return (time.process_time() - started) / len(recorded) * 1000, decided


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=1200)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--ner", action="store_true", help="full enrichment (needs the local stack's CoreNLP)")
    args = parser.parse_args(argv)
    settings, recorded = features(args.files, args.ner)
    current = stories.similarity
    times: dict[str, list[float]] = {"one_pass": [], "weigh_then_cosine": []}
    decisions: dict[str, list[str]] = {}
    for repeat in range(args.repeats):
        for name, function in (("one_pass", current), ("weigh_then_cosine", reference_similarity)):
            stories.similarity = function  # type: ignore[assignment]
            try:
                ms, decided = timed(settings, recorded)
            finally:
                stories.similarity = current
            times[name].append(ms)
            decisions[name] = decided
        print(f"repeat {repeat + 1}/{args.repeats}: "
              + ", ".join(f"{k} {v[-1]:.3f} ms" for k, v in times.items()), file=sys.stderr)  # fmt: skip
    medians = {k: round(statistics.median(v), 3) for k, v in times.items()}
    print(json.dumps({
        "benchmark": "story_similarity_cost", "files": args.files, "articles": len(recorded), "ner": args.ner,
        "story_step_cpu_ms_per_article": medians,
        "ratio": round(medians["one_pass"] / medians["weigh_then_cosine"], 3),
        "same_decisions": decisions["one_pass"] == decisions["weigh_then_cosine"],
    }))  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
