from __future__ import annotations

import json
import random
from datetime import timedelta
from pathlib import Path

import pytest

from newsingest.config import Settings
from newsingest.enrich.pipeline import Enricher
from newsingest.enrich.stories import SCHEDULE_CHUNK, StoryIndex, event_interval, story_features
from newsingest.models import DatePrecision, EnrichedArticle, RawArticle
from tests.fixtures.enrich.articles import T0, TableLike, article, bbc_articles, sample_articles
from tests.fixtures.enrich.fakes import ENGLISH_NAMES, GERMAN_SAMPLE_NAMES, DictionaryEngine

NAMES = {**GERMAN_SAMPLE_NAMES, **ENGLISH_NAMES}


def enricher(store: TableLike | None = None, window_hours: float = 72.0) -> Enricher:
    engine = DictionaryEngine(NAMES, capitalised=True)
    return Enricher(Settings(story_window_hours=window_hours), engine=engine, story_store=store or TableLike())


async def enrich_all(e: Enricher, articles: list[RawArticle]) -> list[EnrichedArticle]:
    return [await e.enrich(a) for a in articles]


def reworded(raw: RawArticle, **changes: object) -> RawArticle:
    return article(raw.title, raw.body, **changes)  # type: ignore[arg-type]


# --- the two samples ----------------------------------------------------------------------------------
async def test_the_two_samples_share_one_story(samples_dir: Path) -> None:
    first, second = await enrich_all(enricher(), sample_articles(samples_dir))
    assert first.article_id != second.article_id
    assert first.story_id == second.story_id == first.article_id
    assert first.duplicate_of is None
    assert second.duplicate_of is None


async def test_no_bbc_article_joins_the_samples_story(samples_dir: Path) -> None:
    e = enricher()
    bbc = bbc_articles(200)
    assert len(bbc) == 200
    before = await enrich_all(e, bbc[:100])
    samples = await enrich_all(e, sample_articles(samples_dir))
    after = await enrich_all(e, bbc[100:])
    story = samples[0].story_id
    assert samples[1].story_id == story == samples[0].article_id
    assert all(a.story_id != story for a in before + after)
    assert all(a.duplicate_of not in {s.article_id for s in samples} for a in after)


async def test_unrelated_articles_both_naming_russland_stay_apart() -> None:
    wheat = article(
        "Russland erntet Rekordmenge Weizen",
        "Russland hat in diesem Sommer so viel Weizen geerntet wie nie zuvor. Die Landwirte im Süden des "
        "Landes meldeten volle Speicher, die Exporte nach Ägypten und in die Türkei sollen steigen. "
        "Händler erwarten sinkende Preise auf dem Weltmarkt für Getreide und Mehl.",
    )
    ballet = article(
        "Bolschoi-Ballett tanzt wieder in Paris",
        "Das Ensemble aus Russland gastiert nach Jahren wieder mit Schwanensee an der Pariser Oper. Die "
        "Tänzerinnen probten seit Wochen, Karten für die Vorstellungen waren binnen Stunden ausverkauft. "
        "Kritiker loben die Choreografie und das Orchester.",
    )
    a, b = await enrich_all(enricher(), [wheat, ballet])
    assert "RU" in a.countries
    assert "RU" in b.countries
    assert a.story_id != b.story_id


async def test_redelivery_returns_the_same_decision_and_writes_nothing(samples_dir: Path) -> None:
    store = TableLike()
    e = enricher(store)
    first, second = sample_articles(samples_dir)
    once = await e.enrich(first)
    twice = await e.enrich(second)
    snapshot, writes = dict(store), store.writes
    again = await e.enrich(second)
    assert (again.story_id, again.duplicate_of, again.simhash) == (twice.story_id, twice.duplicate_of, twice.simhash)
    assert again.story_id == once.story_id
    assert dict(store) == snapshot
    assert store.writes == writes


# --- time window --------------------------------------------------------------------------------------
async def test_articles_further_apart_than_the_window_never_share_a_story(samples_dir: Path) -> None:
    first, second = sample_articles(samples_dir)
    early = reworded(first, published_at=T0, published_precision=DatePrecision.MINUTE)
    late = reworded(second, published_at=T0 + timedelta(days=5), published_precision=DatePrecision.MINUTE)
    near = reworded(second, published_at=T0 + timedelta(days=1), published_precision=DatePrecision.MINUTE)
    a, b = await enrich_all(enricher(), [early, late])
    assert a.story_id != b.story_id
    c, d = await enrich_all(enricher(), [early, near])
    assert c.story_id == d.story_id


def test_event_interval_follows_the_stated_precision() -> None:
    month = article("t", "b", published_at=T0.replace(day=1, hour=0, minute=0), published_precision=DatePrecision.MONTH)
    start, end = event_interval(month)
    assert start == T0.replace(day=1, hour=0, minute=0).timestamp()
    assert end == T0.replace(month=10, day=1, hour=0, minute=0).timestamp()
    undated = article("t", "b", received_at=T0)
    assert event_interval(undated) == (None, T0.timestamp())


def words_article(rng: random.Random, received_offset_h: float) -> RawArticle:
    vocabulary = [f"wort{i}" for i in range(3000)]
    body = " ".join(rng.choice(vocabulary) for _ in range(80))
    return article(body[:40], body, received_at=T0 + timedelta(hours=received_offset_h))


