"""Fit the learned merge decision (``enrich/story_model.py``) on the development set, two-fold by story.

    .venv/bin/python bench/stories_fit.py [--cache /tmp/pac_features.pkl]

1. Both stream settings of ``bench/stories_eval.py`` (real dates, one day) go through the enrichment step once
   (NER included); their story features are kept (``--cache``: in a local pickle outside the repository, so a
   second run skips NER; never commit it: it holds corpus terms).
2. Candidate pairs, teacher-forced: each article is fed in stream order to a story index whose stories are the
   labelled ones (an article joins its labelled story), so every centroid is a true story; each candidate story
   the blocking finds gives one row of :data:`~newsingest.enrich.story_model.FEATURES`, positive when the story
   is the article's own.
3. Two folds: stories split in halves by a hash of the story id (as ``stories_eval --sweep``). Fit a logistic
   regression (L2, Newton) on the rows of one half's articles; pick the probability threshold and the margin on
   that half (best mean recall of both settings with pairwise precision >= ``--min-precision`` in both, by
   replaying the recorded features through the real story index); score the other half. The precision
   bound holds for the one-day setting (the target; with real dates PAC's same-week pairs on one topic, e.g.
   the Dobbs leak, are wrong merges no threshold removes).
4. Fit on all rows, pick the threshold the same way on all stories, print the coefficients to put in code.
"""

from __future__ import annotations

import argparse
import asyncio
import pickle
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.stories_eval import _mix, replay, run_pac, scores
from newsingest.config import Settings
from newsingest.enrich.pipeline import Enricher
from newsingest.enrich.stories import StoryDecision, StoryFeatures, StoryIndex
from newsingest.enrich.story_centroid import similarity, weigh_article
from newsingest.enrich.story_features import event_gap
from newsingest.enrich.story_model import FEATURES, MergeModel, pair_features

THRESHOLDS = (0.4, 0.5, 0.6, 0.7, 0.8)
MARGINS = (0.0, 0.1, 0.2)
Setting = tuple[list[StoryFeatures], list[str]]


class TeacherIndex(StoryIndex):
    """A story index whose decisions are the labels; records the features of every candidate story."""

    def __init__(self, base: StoryIndex, gold: dict[str, str]) -> None:
        super().__init__(base.store, window_hours=base.window / 3600.0, thresholds=base.thresholds)
        self.gold = gold  # article id -> labelled story
        self.first: dict[str, str] = {}  # labelled story -> the id of its first article (its story id)
        self.rows: list[tuple[list[float], int, str]] = []

    def _decide(self, f: StoryFeatures) -> StoryDecision:
        mine = weigh_article(f, self.idf)
        seen: set[str] = set()
        for record in self._candidates(f):
            story_id = record["story"]
            if story_id in seen or len(seen) >= self.max_candidates:
                continue
            seen.add(story_id)
            centroid = self.story(story_id)
            if centroid is None:
                continue
            gap = event_gap((f.start, f.end), (centroid["s"], centroid["e"]))
            if gap > self.window:
                continue
            x = pair_features(mine, centroid, self.idf, similarity(mine, centroid, self.idf), gap / self.window)
            self.rows.append((x, int(self.gold[story_id] == self.gold[f.article_id]), self.gold[f.article_id]))
        story = self.gold[f.article_id]
        self.gold.setdefault(self.first.setdefault(story, f.article_id), story)
        return StoryDecision(self.first[story], None)


def teacher_rows(settings: Settings, features: list[StoryFeatures], gold: list[str]) -> list[tuple[Any, ...]]:
    base = Enricher(settings, engine=_NoEngine(), story_store={}).stories
    index = TeacherIndex(base, {f.article_id: g for f, g in zip(features, gold, strict=True)})
    for f in features:
        index.assign(f)
    return index.rows


