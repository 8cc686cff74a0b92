"""Same-story grouping on a labelled development set, through the real enrichment step in stream order.

    .venv/bin/python bench/stories_eval.py                 # PAC, real dates and one day; German check; record
    .venv/bin/python bench/stories_eval.py --no-record --sweep 0.30,0.35,0.40

Every article goes through ``Enricher.enrich`` (the NER engine from settings, normally the CoreNLP server of
``newsingest stack up``; the gazetteer; one in-memory story store, as ``newsingest enrich`` uses), one after
the other in stream order:

- **real dates**: ordered by date (undated articles last), ties in a fixed pseudo-random order (a hash of the
  id, so the two articles of a story are not fed side by side); ``published_at`` = the date (day precision),
  ``received_at`` = the run's start + one second per article;
- **one day**: the same articles in the fixed pseudo-random order, every ``published_at`` on one day.

Scores: pairwise precision / recall / F1 over all article pairs (same predicted story vs same labelled story)
and BCubed precision / recall / F1; the number of predicted stories; wall time per article (enrichment with
NER included). German check: the two articles of ``../shared/samples`` must share a story, and no article of a
10kGNAD sample (every k-th of ``test.csv``, fed before and after them, all received at one moment) may join it.
Across languages: the samples with two English reports of their event written for this check, two English
reports of other events and 60 10kGNAD articles: German/English pairs found in one story, other articles joining.
``--sweep`` replays the recorded story features of the one-day run through the story index with other
thresholds (no NER), scoring each on two halves of the stories (split by a hash of the story id), so a
threshold can be picked on one half and checked on the other.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from itertools import combinations
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import SHARED, gnad_articles, progress, record
from newsingest.config import Settings
from newsingest.enrich.pipeline import Enricher
from newsingest.enrich.stories import StoryFeatures, StoryIndex
from newsingest.ingest.formats.base import SourceFile, build_article
from newsingest.ingest.formats.registry import parse_file
from newsingest.models import DatePrecision, RawArticle

PAC = SHARED / "data" / "news" / "stories-pac" / "stories.jsonl"
SAMPLES = SHARED / "samples"
CROSSLANG = Path(__file__).resolve().parent / "data" / "stories_crosslang"
CROSSLANG_EVENT = ("en_kim_a.txt", "en_kim_b.txt")  # the English reports of the samples' event
ONE_DAY = datetime(2024, 3, 5, tzinfo=UTC)


# --- scores ----------------------------------------------------------------------------------------------
def pairwise(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, float]:
    """Precision, recall and F1 over all unordered pairs of items."""
    tp = fp = fn = 0
    for i, j in combinations(range(len(gold)), 2):
        same_gold, same_pred = gold[i] == gold[j], predicted[i] == predicted[j]
        tp += same_gold and same_pred
        fp += same_pred and not same_gold
        fn += same_gold and not same_pred
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, "tp": tp, "fp": fp, "fn": fn}


def bcubed(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, float]:
    """BCubed precision, recall and F1 (Bagga & Baldwin 1998; Amigó et al. 2009)."""
    both = Counter(zip(gold, predicted, strict=True))
    gold_size, pred_size = Counter(gold), Counter(predicted)
    n = len(gold)
    p = sum(both[(g, q)] / pred_size[q] for g, q in zip(gold, predicted, strict=True)) / n
    r = sum(both[(g, q)] / gold_size[g] for g, q in zip(gold, predicted, strict=True)) / n
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def scores(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, Any]:
    pw, b3 = pairwise(gold, predicted), bcubed(gold, predicted)
    return {
        "pairwise_precision": round(pw["precision"], 4), "pairwise_recall": round(pw["recall"], 4),
        "pairwise_f1": round(pw["f1"], 4), "false_pairs": pw["fp"], "missed_pairs": pw["fn"],
        "bcubed_f1": round(b3["f1"], 4), "stories": len(set(predicted)), "gold_stories": len(set(gold)),
    }  # fmt: skip


# --- the development set -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Labelled:
    raw: RawArticle
    story: str


def _mix(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def pac_items(path: Path = PAC) -> list[dict[str, Any]]:
    if not path.exists():
        raise SystemExit(f"{path} not found: the shared folder must sit beside the repository")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def pac_stream(items: list[dict[str, Any]], *, one_day: bool, start: datetime) -> list[Labelled]:
    """The articles in stream order (see the module docstring)."""
    if one_day:
        ordered = sorted(items, key=lambda it: _mix(it["id"]))
    else:
        ordered = sorted(items, key=lambda it: (it["date"] is None, it["date"] or "", _mix(it["id"])))
    stream = []
    for i, item in enumerate(ordered):
        published = ONE_DAY if one_day else (datetime.fromisoformat(item["date"]).replace(tzinfo=UTC)
                                             if item["date"] else None)  # fmt: skip
        source = SourceFile(f"{item['id']}.json", json.dumps(item).encode(), received_at=start + timedelta(seconds=i))
        raw = build_article(
            source, parser="json", media_type="application/json", title=item["title"], body=item["body"],
            source=item["source"], published_at=published,
            published_precision=DatePrecision.DAY if published else None,
        )  # fmt: skip
        stream.append(Labelled(raw, item["story"]))
    return stream


# --- running the enrichment step ---------------------------------------------------------------------------
class RecordingIndex:
    """Passes every story assignment on to the enricher's real index and keeps the features (for --sweep)."""

    def __init__(self, inner: StoryIndex) -> None:
        self.inner = inner
        self.features: list[StoryFeatures] = []

    def assign(self, features: StoryFeatures) -> Any:
        self.features.append(features)
        return self.inner.assign(features)