def test_the_store_holds_one_window_of_articles() -> None:
    store = TableLike()
    index = StoryIndex(store, window_hours=24)
    rng = random.Random(3)
    articles = [words_article(rng, hours) for hours in range(0, 24 * 6, 2)]  # one every 2 h for 6 days
    for raw in articles:
        index.assign(story_features(raw, [], []))
    assert len(index) <= 24 // 2 + 2
    refs = {key[2:] for key in store if key.startswith("d:")}
    assert not [key for key in store if key.startswith("b:")]  # the blocking lists are derived, not stored
    assert all(ref in refs for listed in index.blocks.lists().values() for ref in listed)
    old = articles[0]
    assert index.assign(story_features(old, [], [])).story_id == old.article_id  # expired, so new again


def test_the_expiry_schedule_is_kept_in_short_lists() -> None:
    """A busy hour's schedule is many short lists (no value grows with the hour's articles: each is rewritten
    per article and sent to Kafka), and all of them expire with their hour."""
    store = TableLike()
    index = StoryIndex(store, window_hours=24)  # expiry buckets of an hour
    rng = random.Random(5)
    busy = [words_article(rng, i / 1000) for i in range(3 * SCHEDULE_CHUNK)]  # one hour, many articles
    for raw in busy:
        index.assign(story_features(raw, [], []))
    schedule = {key: json.loads(value) for key, value in store.items() if key.startswith("x:")}
    assert len(schedule) == 3
    assert all(len(refs) <= SCHEDULE_CHUNK for refs in schedule.values())
    assert sum(len(refs) for refs in schedule.values()) == len(busy) == len(index)
    index.assign(story_features(words_article(rng, 30), [], []))  # more than the window later: the hour expired
    assert len(index) == 1
    assert len([key for key in store if key.startswith("x:")]) == 1


def test_a_short_window_expires_in_buckets_of_a_24th_of_it() -> None:
    """The state of a short window stays bounded by the window: articles expire in buckets of window / 24, not
    of an hour (with a 6-minute window, an hour's articles would otherwise pile up before the first expiry)."""
    store = TableLike()
    index = StoryIndex(store, window_hours=0.1)  # 360 s: buckets of 15 s
    rng = random.Random(8)
    held = []
    for second in range(0, 1200, 2):
        index.assign(story_features(words_article(rng, second / 3600), [], []))
        held.append(len(index))
    assert json.loads(store["m"])["bs"] == 15.0
    assert max(held) <= (360 + 15) // 2 + 1  # one article every 2 s: at most a window and a bucket of them
    assert held[-1] >= 360 // 2 - 1
    assert len([key for key in store if key.startswith("x:")]) <= (360 + 15) // 15 + 1


def test_state_written_before_the_schedule_was_chunked_still_expires() -> None:
    """A store whose hour lists are single ``x:<hour>`` values and whose ``m`` has no ``xc`` (an older
    release's state in the topic) keeps working: its hour expires whole, new articles are chunked."""
    store = TableLike()
    older = StoryIndex(store, window_hours=24)  # hourly buckets, as every older release wrote them
    rng = random.Random(6)
    for i in range(10):
        older.assign(story_features(words_article(rng, i / 100), [], []))
    meta = json.loads(store["m"])
    del meta["xc"], meta["bs"]
    store["m"] = json.dumps(meta)
    index = StoryIndex(store, window_hours=1)  # would choose buckets of 150 s for new state; this one stays hourly
    assert [key for key in store if key.startswith("x:")] == [f"x:{int(T0.timestamp() // 3600)}"]
    index.assign(story_features(words_article(rng, 0.5), [], []))
    assert len(index) == 11
    index.assign(story_features(words_article(rng, 3), [], []))
    assert len(index) == 1


# --- near-duplicates ----------------------------------------------------------------------------------
async def test_a_lightly_edited_copy_is_a_near_duplicate(samples_dir: Path) -> None:
    first, _ = sample_articles(samples_dir)
    edited_body = first.body.replace("bestätigten", "erklärten", 1).replace("Montag", "Dienstag", 1)
    copy = article("Kim reist zu Putin", edited_body + "\n\n(Redaktion: dpa)")
    original, duplicate = await enrich_all(enricher(), [first, copy])
    assert original.duplicate_of is None
    assert duplicate.duplicate_of == first.article_id
    assert duplicate.story_id == original.story_id


async def test_different_texts_are_not_duplicates(samples_dir: Path) -> None:
    results = await enrich_all(enricher(), sample_articles(samples_dir) + bbc_articles(30))
    assert all(r.duplicate_of is None for r in results)
    assert len({r.simhash for r in results}) == len(results)


@pytest.mark.parametrize("window_hours", [1.0, 72.0])
async def test_duplicate_of_points_at_the_earliest_copy(window_hours: float) -> None:
    body = " ".join(f"Satz {i} über die Lage in Berlin und die Regierung." for i in range(40))
    copies = [article(f"Titel {i}", body.replace(f"Satz {i} ", f"Satz {i}a ", 1)) for i in range(3)]
    results = await enrich_all(enricher(window_hours=window_hours), copies)
    assert results[0].duplicate_of is None
    assert results[1].duplicate_of == results[2].duplicate_of == copies[0].article_id


async def test_undated_articles_compare_ingest_times_in_any_order(samples_dir: Path) -> None:
    first, second = sample_articles(samples_dir)
    now = reworded(first, received_at=T0 + timedelta(days=5))
    then = reworded(second, received_at=T0)
    a, b = await enrich_all(enricher(), [now, then])  # the older one arrives last
    assert a.story_id != b.story_id
    c, d = await enrich_all(enricher(), [reworded(first), reworded(second, received_at=T0 + timedelta(hours=30))])
    assert c.story_id == d.story_id
