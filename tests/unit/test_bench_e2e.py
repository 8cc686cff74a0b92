"""bench/e2e*.py: the step-CPU table from the process's Prometheus text, the RSS trend, corpus copies under new
ids, medians and ratios, the markdown section and the command line (no stack needed)."""

from __future__ import annotations

import sys

import pytest
from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest

from newsingest.ingest.formats.base import SourceFile
from newsingest.ingest.formats.registry import parse_file
from tests.conftest import REPO

sys.path.insert(0, str(REPO / "bench"))

import common
import e2e
import e2e_limits
import e2e_report
import e2e_steady
import e2e_steps


def _metrics(spent: dict[str, float]) -> str:
    registry = CollectorRegistry()
    counter = Counter("newsingest_step_cpu_seconds", "CPU per step", ["step"], registry=registry)
    for step, seconds in spent.items():
        counter.labels(step).inc(seconds)
    Counter("newsingest_files_total", "files", registry=registry).inc(7)
    return generate_latest(registry).decode()


def test_step_seconds_reads_the_counter_per_step() -> None:
    found = e2e_steps.step_seconds(_metrics({"parse": 1.5, "index": 0.25}))
    assert found == {"parse": 1.5, "index": 0.25}


@pytest.mark.parametrize("text", [None, "", _metrics({}), "newsingest_files_total 3\n"])
def test_step_seconds_is_none_without_the_counter(text: str | None) -> None:
    assert e2e_steps.step_seconds(text) is None


def test_step_table_is_the_difference_per_article() -> None:
    before = {"parse": 1.0, "language": 2.0}
    after = {"parse": 3.0, "language": 2.5, "extra": 0.1}
    table = e2e_steps.step_ms_per_article(before, after, articles=500)
    assert table["parse"] == 4.0
    assert table["language"] == 1.0
    assert table["extra"] == 0.2
    assert table["ner_client"] is None  # a known step the process does not count
    assert table["total"] == 5.2
    assert list(table)[: len(e2e_steps.STEPS)] == list(e2e_steps.STEPS)


def test_step_table_is_all_null_when_the_counter_is_absent() -> None:
    table = e2e_steps.step_ms_per_article(None, None, articles=100)
    assert set(table) == {*e2e_steps.STEPS, "total"}
    assert all(v is None for v in table.values())


def test_rss_trend_finds_growth_and_flatness() -> None:
    growing = [(float(t), 200.0 + t) for t in range(0, 600, 5)]  # 1 MB per second
    trend = common.rss_trend(growing)
    assert trend["slope_mb_per_min"] == pytest.approx(60.0)
    assert trend["flat"] is False
    steady = [(float(t), 300.0 + (t % 10) / 10) for t in range(0, 600, 5)]
    assert common.rss_trend(steady)["flat"] is True
    assert common.rss_trend([(0.0, 1.0), (5.0, 2.0)])["slope_mb_per_min"] is None


def test_copies_repeat_the_corpus_under_new_ids() -> None:
    files = [("a.txt", b"First title\n\nThe first body has a few words in it."),
             ("b.txt", b"Second title\n\nThe second body has other words in it.")]
    copied = list(common.copies(files, 7))
    assert len(copied) == 7
    assert copied[:2] == files
    assert len({name for name, _ in copied}) == 7
    ids = [a.article_id for name, data in copied for a in parse_file(SourceFile(name=name, data=data))]
    assert len(ids) == len(set(ids)) == 7
    assert list(common.copies([], 5)) == []


def test_steady_files_become_new_articles_after_the_pool() -> None:
    pool = [("a.txt", b"Title\n\nBody text of the article.")]
    first, again = e2e_steady.steady_file(pool, 0), e2e_steady.steady_file(pool, 1)
    assert first[1] == pool[0][1]
    assert again[1] != first[1]
    assert first[0] != again[0]