async def enrich_stream(settings: Settings, raws: Sequence[RawArticle]) -> tuple[list[str], float, RecordingIndex]:
    """Story ids of ``raws`` enriched one after the other by a fresh enricher; seconds per article."""
    enricher = Enricher(settings, story_store={})
    recorder = RecordingIndex(enricher.stories)
    enricher.stories = recorder  # type: ignore[assignment]
    try:
        await enricher.warm_up()
        await enricher.enrich(
            build_article(
                SourceFile("warm.txt", b"w"),
                parser="text",
                media_type="text/plain",
                title="Warm-up",
                body="The engine answers before the clock starts.",
            )
        )
        recorder.inner = Enricher(settings, engine=enricher.engine, story_store={}).stories  # fresh state
        recorder.features.clear()
        started = time.perf_counter()
        stories = [(await enricher.enrich(raw)).story_id or raw.article_id for raw in raws]
        elapsed = time.perf_counter() - started
    finally:
        await enricher.aclose()
    return stories, elapsed / max(1, len(raws)), recorder


def replay(features: Sequence[StoryFeatures], settings: Settings, **overrides: Any) -> list[str]:
    """Story ids from feeding recorded features through a fresh story index (optionally other thresholds)."""
    index = Enricher(settings, engine=_NoEngine(), story_store={}).stories
    if overrides:
        index.thresholds = replace(index.thresholds, **overrides)
    return [index.assign(f).story_id for f in features]


class _NoEngine:
    async def aclose(self) -> None:
        return None


async def run_pac(settings: Settings, *, one_day: bool) -> tuple[dict[str, Any], list[str], RecordingIndex]:
    stream = pac_stream(pac_items(), one_day=one_day, start=datetime.now(UTC))
    predicted, per_article, recorder = await enrich_stream(settings, [x.raw for x in stream])
    gold = [x.story for x in stream]
    result = {**scores(gold, predicted), "ms_per_article": round(per_article * 1000, 1), "articles": len(stream)}
    return result, gold, recorder


