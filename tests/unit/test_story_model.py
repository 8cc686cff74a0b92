"""The learned merge decision (enrich/story_model.py): features of an article against a story centroid, the
logistic probability, and the story index deciding with it."""

from __future__ import annotations

import math
from pathlib import Path

from newsingest.config import Settings
from newsingest.enrich.pipeline import Enricher
from newsingest.enrich.stories import StoryIndex, Thresholds
from newsingest.enrich.story_centroid import new_centroid, similarity, weigh_article
from newsingest.enrich.story_features import StoryFeatures
from newsingest.enrich.story_model import FEATURES, PAC_MARGIN, PAC_MODEL, PAC_PROBABILITY, MergeModel, pair_features
from tests.fixtures.enrich.articles import TableLike, bbc_articles, sample_articles
from tests.fixtures.enrich.fakes import ENGLISH_NAMES, GERMAN_SAMPLE_NAMES, DictionaryEngine

PAC = Thresholds(model=PAC_MODEL, story=PAC_PROBABILITY, story_low=PAC_PROBABILITY, margin=PAC_MARGIN)


def features(key: str, terms: str, entities: dict[str, float], seen: float, generic: frozenset[str] = frozenset()
             ) -> StoryFeatures:  # fmt: skip
    vector = {t: 1.0 / math.sqrt(len(terms.split())) for t in terms.split()}
    return StoryFeatures(key * 64, 0, 30, vector, dict(vector), entities, generic, seen - 60.0, seen, seen, key)


def test_probability_is_the_logistic_of_the_linear_score() -> None:
    model = MergeModel(intercept=-1.0, coef=(2.0, 0.0, 0.0, 0.0, 0.0, -1.0))
    assert model.probability([0.5, 0, 0, 0, 0, 0]) == 0.5
    assert math.isclose(model.probability([1.0, 0, 0, 0, 0, 1.0]), 0.5)
    assert model.probability([0, 0, 0, 0, 0, 100.0]) == 0.0
    assert len(PAC_MODEL.coef) == len(FEATURES)


def test_features_count_only_shared_specific_entities_and_shared_terms() -> None:
    a = features("a", "ernte weizen export", {"p:putin": 3.0, "g:2017370": 0.5, "org:gazprom": 2.0}, 100.0,
                 frozenset({"g:2017370"}))  # fmt: skip
    b = features("b", "weizen export preise", {"g:2017370": 0.5, "org:gazprom": 2.0}, 110.0, frozenset({"g:2017370"}))
    c = features("c", "fussball bundesliga", {"g:2017370": 0.5}, 120.0, frozenset({"g:2017370"}))
    store = TableLike()
    index = StoryIndex(store, window_hours=1.0)
    fillers = [features(f"{i}", f"wetter{i} regen{i}", {f"org:verein{i}": 2.0}, 10.0 + i) for i in range(6)]
    for f in (*fillers, a, b, c, features("f", "schnee", {}, 130.0)):  # the last one counts a, b, c in the IDF
        index.assign(f)
    idf = index.idf
    mine = weigh_article(a, idf)
    with_b = pair_features(mine, new_centroid("b" * 64, "b", b), idf, similarity(mine, new_centroid("b", "b", b), idf),
                           0.25)  # fmt: skip
    with_c = pair_features(mine, new_centroid("c" * 64, "c", c), idf, similarity(mine, new_centroid("c", "c", c), idf),
                           0.0)  # fmt: skip
    named = dict(zip(FEATURES, with_b, strict=True))
    assert named["rare_entities"] > 0.0
    assert named["rare_terms"] > 0.0
    assert named["gap"] == 0.25
    other = dict(zip(FEATURES, with_c, strict=True))
    assert other["rare_entities"] == 0.0  # the country both name is generic: no evidence
    assert other["rare_terms"] == 0.0
    assert other["text"] == 0.0


def test_the_learned_decision_joins_a_close_report_and_keeps_an_unrelated_one_apart() -> None:
    index = StoryIndex(TableLike(), window_hours=72.0, thresholds=PAC)
    shared = {"p:scholz": 3.0, "org:bundestag": 2.0, "g:2950159": 2.0}
    first = index.assign(features("a", "haushalt streit koalition einigung schuldenbremse", shared, 1000.0))
    close = index.assign(features("b", "haushalt koalition einigung schuldenbremse nacht", shared, 1100.0))
    unrelated = index.assign(features("c", "bundesliga tor trainer saison", {"org:fc bayern": 2.0}, 1200.0))
    assert close.story_id == first.story_id
    assert unrelated.story_id != first.story_id


async def test_the_samples_still_share_a_story_with_the_learned_decision(samples_dir: Path) -> None:
    engine = DictionaryEngine({**GERMAN_SAMPLE_NAMES, **ENGLISH_NAMES}, capitalised=True)
    e = Enricher(Settings(story_window_hours=72.0), engine=engine, story_store=TableLike())
    e.stories.thresholds = PAC
    bbc = bbc_articles(60)
    before = [await e.enrich(a) for a in bbc[:30]]
    first, second = [await e.enrich(a) for a in sample_articles(samples_dir)]
    after = [await e.enrich(a) for a in bbc[30:]]
    assert first.story_id == second.story_id
    assert all(a.story_id != first.story_id for a in before + after)
