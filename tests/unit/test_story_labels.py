"""A story's readable label: the headline of its most central article (closest to the centroid), kept in the
story's centroid record (shared state), written into every EnrichedArticle as ``story_label``."""

from __future__ import annotations

from pathlib import Path

from newsingest.config import Settings
from newsingest.enrich.pipeline import Enricher
from newsingest.enrich.stories import StoryIndex
from newsingest.enrich.story_centroid import relabel
from newsingest.enrich.story_features import StoryFeatures
from tests.fixtures.enrich.articles import TableLike, sample_articles
from tests.fixtures.enrich.fakes import GERMAN_SAMPLE_NAMES, DictionaryEngine

ENTITIES = {"p:merz": 3.0, "g:2950159": 2.0}


def features(key: str, title: str, terms: str, simhash: int, seen: float) -> StoryFeatures:
    vector = {t: 1.0 for t in terms.split()}
    return StoryFeatures(key * 64, simhash, 30, vector, dict(vector), dict(ENTITIES), frozenset(), seen - 60.0,
                         seen, seen, title)  # fmt: skip


def test_the_label_moves_to_the_most_central_article_and_is_shared_state() -> None:
    store = TableLike()
    index = StoryIndex(store, window_hours=72.0)
    edge = features("a", "Edge: first report", "haushalt streit", 0, 1000.0)
    centre = features("b", "Centre: the whole event", "haushalt streit koalition einigung", (1 << 64) - 1, 1100.0)
    other_edge = features("c", "Other edge: the outcome", "koalition einigung", 0xFFFFFFFF, 1200.0)
    first = index.assign(edge)
    assert first.label == "Edge: first report"  # a story of one: its own headline
    second = index.assign(centre)
    assert second.story_id == first.story_id
    assert second.label == "Centre: the whole event"
    third = index.assign(other_edge)
    assert third.story_id == first.story_id
    assert third.label == "Centre: the whole event"  # the newcomer is further from the centroid
    assert index.label(first.story_id) == "Centre: the whole event"
    # redelivery: the story's current label, nothing written; a new worker on the same store sees the same
    writes = store.writes
    assert index.assign(edge).label == "Centre: the whole event"
    assert store.writes == writes
    assert StoryIndex(store, window_hours=72.0).label(first.story_id) == "Centre: the whole event"


def test_relabel_keeps_the_label_on_ties_and_takes_over_from_an_expired_holder() -> None:
    centroid = {"lb": "Old", "lr": "r1"}
    assert not relabel(centroid, "r2", "New", 0.5, 0.5)
    assert centroid["lb"] == "Old"
    assert not relabel(centroid, "r2", "", 0.9, 0.1)  # no headline, no label
    assert relabel(centroid, "r2", "New", 0.1, None)  # the holder has left the window
    assert (centroid["lb"], centroid["lr"]) == ("New", "r2")
    assert relabel(centroid, "r3", "Newer", 0.6, 0.5)
    assert centroid["lb"] == "Newer"
    assert not relabel(centroid, "r4", "First words of a text", 0.9, 0.5, derived=True)  # a real headline stays
    derived = {"lb": "First words of a text", "lr": "r1", "ld": True}
    assert relabel(derived, "r2", "Real headline", 0.1, 0.9)
    assert (derived["lb"], derived["ld"]) == ("Real headline", False)


async def test_the_two_samples_share_one_story_with_a_readable_label(samples_dir: Path) -> None:
    engine = DictionaryEngine(GERMAN_SAMPLE_NAMES, capitalised=True)
    enricher = Enricher(Settings(story_window_hours=72.0), engine=engine, story_store=TableLike())
    raws = sample_articles(samples_dir)
    first, second = [await enricher.enrich(raw) for raw in raws]
    assert first.story_id == second.story_id
    headline = next(raw.title for raw in raws if not raw.title_derived)
    assert any(raw.title_derived for raw in raws)  # 001 has no headline: its title is its first words
    assert first.story_label == raws[0].title
    assert second.story_label == headline == "Nordkoreas Kim besucht Russland zu Gesprächen mit Putin"