async def german_check(settings: Settings, gnad_count: int) -> dict[str, Any]:
    """The two samples share a story and no 10kGNAD article joins it (all received at one moment)."""
    received = datetime.now(UTC)
    gnad_all = list(gnad_articles())
    step = max(1, len(gnad_all) // gnad_count)
    gnad: list[RawArticle] = []
    for name, data in gnad_all[::step][:gnad_count]:
        gnad.extend(parse_file(SourceFile(name, data, received_at=received)))
    samples: list[RawArticle] = []
    for path in sorted(SAMPLES.glob("*.txt")):
        samples.extend(parse_file(SourceFile(path.name, path.read_bytes(), received_at=received)))
    half = len(gnad) // 2
    raws = gnad[:half] + samples + gnad[half:]
    predicted, per_article, _ = await enrich_stream(settings, raws)
    by_id = dict(zip((r.article_id for r in raws), predicted, strict=True))
    sample_stories = {by_id[s.article_id] for s in samples}
    story = next(iter(sample_stories))
    sizes = Counter(by_id[g.article_id] for g in gnad)
    return {
        "samples_share_a_story": len(samples) == 2 and len(sample_stories) == 1,
        "gnad_articles": len(gnad),
        "gnad_joining_samples": sum(by_id[g.article_id] == story for g in gnad),
        "gnad_grouped_articles": sum(n for n in sizes.values() if n > 1),
        "ms_per_article": round(per_article * 1000, 1),
    }


async def crosslang_check(settings: Settings, gnad_count: int) -> dict[str, Any]:
    """German/English pairs on one event: the two samples and two English reports of their event
    (bench/data/stories_crosslang, written for this check), with two English reports of other events naming the
    same persons or countries and ``gnad_count`` 10kGNAD articles, all received at one moment."""
    received = datetime.now(UTC)
    gnad_all = list(gnad_articles())
    step = max(1, len(gnad_all) // gnad_count)
    gnad = [a for name, data in gnad_all[::step][:gnad_count]
            for a in parse_file(SourceFile(name, data, received_at=received))]  # fmt: skip

    def load(paths: list[Path]) -> list[tuple[str, RawArticle]]:
        return [
            (p.name, a) for p in paths for a in parse_file(SourceFile(p.name, p.read_bytes(), received_at=received))
        ]

    german = load(sorted(SAMPLES.glob("*.txt")))
    english = load(sorted(CROSSLANG.glob("en_*.txt")))
    half = len(gnad) // 2
    raws = gnad[:half] + [a for _, a in german + english] + gnad[half:]
    predicted, _, _ = await enrich_stream(settings, raws)
    story = dict(zip((r.article_id for r in raws), predicted, strict=True))
    event_en = [a for name, a in english if name in CROSSLANG_EVENT]
    event_stories = {story[a.article_id] for _, a in german} | {story[a.article_id] for a in event_en}
    others = [a for name, a in english if name not in CROSSLANG_EVENT] + gnad
    return {
        "pairs": len(german) * len(event_en),
        "pairs_found": sum(story[g.article_id] == story[e.article_id] for _, g in german for e in event_en),
        "false_joins": sum(story[a.article_id] in event_stories for a in others),
        "others": len(others),
    }


# --- sweep -------------------------------------------------------------------------------------------------
def sweep(
    features: Sequence[StoryFeatures], gold: Sequence[str], settings: Settings, field: str, values: Sequence[float]
) -> list[dict[str, Any]]:
    """Scores per threshold value on all stories and on the two halves (split by a hash of the story id)."""
    half = [int(_mix(g)[0], 16) % 2 for g in gold]
    rows = []
    for value in values:
        predicted = replay(features, settings, **{field: value})
        row: dict[str, Any] = {field: value, "all": scores(gold, predicted)}
        for h in (0, 1):
            keep = [i for i in range(len(gold)) if half[i] == h]
            row[f"half{h}"] = scores([gold[i] for i in keep], [predicted[i] for i in keep])
        rows.append(row)
    return rows


def markdown(results: dict[str, Any]) -> str:
    lines = [
        "| setting | pairwise P | pairwise R | pairwise F1 | BCubed F1 | stories (labelled) | ms/article |",
        "|---|---|---|---|---|---|---|",
    ]
    for name in ("real_dates", "one_day"):
        r = results[name]
        lines.append(
            f"| {name.replace('_', ' ')} | {r['pairwise_precision']:.3f} | {r['pairwise_recall']:.3f} | "
            f"{r['pairwise_f1']:.3f} | {r['bcubed_f1']:.3f} | {r['stories']} ({r['gold_stories']}) | "
            f"{r['ms_per_article']} |"
        )
    g = results["german"]
    lines += [
        "",
        f"German check: samples share a story: **{g['samples_share_a_story']}**; 10kGNAD articles "
        f"joining them: **{g['gnad_joining_samples']}** of {g['gnad_articles']} "
        f"({g['gnad_grouped_articles']} 10kGNAD articles grouped with another one).",
    ]
    if "crosslang" in results:
        c = results["crosslang"]
        lines.append(
            f"Across languages (samples + bench/data/stories_crosslang): German/English pairs on one event in one "
            f"story: **{c['pairs_found']} of {c['pairs']}**; other articles joining them: **{c['false_joins']}** "
            f"of {c['others']} (2 English reports of other events, {c['others'] - 2} 10kGNAD)."
        )
    return "\n".join(lines)


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    settings = Settings()
    results: dict[str, Any] = {"dataset": "stories-pac (development set)"}
    progress("PAC, real dates")
    results["real_dates"], _, _ = await run_pac(settings, one_day=False)
    progress("PAC, one day")
    results["one_day"], gold, recorder = await run_pac(settings, one_day=True)
    progress(f"German check ({args.gnad} 10kGNAD articles)")
    results["german"] = await german_check(settings, args.gnad)
    progress("Across languages")
    results["crosslang"] = await crosslang_check(settings, 60)
    if args.sweep:
        values = [float(v) for v in args.sweep.split(",")]
        results["sweep"] = sweep(recorder.features, gold, settings, args.field, values)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gnad", type=int, default=200, help="10kGNAD articles in the German check")
    parser.add_argument("--sweep", default="", help="comma-separated threshold values to replay (one-day run)")
    parser.add_argument("--field", default="story", help="the Thresholds field --sweep varies")
    parser.add_argument("--no-record", action="store_true", help="print only; do not append to docs/benchmarks.md")
    args = parser.parse_args()
    results = asyncio.run(main_async(args))
    if args.no_record:
        print(json.dumps(results, default=str))
    else:
        record("stories_eval", results, markdown(results), Settings())
    for row in results.get("sweep", []):
        print(json.dumps(row), file=sys.stderr)


if __name__ == "__main__":
    main()
