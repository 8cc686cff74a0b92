"""The learned merge decision: the probability that an article belongs to a candidate story.

Miranda et al. (EMNLP 2018) score an article against each story's centroid with several separate similarities
and learn how to combine them (and whether to merge at all) from labelled stories. Here the combination is a
logistic regression over :data:`FEATURES`, fit by ``bench/stories_fit.py`` on the development set (two-fold by
story, then on all of it; docs/stories.md). Only the coefficients live in code; no data is shipped.

Features of (article, story centroid):

- ``text``, ``title``, ``entity``: the cosines of :class:`~newsingest.enrich.story_centroid.Similarity`;
- ``rare_entities``: ``log1p`` of the summed rarity (IDF - 1) of the specific entity keys both share: a village
  or a company both name is strong evidence, the head of state of every article is weak;
- ``rare_terms``: ``log1p`` of the summed IDF - 1 of the content terms both share, over the article's terms;
- ``gap``: the gap between the event intervals as a share of the window (0 when they overlap).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from newsingest.enrich.story_centroid import Similarity, Weighted
from newsingest.enrich.story_idf import StreamIdf

FEATURES = ("text", "title", "entity", "rare_entities", "rare_terms", "gap")


@dataclass(frozen=True)
class MergeModel:
    """Logistic regression coefficients over :data:`FEATURES` (``intercept + sum(coef * x)``)."""

    intercept: float
    coef: tuple[float, ...]

    def probability(self, x: Sequence[float]) -> float:
        z = self.intercept + sum(c * v for c, v in zip(self.coef, x, strict=True))
        return 1.0 / (1.0 + math.exp(-z)) if z > -60.0 else 0.0


# Fit on all of stories-pac (both stream settings, teacher-forced candidates: ``bench/stories_fit.py``, 7355
# rows, 292 positive); use as ``Thresholds(model=PAC_MODEL, story=PAC_PROBABILITY, story_low=PAC_PROBABILITY,
# margin=PAC_MARGIN)`` (no ratio rule on probabilities). Not the default: on PAC it trades precision for recall
# about as the hand-set rule does (docs/stories.md).
PAC_MODEL = MergeModel(intercept=-12.6425, coef=(6.2319, 5.5356, 4.3656, -0.8854, 2.542, -0.4372))
PAC_PROBABILITY = 0.6
PAC_MARGIN = 0.1


def pair_features(
    mine: Weighted, centroid: Mapping[str, Any], idf: StreamIdf, sim: Similarity, gap_share: float
) -> list[float]:
    """The feature vector of an article (its weighted vectors) against a story's centroid record."""
    other_x: Mapping[str, float] = centroid["x"]
    generic = mine.generic.union(centroid["g"])
    rare_entities = sum(max(0.0, idf.idf(f"e:{k}") - 1.0) for k in mine.entities if k in other_x and k not in generic)
    other_t: Mapping[str, float] = centroid["t"]
    rare_terms = sum(max(0.0, idf.idf(k) - 1.0) for k in mine.terms if k in other_t)
    return [sim.text, sim.title, sim.entity, math.log1p(rare_entities), math.log1p(rare_terms), gap_share]
