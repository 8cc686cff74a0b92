"""The blocking index of story grouping (enrich/story_blocks.py): derived from the live article records, never
stored, the same after a restart and across workers sharing one store."""

from __future__ import annotations

import json
import random
from datetime import timedelta

from newsingest.enrich.stories import StoryIndex, story_features
from newsingest.enrich.story_blocks import BlockingIndex
from newsingest.models import RawArticle
from tests.fixtures.enrich.articles import T0, TableLike, article

VOCABULARY = [f"wort{i}" for i in range(400)]  # small: articles share blocking terms


def words(rng: random.Random, minutes: float) -> RawArticle:
    body = " ".join(rng.choice(VOCABULARY) for _ in range(60))
    return article(body[:40], body, received_at=T0 + timedelta(minutes=minutes))


def test_lists_keep_the_most_recent_entries_in_sequence_order() -> None:
    blocks = BlockingIndex(max_per_key=3)
    for seq in (1, 2, 5, 4):  # 4 arrives after 5, as records read back out of order
        blocks.add(f"r{seq}", ["t:a", "t:b"], None, float(seq), seq)
    assert blocks.lists() == {"t:a": ["r2", "r4", "r5"], "t:b": ["r2", "r4", "r5"]}
    blocks.add("r4", ["t:a", "t:c"], None, 4.0, 4)  # counted again: nothing changes
    assert blocks.lists()["t:a"] == ["r2", "r4", "r5"]
    assert "t:c" not in blocks.lists()
    blocks.remove("r4")
    blocks.remove("r1")  # evicted from its lists already, and removed: harmless
    blocks.remove("unknown")
    assert blocks.lists() == {"t:a": ["r2", "r5"], "t:b": ["r2", "r5"]}
    assert len(blocks) == 2
    assert "r5" in blocks
    assert "r4" not in blocks


def test_an_article_writes_its_record_centroid_schedule_and_meta_only() -> None:
    store = TableLike()
    index = StoryIndex(store, window_hours=24)
    rng = random.Random(1)
    index.assign(story_features(words(rng, 0), [], []))
    before = store.writes
    index.assign(story_features(words(rng, 1), [], []))
    assert store.writes - before <= 4  # d:, s:, x:, m (was some two dozen b: lists more)
    assert not [key for key in store if key.startswith("b:")]
    assert len(index.blocks) == 2


def test_blocking_lists_of_an_older_release_are_deleted_once() -> None:
    store = TableLike()
    store["b:t:wort1"] = json.dumps([["0123456789abcdef", None, 1.0, 1]])
    index = StoryIndex(store, window_hours=24)
    index.assign(story_features(words(random.Random(2), 0), [], []))
    assert "b:t:wort1" not in store


def test_a_restarted_worker_rebuilds_the_same_index_and_decides_the_same() -> None:
    rng = random.Random(3)
    stream = [words(rng, i) for i in range(120)]
    store = TableLike()
    running = StoryIndex(store, window_hours=1)
    for raw in stream[:100]:
        running.assign(story_features(raw, [], []))
    restarted = StoryIndex(TableLike(), window_hours=1)
    restarted.store._data = dict(store._data)  # type: ignore[attr-defined]  # the state recovered from the topic
    for raw in stream[100:]:
        assert restarted.assign(story_features(raw, [], [])) == running.assign(story_features(raw, [], []))
    assert restarted.blocks.lists() == running.blocks.lists()
    assert len(running.blocks) == len(running)  # articles that expired left the index too


def test_articles_another_worker_stored_are_candidates() -> None:
    shared = TableLike()  # as the replicated map: each worker sees the other's writes
    first, second = StoryIndex(shared, window_hours=24), StoryIndex(shared, window_hours=24)
    body = " ".join(random.Random(4).choice(VOCABULARY) for _ in range(80))
    original = article("Erste Meldung", body, received_at=T0)
    copy = article("Erste Meldung", body + " Ergänzt.", received_at=T0 + timedelta(minutes=5))
    first.assign(story_features(original, [], []))
    decision = second.assign(story_features(copy, [], []))
    assert decision.duplicate_of == original.article_id
    assert decision.story_id == original.article_id


def test_decisions_are_the_same_with_the_bulky_keys_on_disk() -> None:
    """The service keeps records and centroids in a SpillingMap; the decisions must not notice."""
    from newsingest.enrich.stories import SPILL_PREFIXES
    from newsingest.streaming.spilling_map import SpillingMap

    rng = random.Random(5)
    stream = [words(rng, i * 7) for i in range(150)]
    stream += [article(raw.title, raw.body + " Aktualisiert.",
                       received_at=raw.provenance.received_at + timedelta(minutes=3))
               for raw in stream[::10]]  # near-duplicates
    in_memory, on_disk = StoryIndex({}, window_hours=2), StoryIndex(SpillingMap(SPILL_PREFIXES), window_hours=2)
    decisions = [(in_memory.assign(story_features(raw, [], [])), on_disk.assign(story_features(raw, [], [])))
                 for raw in stream]
    assert all(a == b for a, b in decisions)
    assert any(a.duplicate_of for a, _ in decisions)
    assert len({a.story_id for a, _ in decisions}) < len(decisions)
    assert on_disk.blocks.lists() == in_memory.blocks.lists()
    assert len(on_disk) == len(in_memory) < len(stream)  # the window expired some


def test_a_worker_forgets_records_another_worker_expired() -> None:
    shared = TableLike()
    first, second = StoryIndex(shared, window_hours=1), StoryIndex(shared, window_hours=1)
    rng = random.Random(6)
    early = words(rng, 0)
    first.assign(story_features(early, [], []))
    second.assign(story_features(words(rng, 1), [], []))  # reads (and caches) the first article's record
    first.assign(story_features(words(rng, 200), [], []))  # 3 h later: the early article expires
    assert f"d:{early.article_id[:16]}" not in shared
    again = second.assign(story_features(words(rng, 201), [], []))
    assert early.article_id[:16] not in second._decoded
    assert early.article_id[:16] not in second.blocks
    assert again.story_id != early.article_id
    redelivered = second.assign(story_features(early, [], []))  # beyond the window: a new article again
    assert redelivered.duplicate_of is None