def test_medians_and_ratios() -> None:
    runs = [{"articles_per_s": s, "pipeline_cpu_ms_per_article": c} for s, c in ((30, 9.0), (10, 12.0), (20, 10.0))]
    chosen = e2e_report.median_run(runs)
    assert chosen["articles_per_s"] == 20
    assert chosen["articles_per_s_runs"] == [30, 10, 20]
    assert chosen["pipeline_cpu_ms_per_article"] == 10.0
    limits = e2e_report.median_of([{"es_bulk_per_s": 900.0}, {"es_bulk_per_s": 1500.0}, {"es_bulk_per_s": 1200.0}],
                                  "es_bulk_per_s")
    assert limits["es_bulk_per_s"] == 1200.0
    assert limits["es_bulk_per_s_runs"] == [900.0, 1500.0, 1200.0]
    assert e2e_report.ratio(45.0, 50.0) == 0.9
    assert e2e_report.ratio(None, 50.0) is None
    assert e2e_report.ratio(45.0, 0.0) is None
    assert e2e_report.difference(16.0, 6.5) == 9.5
    assert e2e_report.difference(None, 6.5) is None


def test_markdown_shows_ratios_steps_and_memory() -> None:
    steps = e2e_steps.step_ms_per_article({"parse": 0.0}, {"parse": 1.0}, 1000)
    res = {
        "articles_per_s": 40.0, "articles_per_s_runs": [39.0, 40.0, 41.0], "es_bulk_docs": 20000,
        "es_bulk_per_s": 1500.0, "ratio_to_enrich": 0.91, "plumbing_cpu_ms_per_article": 1.8,
        "step_cpu_ms_per_article": steps, "work_full": {"work_per_s": 44.0},
        "language_only": {"articles_per_s": 80.0, "ratio_to_work": 0.85, "ratio_to_es_bulk": 0.053,
                          "step_cpu_ms_per_article": e2e_steps.step_ms_per_article(None, None, 10),
                          "work": {"work_per_s": 94.0, "parse_cpu_ms_per_article": 1.0}},
        "steady": {"rate_files_per_s": 20.0, "seconds": 600, "p50_ms": 400, "p95_ms": 900, "p99_ms": 1200,
                   "max_lag": 3, "rss_mb_max": {"pipeline": 300}, "rss_mb_series": {"pipeline": [(0.0, 300.0)]},
                   "rss": {"slope_mb_per_min": 0.1, "growth_mb": 1.0, "flat": True}},
    }
    text = e2e_report.markdown(res)
    assert "40.0 (median of [39.0, 40.0, 41.0])" in text
    assert "| `language_only.ratio_to_work` (target >= 0.8) | 0.85 |" in text
    assert "| `plumbing_cpu_ms_per_article` (language only; target <= 2) | 1.8 |" in text
    assert "| parse | 1.0 | None |" in text
    assert "0.1, 1.0, True" in text


def test_every_option_is_documented_and_the_defaults_are_the_issue_s() -> None:
    args = e2e.parse_args([])
    assert args.limit_docs == 20000
    assert args.repeat == 3
    assert args.ner_levels == [1, 2, 4, 8]
    quick = e2e.parse_args(["--files", "100", "--limit-docs", "2000", "--repeat", "1", "--steady-seconds", "20",
                            "--ner-levels", "1,4", "--no-scale", "--no-record"])
    assert (quick.files, quick.limit_docs, quick.repeat, quick.ner_levels) == (100, 2000, 1, [1, 4])
    undocumented = [action.option_strings for action in e2e.build_parser()._actions if not action.help]
    assert not undocumented


def test_limit_inputs_repeat_the_documents_under_new_ids() -> None:
    docs = [(f"d{i}", {"title": f"t{i}"}) for i in range(3)]
    batches = list(e2e_limits._bulk_batches(docs, 11, 4, "r"))
    assert [len(b) for b in batches] == [4, 4, 3]
    ids = [item.doc_id for batch in batches for item in batch]
    assert len(set(ids)) == 11
    article = parse_file(SourceFile(name="a.txt", data=b"A title\n\nA body with some words."))[0]
    messages = e2e_limits._messages([article], 5, "r")
    assert len({key for key, _ in messages}) == 5
    assert all(key.decode() in value.decode() for key, value in messages)


def test_state_keys_are_read_by_topic_from_the_metrics() -> None:
    registry = CollectorRegistry()
    gauge = Gauge("newsingest_state_keys", "keys", ["topic"], registry=registry)
    gauge.labels("news.stories").set(1234)
    gauge.labels("news.entities").set(56)
    text = generate_latest(registry).decode()
    assert e2e_steady.state_keys(text) == {"news.stories": 1234.0, "news.entities": 56.0}
    assert e2e_steady.state_keys(None) == {}


