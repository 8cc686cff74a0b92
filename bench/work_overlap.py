"""The work alone (parse + full enrichment in one process, NER by the CoreNLP server of ``newsingest stack up``)
with the enrich agent's batches one after the other against two in flight (the next batch started while the one
before it is finished: ``runtime/overlap.py``), run alternately so both see the same machine.

    .venv/bin/python bench/work_overlap.py [--files 1000] [--repeats 4] [--language-only] [--no-record]

Each repetition runs ``e2e_work.work_limit`` once per mode, the order swapped every other repetition. Reports
articles/s, the process's CPU per article and the NER server's per mode (medians), the ratio overlapped /
sequential of every repetition and its median. The machine is shared and its speed swings (the same work cost
13.5 to 24 ms of CPU per article within ten minutes), so it also reports the **cores kept busy** by the work
(articles/s x the process's and the NER server's CPU per article): how well a mode fills the two cores, whatever
each core's speed at the moment.
"""

from __future__ import annotations

import argparse
import statistics
from typing import Any

from common import corpus, progress, record
from e2e_work import work_limit

from newsingest.config import Settings

MODES = ("sequential", "overlapped")


def _median(runs: list[dict[str, Any]], key: str) -> float | None:
    values = [r[key] for r in runs if r.get(key) is not None]
    return round(statistics.median(values), 3) if values else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=1000, help="files per run (default 1000)")
    parser.add_argument("--repeats", type=int, default=4)
    parser.add_argument("--language-only", action="store_true", help="without NER (default: full enrichment)")
    parser.add_argument("--no-record", action="store_true", help="only print the JSON line")
    args = parser.parse_args()
    settings = Settings()
    pool = corpus(None)
    runs: dict[str, list[dict[str, Any]]] = {mode: [] for mode in MODES}
    for i in range(args.repeats):
        for mode in MODES if i % 2 == 0 else tuple(reversed(MODES)):
            progress(f"repetition {i + 1}/{args.repeats}: {mode}")
            runs[mode].append(work_limit(settings, pool, args.files, full=not args.language_only,
                                         overlap=mode == "overlapped"))  # fmt: skip
    for found in runs.values():
        for r in found:
            cpu_ms = r["work_cpu_ms_per_article"] + (r.get("ner_server_cpu_ms_per_article") or 0.0)
            r["cores_busy"] = round(r["work_per_s"] * cpu_ms / 1000, 3)
    ratios = [round(o["work_per_s"] / s["work_per_s"], 3) for s, o in zip(runs["sequential"], runs["overlapped"],
                                                                          strict=True)]  # fmt: skip
    keys = ("work_per_s", "work_cpu_ms_per_article", "ner_server_cpu_ms_per_article", "cores_busy")
    results = {
        "files": args.files, "repeats": args.repeats, "full": not args.language_only,
        "medians": {mode: {key: _median(found, key) for key in keys} for mode, found in runs.items()},
        "ratios_overlapped_to_sequential": ratios, "ratio_median": statistics.median(ratios),
        "runs": {mode: [{key: r.get(key) for key in keys} for r in found] for mode, found in runs.items()},
    }  # fmt: skip
    rows = [f"| {mode} | {m['work_per_s']} | {m['work_cpu_ms_per_article']} | {m['ner_server_cpu_ms_per_article']} | "
            f"{', '.join(str(r['work_per_s']) for r in runs[mode])} |" for mode, m in results["medians"].items()]
    markdown = "\n".join([
        "| enrich batches | articles/s (median) | process CPU ms/article | NER server CPU ms/article "
        "| cores busy (median) | runs (articles/s) | runs (cores busy) |",
        "|---|---|---|---|---|---|---|", *rows, "",
        f"Overlapped / sequential per repetition: {', '.join(map(str, ratios))} "
        f"(median **{results['ratio_median']}**).",
    ])  # fmt: skip
    if args.no_record:
        print(results)
    else:
        record("work_overlap", results, markdown, settings)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
