"""End-to-end throughput and latency of the pipeline, and the limits it runs against, measured in one run.

    python bench/e2e.py --files 2000

On the local stack (started if needed), each measurement in a namespace of its own (topics, index, groups):
- e2e: N article files (BBC English + 10kGNAD German, alternating) dropped at once into a running
  ``newsingest run``, once with full enrichment and once with language detection only; articles/s from the
  first drop to the last document searchable, latency from file complete to searchable, the pipeline process's
  CPU per article and per step (its ``newsingest_step_cpu_seconds_total`` counter; null where it has none);
- limits, each at steady state on --limit-docs documents/messages (the corpus repeated under new ids) with the
  clients and settings the pipeline uses: raw Elasticsearch bulk (the indexer's BulkWriter, bulk_max_docs per
  request), raw Kafka produce + consume (the watcher's producer, the indexer's consumer), the work alone
  (parse + enrichment in one process, without Kafka or Elasticsearch; language-only and full), and the NER
  engine alone at its best concurrency (--ner-levels tried on --ner-sweep-docs articles, the best on
  --limit-docs);
- ratios: ratio_to_enrich (full pipeline / full work alone), language_only.ratio_to_work,
  language_only.ratio_to_es_bulk, plumbing_cpu_ms_per_article (language-only pipeline CPU per article minus
  the language-only work's; also split by the pipeline's own step counters into its work steps and the rest);
- scale-out: ``newsingest watch`` + 1 vs 2 ``newsingest worker`` processes, with the CPU share of every process;
- steady load: half of the measured full maximum for --steady-seconds: latency percentiles, consumer lag,
  RSS of each process over time and its slope (flat or not);
- profile (--profile): py-spy on the pipeline process during one more full and one more language-only e2e run;
  top costs and the share of samples in parsing and enrichment.
e2e runs and limits are repeated --repeat times and the medians reported (every run's value beside them).
Prints one JSON line and appends a section to docs/benchmarks.md (--results) with the command.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import RESULTS, corpus, progress, record
from e2e_harness import parse_all, stop_launched
from e2e_limits import es_bulk_limit, kafka_limit
from e2e_pipeline import run_e2e, run_scale
from e2e_report import difference, markdown, median_of, median_run, ratio
from e2e_steady import run_steady
from e2e_steps import split_work_and_plumbing
from e2e_work import ner_limit, work_limit

from newsingest.config import Settings
from newsingest.log import configure_logging
from newsingest.stack.manager import stack_up


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=1000, help="article files per e2e run (default 1000)")
    parser.add_argument("--limit-docs", type=int, default=20000,
                        help="documents/messages of each limit run, the corpus repeated under new ids "
                             "(default 20000; fewer only for a quick check)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="run e2e and limits this many times and report the medians (default 3)")
    parser.add_argument("--no-language-only", action="store_true",
                        help="skip the language-only e2e run and work alone (no plumbing figure then)")
    parser.add_argument("--no-scale", action="store_true", help="skip the 1 vs 2 workers scale-out runs")
    parser.add_argument("--scale-files", type=int, default=600, help="files per scale-out run (default 600)")
    parser.add_argument("--steady-seconds", type=float, default=600.0,
                        help="length of the steady-load run at half the full maximum (default 600; 0 skips it)")
    parser.add_argument("--steady-story-window-hours", type=float, default=None,
                        help="story window of the steady run's pipeline (default: the service's, 72 h); a short "
                             "one shows whether memory levels off once the window is full")
    parser.add_argument("--steady-only", type=float, default=None, metavar="FILES_PER_S",
                        help="run only the steady-load run, at this rate (files/s), and report it")
    parser.add_argument("--es-bulk-concurrency", type=int, default=2,
                        help="bulk requests in flight in the raw Elasticsearch limit (default 2)")
    parser.add_argument("--ner-levels", type=lambda s: [int(x) for x in s.split(",")], default=[1, 2, 4, 8],
                        help="NER concurrencies tried for the NER-alone limit, comma-separated (default 1,2,4,8)")
    parser.add_argument("--ner-sweep-docs", type=int, default=1000,
                        help="articles per concurrency in the NER sweep (first repetition only; default 1000)")
    parser.add_argument("--profile", action="store_true",
                        help="py-spy the pipeline during one more full and one more language-only e2e run "
                        "(not counted in the results)")
    parser.add_argument("--no-record", action="store_true", help="only print the JSON line; append nothing")
    parser.add_argument("--results", type=Path, default=RESULTS,
                        help=f"the markdown file the section is appended to (default {RESULTS})")
    return parser


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    return build_parser().parse_args(argv)


def measure_steady_only(args: argparse.Namespace, base: Settings, root: Path) -> dict[str, Any]:
    steady = run_steady(base, corpus(None), args.steady_only, args.steady_seconds, root,
                        story_window_hours=args.steady_story_window_hours)
    return {"steady_only": True, "steady": steady}


def _profiled(base: Settings, files: list[tuple[str, bytes]], file_ids: dict[str, list[str]], *, full: bool,
              root: Path) -> dict[str, Any]:
    """One more e2e run under py-spy, of its own: sampling slows the process down, so it is not one of the
    measured runs."""
    progress(f"profile: one more {'full' if full else 'language-only'} e2e run under py-spy (not counted)")
    profiled = run_e2e(base, files, file_ids, full=full, root=root / "profiled", profile=True)
    return {"profile_top": profiled["profile_top"], "profiled_run_articles_per_s": profiled["articles_per_s"]}


def measure(args: argparse.Namespace, base: Settings, root: Path) -> dict[str, Any]:
    if args.steady_only is not None:
        return measure_steady_only(args, base, root)
    files = corpus(args.files)
    pool = corpus(None)
    file_ids, articles = parse_all(files)
    n = args.limit_docs
    res: dict[str, Any] = {"files": len(files), "distinct_articles": len(articles), "repeat": args.repeat,
                           "limit_docs": n}
    full_runs, lang_runs, es_runs, kafka_runs = [], [], [], []
    work_full_runs, work_lang_runs, ner_runs = [], [], []
    best_ner: int | None = None
    for i in range(args.repeat):
        progress(f"repetition {i + 1} of {args.repeat}")
        rep = root / f"r{i}"
        full_runs.append(run_e2e(base, files, file_ids, full=True, root=rep, profile=False))
        if not args.no_language_only:
            lang_runs.append(run_e2e(base, files, file_ids, full=False, root=rep, profile=False))
        es_runs.append(es_bulk_limit(base, full_runs[-1]["settings"], rep, n, args.es_bulk_concurrency))
        kafka_runs.append(kafka_limit(base, rep, articles, n))
        work_full_runs.append(work_limit(base, pool, n, full=True))
        if not args.no_language_only:
            work_lang_runs.append(work_limit(base, pool, n, full=False))
        ner_runs.append(ner_limit(base, articles, n, levels=args.ner_levels, sweep_n=args.ner_sweep_docs,
                                  best=best_ner))
        best_ner = ner_runs[-1]["ner_best_concurrency"]
    full = median_run(full_runs)
    full.pop("settings")
    full.pop("mode")
    if args.profile:
        full.update(_profiled(base, files, file_ids, full=True, root=root))
    res.update(full)
    res.update(median_of(es_runs, "es_bulk_per_s"))
    res.update(median_of(kafka_runs, "kafka_per_s"))
    ner = median_of(ner_runs, "ner_per_s")
    ner["ner_sweep"] = ner_runs[0]["ner_sweep"]
    res.update(ner)
    work_full = median_of(work_full_runs, "work_per_s")
    res["work_full"] = work_full
    res["ratio_to_enrich"] = ratio(res["articles_per_s"], work_full["work_per_s"])
    res["ratio_to_es_bulk"] = ratio(res["articles_per_s"], res["es_bulk_per_s"])
    res["plumbing_cpu_ms_per_article_full"] = difference(res.get("pipeline_cpu_ms_per_article"),
                                                         work_full["work_cpu_ms_per_article"])
    res["plumbing_cpu_ms_per_article"] = None
    if lang_runs:
        lang = median_run(lang_runs)
        lang.pop("settings")
        work_lang = median_of(work_lang_runs, "work_per_s")
        lang["work"] = work_lang
        lang["ratio_to_work"] = ratio(lang["articles_per_s"], work_lang["work_per_s"])
        lang["ratio_to_es_bulk"] = ratio(lang["articles_per_s"], res["es_bulk_per_s"])
        lang["plumbing_cpu_ms_per_article"] = difference(lang.get("pipeline_cpu_ms_per_article"),
                                                         work_lang["work_cpu_ms_per_article"])
        lang.update(split_work_and_plumbing(lang.get("pipeline_cpu_ms_per_article"),
                                            lang.get("step_cpu_ms_per_article") or {},
                                            work_lang["work_cpu_ms_per_article"]))
        if args.profile:
            lang.update(_profiled(base, files, file_ids, full=False, root=root))
        res["plumbing_cpu_ms_per_article"] = lang["plumbing_cpu_ms_per_article"]
        res["language_only"] = lang
    if not args.no_scale:
        scale_files = files[: args.scale_files]
        scale_ids = {name: file_ids[name] for name, _ in scale_files}
        res["scale_out"] = [run_scale(base, scale_files, scale_ids, w, root) for w in (1, 2)]
    if args.steady_seconds > 0:
        rate = max(0.5, 0.5 * res["articles_per_s"])
        res["steady"] = run_steady(base, pool, rate, args.steady_seconds, root,
                                   story_window_hours=args.steady_story_window_hours)
    return res


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    configure_logging("WARNING")  # the service's logs go to stderr: stdout carries only the JSON line
    base = Settings()
    stack_up(base, progress=progress)
    with tempfile.TemporaryDirectory(prefix="newsingest-bench-") as tmp:
        res = measure(args, base, Path(tmp))
    if args.no_record:
        print(json.dumps(res, default=str))
    else:
        record("e2e", res, markdown(res), base, path=args.results)
    if args.steady_only is not None:
        steady = res["steady"]
        progress(f"done: steady p99 {steady['p99_ms']} ms, pipeline RSS flat: {steady['rss'].get('flat')}")
    else:
        progress(f"done: {res['articles_per_s']} articles/s end to end (full), plumbing "
                 f"{res['plumbing_cpu_ms_per_article']} ms CPU per article (language only)")


if __name__ == "__main__":
    try:
        main()
    finally:
        stop_launched()