def test_a_steady_only_run_reports_its_window_state_and_memory() -> None:
    args = e2e.parse_args(["--steady-only", "12.5", "--steady-story-window-hours", "0.05"])
    assert (args.steady_only, args.steady_story_window_hours) == (12.5, 0.05)
    steady = {"rate_files_per_s": 12.5, "seconds": 600, "story_window_hours": 0.05, "p50_ms": 400, "p95_ms": 900,
              "p99_ms": 1200, "max_lag": 3, "rss_mb_max": {"pipeline": 300},
              "rss_mb_series": {"pipeline": [(0.0, 300.0)]}, "state_keys_at_end": {"news.stories": 99.0},
              "rss": {"slope_mb_per_min": 0.1, "growth_mb": 1.0, "flat": True},
              "rss_second_half": {"slope_mb_per_min": 0.0, "growth_mb": 0.2, "flat": True}}
    text = e2e_report.markdown({"steady_only": True, "steady": steady})
    assert "(second half: 0.0 MB/min, 0.2 MB, flat True)" in text
    assert "steady 12.5 files/s (as given by --steady-only) for 600s, story window 0.05 h" in text
    assert "{'news.stories': 99.0}" in text
    assert "ratio_to_enrich" not in text


def test_pipeline_cpu_splits_into_the_work_steps_and_the_rest() -> None:
    steps = {"parse": 2.0, "produce": 0.1, "language": 1.0, "ner_client": 0.0, "places": 1.5, "stories": 3.5,
             "index": 0.2}
    split = e2e_steps.split_work_and_plumbing(10.0, steps, work_alone_cpu_ms=6.0)
    assert split == {"work_steps_cpu_ms_per_article": 8.0, "plumbing_outside_work_cpu_ms_per_article": 2.0,
                     "work_cost_in_pipeline": 1.33}
    unknown = e2e_steps.split_work_and_plumbing(10.0, {"parse": None}, work_alone_cpu_ms=6.0)
    assert set(unknown.values()) == {None}