class _NoEngine:
    async def aclose(self) -> None:
        return None


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 50) -> MergeModel:
    """L2-regularised logistic regression by Newton's method (the intercept is not penalised)."""
    a = np.hstack([np.ones((len(x), 1)), x])
    w = np.zeros(a.shape[1])
    penalty = np.eye(a.shape[1]) * l2
    penalty[0, 0] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-a @ w))
        grad = a.T @ (p - y) + penalty @ w
        hess = a.T @ (a * (p * (1 - p))[:, None]) + penalty
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return MergeModel(intercept=round(float(w[0]), 4), coef=tuple(round(float(v), 4) for v in w[1:]))


def evaluate(
    settings: Settings, data: dict[str, Setting], model: MergeModel, story: float, margin: float, keep: set[str] | None
) -> dict[str, dict[str, Any]]:
    out = {}
    for name, (features, gold) in data.items():
        predicted = replay(features, settings, model=model, story=story, story_low=story, margin=margin)
        idx = [i for i, g in enumerate(gold) if keep is None or g in keep]
        out[name] = scores([gold[i] for i in idx], [predicted[i] for i in idx])
    return out


def choose(
    settings: Settings, data: dict[str, Setting], model: MergeModel, keep: set[str] | None, min_precision: float
) -> tuple[float, float, dict[str, Any]]:
    best: tuple[float, float, float, dict[str, Any]] | None = None
    for story in THRESHOLDS:
        for margin in MARGINS:
            result = evaluate(settings, data, model, story, margin, keep)
            if result["one_day"]["pairwise_precision"] < min_precision:  # the busy day is the target
                continue
            recall = sum(r["pairwise_recall"] for r in result.values()) / len(result)
            if best is None or recall > best[0]:
                best = (recall, story, margin, result)
    if best is None:
        return THRESHOLDS[-1], MARGINS[-1], evaluate(settings, data, model, THRESHOLDS[-1], MARGINS[-1], keep)
    return best[1], best[2], best[3]


async def load(settings: Settings, cache: Path | None) -> dict[str, Setting]:
    if cache is not None and cache.exists():
        loaded: dict[str, Setting] = pickle.loads(cache.read_bytes())
        return loaded
    data: dict[str, Setting] = {}
    for name, one_day in (("real_dates", False), ("one_day", True)):
        _, gold, recorder = await run_pac(settings, one_day=one_day)
        data[name] = (list(recorder.features), gold)
    if cache is not None:
        cache.write_bytes(pickle.dumps(data))
    return data


def short(result: dict[str, dict[str, Any]]) -> str:
    return "; ".join(
        f"{n}: P {r['pairwise_precision']:.3f} R {r['pairwise_recall']:.3f} F1 {r['pairwise_f1']:.3f}"
        for n, r in result.items()
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", type=Path, default=None, help="pickle of the features (outside the repo)")
    parser.add_argument("--min-precision", type=float, default=0.9)
    parser.add_argument("--l2", type=float, default=1.0)
    args = parser.parse_args()
    settings = Settings()
    data = asyncio.run(load(settings, args.cache))
    rows = [row for features, gold in data.values() for row in teacher_rows(settings, features, gold)]
    x = np.array([r[0] for r in rows])
    y = np.array([r[1] for r in rows], dtype=float)
    stories = np.array([r[2] for r in rows])
    half = np.array([int(_mix(s)[0], 16) % 2 for s in stories])
    print(f"{len(rows)} candidate rows, {int(y.sum())} positive; features {FEATURES}")
    all_stories = set(data["one_day"][1])
    for h in (0, 1):
        model = fit(x[half == h], y[half == h], args.l2)
        train = {s for s in all_stories if int(_mix(s)[0], 16) % 2 == h}
        story, margin, on_train = choose(settings, data, model, train, args.min_precision)
        held = evaluate(settings, data, model, story, margin, all_stories - train)
        print(
            f"fold fit on half {h}: {model}\n  threshold {story} margin {margin}\n"
            f"  train half: {short(on_train)}\n  held-out half: {short(held)}"
        )
    model = fit(x, y, args.l2)
    story, margin, result = choose(settings, data, model, None, args.min_precision)
    print(f"all: {model}\n  threshold {story} margin {margin}\n  all stories: {short(result)}")


if __name__ == "__main__":
    main()
