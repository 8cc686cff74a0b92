"""Medians over repetitions, the ratios of the pipeline to its limits, and the markdown section of
docs/benchmarks.md."""

from __future__ import annotations

import statistics
from typing import Any


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run with the median throughput (its latencies and CPU come with it), listing every run's
    throughput and CPU per article."""
    ordered = sorted(runs, key=lambda r: r["articles_per_s"])
    chosen = dict(ordered[(len(ordered) - 1) // 2])
    chosen["articles_per_s_runs"] = [r["articles_per_s"] for r in runs]
    cpu = [r["pipeline_cpu_ms_per_article"] for r in runs if r.get("pipeline_cpu_ms_per_article") is not None]
    chosen["pipeline_cpu_ms_per_article_runs"] = cpu
    if cpu:
        chosen["pipeline_cpu_ms_per_article"] = round(statistics.median(cpu), 2)
    profiled = next((r["profile_top"] for r in runs if "profile_top" in r), None)
    if profiled is not None:
        chosen["profile_top"] = profiled
    return chosen


def median_of(results: list[dict[str, Any]], key: str) -> dict[str, Any]:
    """The result with the median ``key`` and every run's value of it as ``<key>_runs``."""
    ordered = sorted(results, key=lambda r: r[key] if r[key] is not None else float("-inf"))
    chosen = dict(ordered[(len(ordered) - 1) // 2])
    chosen[f"{key}_runs"] = [r[key] for r in results]
    return chosen


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    return round(numerator / denominator, 3) if numerator is not None and denominator else None


def difference(a: float | None, b: float | None) -> float | None:
    return round(a - b, 2) if a is not None and b is not None else None


def _runs(res: dict[str, Any], key: str) -> str:
    runs = res.get(f"{key}_runs")
    value = res.get(key)
    return f"{value} (median of {runs})" if runs and len(runs) > 1 else f"{value}"


def _steps_table(full: dict[str, Any], lang: dict[str, Any]) -> list[str]:
    full_steps = full.get("step_cpu_ms_per_article") or {}
    lang_steps = lang.get("step_cpu_ms_per_article") or {}
    steps = list(dict.fromkeys([*full_steps, *lang_steps]))
    if not steps:
        return []
    lines = ["", "CPU ms per article by step (`newsingest_step_cpu_seconds_total` of the pipeline process; "
             "null: not counted by this runtime):", "", "| step | full | language only |", "|---|---|---|"]
    lines += [f"| {s} | {full_steps.get(s)} | {lang_steps.get(s)} |" for s in steps]
    return lines


def _trend(rss: dict[str, Any] | None) -> str:
    if not rss:
        return "not measured"
    return f"{rss.get('slope_mb_per_min')} MB/min, {rss.get('growth_mb')} MB, flat {rss.get('flat')}"


def _stage_lines(stages: dict[str, Any] | None) -> list[str]:
    """The steady run's latency split (pickup, enrich, index): p50/p99 and the mean over the slowest 2 %."""
    if not stages:
        return []
    parts = [f"{name} {stages[name]['p50']} / {stages[name]['p99']} / {stages[name]['mean_in_slowest_2pct']}"
             for name in ("pickup", "enrich", "index") if name in stages]
    words = stages.get("words", {})
    return [f"| steady: stages, ms p50 / p99 / mean in the slowest 2 % | {'; '.join(parts)} |",
            f"| steady: article words, median of all / of the slowest 2 % | {words.get('p50')} / "
            f"{words.get('p50_in_slowest_2pct')} |"]


def _steady_lines(steady: dict[str, Any], rate_is: str) -> list[str]:
    rss = steady.get("rss", {})
    lines = [f"| steady {steady['rate_files_per_s']} files/s ({rate_is}) for {steady['seconds']}s, story window "
             f"{steady.get('story_window_hours')} h: p50/p95/p99 ms | {steady['p50_ms']} / {steady['p95_ms']} / "
             f"{steady['p99_ms']} (target p99 <= 1500) |",
             f"| steady: max consumer lag / max RSS MB | {steady['max_lag']} / {steady['rss_mb_max']} |",
             *_stage_lines(steady.get("stages_ms")),
             f"| steady: pipeline RSS slope MB/min, growth MB, flat | {rss.get('slope_mb_per_min')}, "
             f"{rss.get('growth_mb')}, {rss.get('flat')} (second half: "
             f"{_trend(steady.get('rss_second_half'))}) |",
             f"| steady: keys held by the state maps at the end (`newsingest_state_keys`) | "
             f"{steady.get('state_keys_at_end')} |"]
    for name, series in steady.get("rss_mb_series", {}).items():
        points = series[:: max(1, len(series) // 6)] + series[-1:]
        lines.append(f"| steady: RSS of {name} over time (s: MB) | "
                     + ", ".join(f"{t:.0f}: {mb:.0f}" for t, mb in points) + " |")
    return lines


def markdown(res: dict[str, Any]) -> str:
    if res.get("steady_only"):
        return "\n".join(["| measurement | value |", "|---|---|",
                          *_steady_lines(res["steady"], "as given by --steady-only")])
    lang = res.get("language_only", {})
    work_full = res.get("work_full", {})
    work_lang = lang.get("work", {})
    lines = ["| measurement | value |", "|---|---|",
             f"| e2e full enrichment: articles/s | {_runs(res, 'articles_per_s')} |",
             f"| e2e full: latency p50/p95/p99 ms (burst) | {res.get('p50_ms')} / {res.get('p95_ms')} / "
             f"{res.get('p99_ms')} |",
             f"| e2e full: pipeline CPU ms/article | {_runs(res, 'pipeline_cpu_ms_per_article')} |"]
    if es := res.get("es_ms_per_article"):
        lines.append(f"| e2e full: Elasticsearch per article, its own counters (ms): CPU / indexing / refresh / "
                     f"merges / search / other (raw bulk: CPU per doc) | {es['cpu']} / {es['indexing']} / "
                     f"{es['refresh']} ({es['refreshes']} refreshes) / {es['merges']} / "
                     f"{round(es['search_query'] + es['search_fetch'], 3)} / {es['other']} "
                     f"({res.get('es_bulk_server_cpu_ms_per_doc')}) |")
    if lang:
        lines += [f"| e2e language only: articles/s | {_runs(lang, 'articles_per_s')} |",
                  f"| e2e language only: pipeline CPU ms/article | {_runs(lang, 'pipeline_cpu_ms_per_article')} |",
                  f"| e2e language only: latency p50/p95/p99 ms (burst) | {lang.get('p50_ms')} / "
                  f"{lang.get('p95_ms')} / {lang.get('p99_ms')} |"]
    lines += [f"| limit: raw ES bulk docs/s ({res.get('es_bulk_docs')} docs, {res.get('es_bulk_request_docs')} per "
              f"request, {res.get('es_bulk_concurrency')} in flight) | {_runs(res, 'es_bulk_per_s')} |",
              f"| limit: raw Kafka produce+consume msgs/s ({res.get('kafka_messages')} messages; produce / consume) "
              f"| {_runs(res, 'kafka_per_s')} ({res.get('kafka_produce_per_s')} / {res.get('kafka_consume_per_s')}) |",
              f"| limit: work alone, full: articles/s ({work_full.get('articles')} articles) | "
              f"{_runs(work_full, 'work_per_s')} |",
              f"| work alone, full: CPU ms/article parse + enrich | {work_full.get('parse_cpu_ms_per_article')} + "
              f"{work_full.get('enrich_cpu_ms_per_article')} (NER server: "
              f"{work_full.get('ner_server_cpu_ms_per_article')}) |"]
    if work_lang:
        lines += [f"| limit: work alone, language only: articles/s | {_runs(work_lang, 'work_per_s')} |",
                  f"| work alone, language only: CPU ms/article parse + enrich (target: well under 6) | "
                  f"{work_lang.get('parse_cpu_ms_per_article')} + {work_lang.get('enrich_cpu_ms_per_article')} |"]
    lines += [f"| limit: NER engine alone, articles/s at concurrency {res.get('ner_best_concurrency')} | "
              f"{_runs(res, 'ner_per_s')} (sweep: "
              + ", ".join(f"{s['concurrency']}: {s['ner_per_s']}" for s in res.get("ner_sweep", [])) + ") |",
              f"| `ratio_to_enrich` (full pipeline / full work alone; target >= 0.9) | {res.get('ratio_to_enrich')} |",
              f"| `ratio_to_es_bulk` (full) | {res.get('ratio_to_es_bulk')} |"]
    if lang:
        lines += [f"| `language_only.ratio_to_work` (target >= 0.8) | {lang.get('ratio_to_work')} |",
                  f"| `language_only.ratio_to_es_bulk` | {lang.get('ratio_to_es_bulk')} |",
                  f"| `plumbing_cpu_ms_per_article` (language only; target <= 2) | "
                  f"{res.get('plumbing_cpu_ms_per_article')} |",
                  f"| language only, by the pipeline's own step counters: work steps / everything else, CPU ms per "
                  f"article (the work's cost in the pipeline / alone) | {lang.get('work_steps_cpu_ms_per_article')} / "
                  f"{lang.get('plumbing_outside_work_cpu_ms_per_article')} ({lang.get('work_cost_in_pipeline')}x) |"]
        lang_profile = lang.get("profile_top") or {}
        if "work_share" in lang_profile:
            share = 1 - lang_profile["work_share"]
            cpu = lang.get("pipeline_cpu_ms_per_article")
            lines.append(f"| language only, by the profile: share of samples outside parsing and enrichment (x CPU "
                         f"per article) | {share:.1%} ({round(share * cpu, 2) if cpu else None} ms) |")
    for scale in res.get("scale_out", []):
        lines.append(f"| scale-out, {scale['workers']} worker(s): articles/s | {scale['articles_per_s']} "
                     f"(CPU share of one core: {scale['cpu_share_of_one_core']}) |")
    if res.get("steady"):
        lines += _steady_lines(res["steady"], "half the full maximum")
    lines += _steps_table(res, lang)
    for mode, part in (("full", res), ("language-only", lang)):
        lines += _profile_lines(mode, part.get("profile_top") or {}, part.get("profiled_run_articles_per_s"))
    return "\n".join(lines)


def _profile_lines(mode: str, profile: dict[str, Any], rate: float | None) -> list[str]:
    if not profile:
        return []
    lines = ["", f"Profile of the pipeline process during an extra {mode} e2e run under py-spy ({rate} articles/s "
             "while sampled; share of samples):", "", "Innermost newsingest step on the stack:", ""]
    lines += [f"- {p['share']:.1%} `{p['frame']}`" for p in profile.get("newsingest", [])]
    lines += ["", "Innermost frame (self time):", ""]
    lines += [f"- {p['share']:.1%} `{p['frame']}`" for p in profile.get("self", [])]
    if "work_share" in profile:
        lines += ["", f"Samples with parsing or enrichment on the stack: {profile['work_share']:.1%}."]
    return lines