def test_profile_counts_the_samples_with_the_work_on_the_stack(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import e2e_pipeline

    raw = tmp_path / "profile.txt"
    raw.write_text(
        "main (cli/__init__.py:1);run (asyncio/base_events.py:9);analyse (newsingest/enrich/places.py:3) 6\n"
        "main (cli/__init__.py:1);select (selectors.py:5) 3\n"
        "main (cli/__init__.py:1);_parse (newsingest/ingest/watcher.py:2);parse_file "
        "(newsingest/ingest/formats/registry.py:7) 1\n"
    )
    summary = e2e_pipeline.summarise_profile(raw)
    assert summary["work_share"] == 0.7
    assert summary["self"][0] == {"frame": "analyse (places.py)", "share": 0.6}
    markdown = "\n".join(e2e_report._profile_lines("language-only", summary, 90.0))
    assert "Samples with parsing or enrichment on the stack: 70.0%." in markdown


def test_the_work_alone_runs_each_round_of_copies_on_a_new_stream() -> None:
    """Copies repeat their originals' text: with the story state kept, every copy would be a near-duplicate."""
    import e2e_work

    files = [("a.txt", b"A"), ("b.txt", b"B"), ("c.txt", b"C")]
    rounds = list(e2e_work._rounds(files, 7))
    assert [len(r) for r in rounds] == [3, 3, 1]
    assert rounds[1][0][0] == "c001-a.txt"

    class Holder:
        stories: object = "old"
        registry: object = "old"

    holder = Holder()
    e2e_work._new_stream(holder, e2e.Settings())  # type: ignore[arg-type]
    assert isinstance(holder.stories, e2e_work.StoryIndex)
    assert len(holder.stories) == 0
    assert isinstance(holder.registry, e2e_work.EntityRegistry)


def test_elasticsearch_time_per_article_splits_its_cpu_into_its_counted_parts() -> None:
    import e2e_es_stats

    before = {"indexing": 100.0, "refresh": 50.0, "merges": 0.0, "flush": 0.0, "search_query": 10.0,
              "search_fetch": 0.0, "cpu": 1000.0, "refreshes": 5.0}  # fmt: skip
    after = {"indexing": 300.0, "refresh": 150.0, "merges": 100.0, "flush": 0.0, "search_query": 30.0,
             "search_fetch": 10.0, "cpu": 1900.0, "refreshes": 25.0}  # fmt: skip
    parts = e2e_es_stats.es_ms_per_article(before, after, 100)
    assert parts == {"indexing": 2.0, "refresh": 1.0, "merges": 1.0, "flush": 0.0, "search_query": 0.2,
                     "search_fetch": 0.1, "cpu": 9.0, "other": 4.7, "refreshes": 20}  # fmt: skip
    assert e2e_es_stats.es_ms_per_article(None, after, 100) is None
    res = {"articles_per_s": 40.0, "es_ms_per_article": parts, "es_bulk_server_cpu_ms_per_doc": 1.5}
    text = e2e_report.markdown(res)
    assert "| 9.0 / 2.0 / 1.0 (20 refreshes) / 1.0 / 0.3 / 4.7 (1.5) |" in text


def test_the_steady_latency_is_split_into_pickup_enrich_and_index() -> None:
    # monotonic drop/seen times; the documents' epoch timestamps are 1000 s ahead (wall_offset)
    dropped = {f"a{i}": float(i) for i in range(100)}
    times = {f"a{i}": (1000.0 + i + 0.01, 1000.0 + i + 0.21, 300 if i < 99 else 3000) for i in range(100)}
    seen = {f"a{i}": i + (0.71 if i < 99 else 2.21) for i in range(100)}  # the last one waited 1.5 s more to index
    stages = e2e_steady.stage_breakdown(dropped, seen, times, wall_offset=1000.0)
    assert stages["articles"] == 100
    assert (stages["pickup"]["p50"], stages["enrich"]["p50"], stages["index"]["p50"]) == (10, 200, 500)
    assert stages["index"]["mean_in_slowest_2pct"] == (500 + 2000) // 2  # the tail is made of the slow index step
    assert stages["enrich"]["mean_in_slowest_2pct"] == 200
    assert stages["words"] == {"p50": 300, "p50_in_slowest_2pct": 1650}
    assert e2e_steady.stage_breakdown(dropped, {}, times, wall_offset=1000.0) == {}


class _CountingIndex:
    """Stands in for the Elasticsearch client in this bench-helper test: a document count and the ids a range
    query on ``ingested_at`` finds; it records the queries."""

    def __init__(self) -> None:
        self.visible: dict[str, float] = {}  # id -> ingested_at (epoch s)
        self.searches: list[float] = []

    def count(self, index: str) -> dict[str, int]:
        return {"count": len(self.visible)}

    def search(self, index: str, query: dict, **_: object) -> dict:
        since = query["bool"]["filter"][0]["range"]["ingested_at"]["gte"] / 1000
        self.searches.append(since)
        return {"hits": {"hits": [{"_id": i} for i, t in self.visible.items() if t >= since]}}


def test_the_steady_observer_asks_for_ids_only_when_the_count_moved() -> None:
    import time

    from e2e_harness import SearchableObserver

    es = _CountingIndex()
    observer = SearchableObserver(es, "news-read", cap_s=30.0)
    now = time.time()
    observer.expect(["lost"], now - 40.0)  # dropped longer ago than the cap, never indexed: left for the check by id
    observer.expect(["a", "b"], now - 2.0)
    observer.poll()  # count 0: a first answer, one search
    observer.poll()  # unchanged: no search
    assert len(es.searches) == 1
    assert "lost" not in observer.pending
    es.visible["a"] = now - 1.9
    observer.poll()
    assert set(observer.seen) == {"a"}
    assert es.searches[-1] == pytest.approx(now - 3.0, abs=0.01)  # from the oldest pending drop, less 1 s
    es.visible["b"] = now - 1.5
    observer.poll()
    assert set(observer.seen) == {"a", "b"}
    assert not observer.pending
    assert es.searches[-1] == pytest.approx(now - 3.0, abs=0.01)  # "b" was still pending when asked
