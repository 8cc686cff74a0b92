"""Why the indexer lingers: Elasticsearch CPU per document by bulk size, and the pipeline with and without it.

    .venv/bin/python bench/indexer_linger.py [--files 2000] [--rounds 2] [--rate 50] [--seconds 20] [--no-record]

1. **Bulk size** (no pipeline): documents (BBC texts of the corpus under new ids) are bulk-indexed at ``--rate``
   documents per second for ``--seconds`` each, in bulks of 1, 5, 25 and 50, into a scratch index with a 1 s
   refresh; Elasticsearch's CPU (the server and its launcher, from ``/proc``) per document.
2. **Pipeline** (``bench/e2e.py``'s full-enrichment run on ``--files`` files): ``bulk_linger_s`` 0 (one bulk per
   poll, i.e. per few messages) against the setting's default, ``--rounds`` times in turn; throughput, latency,
   the pipeline's CPU per article and every process's CPU share.

Appends a section to docs/benchmarks.md (unless ``--no-record``).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ProcessSampler, corpus, progress, record, stack_pids
from e2e_harness import parse_all, stop_launched
from e2e_pipeline import run_e2e

from newsingest.config import Settings
from newsingest.log import configure_logging
from newsingest.stack.manager import stack_up

SIZES = (1, 5, 25, 50)
INDEX = "newsingest-bench-bulk-size"


def bulk_sizes(settings: Settings, texts: list[str], rate: float, seconds: float) -> dict[str, Any]:
    es = Elasticsearch(settings.es_url)
    pids = {"elasticsearch": stack_pids(settings.stack_dir)["elasticsearch"]}
    es.options(ignore_status=404).indices.delete(index=INDEX)
    es.indices.create(index=INDEX, settings={"index": {"refresh_interval": "1s", "number_of_replicas": 0}},
                      mappings={"properties": {"title": {"type": "text"}, "body": {"type": "text"}}})
    results: dict[str, Any] = {}
    n = 0
    try:
        for size in SIZES:
            progress(f"bulk size {size}: {rate:g} documents/s for {seconds:g} s")
            sampler = ProcessSampler(pids)
            sampler.start()
            start, docs = time.monotonic(), 0
            while time.monotonic() - start < seconds:
                operations: list[dict[str, Any]] = []
                for _ in range(size):
                    text = texts[n % len(texts)]
                    operations += [{"index": {"_index": INDEX, "_id": str(n)}}, {"title": text[:80], "body": text}]
                    n += 1
                es.bulk(operations=operations)
                docs += size
                pause = start + docs / rate - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
            sampler.stop()
            cpu = sampler.cpu_end["elasticsearch"] - sampler.cpu_start["elasticsearch"]
            elapsed = time.monotonic() - start
            results[str(size)] = {"docs_per_s": round(docs / elapsed, 1), "es_cpu_share": round(cpu / elapsed, 3),
                                  "es_cpu_ms_per_doc": round(cpu / docs * 1000, 2)}
    finally:
        es.options(ignore_status=404).indices.delete(index=INDEX)
    return results


def pipeline(base: Settings, files: list[tuple[str, bytes]], rounds: int, root: Path) -> dict[str, Any]:
    file_ids, _ = parse_all(files)
    lingers = {"0": 0.0, "default": base.bulk_linger_s}
    runs: dict[str, list[dict[str, Any]]] = {label: [] for label in lingers}
    for r in range(rounds):
        for label, linger in lingers.items():
            progress(f"round {r + 1} of {rounds}: bulk_linger_s {linger}")
            res = run_e2e(base.model_copy(update={"bulk_linger_s": linger}), files, file_ids, full=True,
                          root=root / f"r{r}-{label}", profile=False)
            runs[label].append({k: res[k] for k in ("articles_per_s", "p50_ms", "p99_ms", "pipeline_cpu_ms_per_article",
                                                    "cpu_share_of_one_core")})
    summary: dict[str, Any] = {}
    for label, values in runs.items():
        summary[label] = {
            "bulk_linger_s": lingers[label],
            "articles_per_s": statistics.median(v["articles_per_s"] for v in values),
            "p50_ms": statistics.median(v["p50_ms"] for v in values),
            "p99_ms": statistics.median(v["p99_ms"] for v in values),
            "es_cpu_share": statistics.median(v["cpu_share_of_one_core"].get("elasticsearch", 0) for v in values),
            "runs": values,
        }
    return summary


def markdown(res: dict[str, Any]) -> str:
    lines = ["Elasticsearch CPU by bulk size, at a fixed rate (1 s refresh):", "",
             "| documents per bulk | documents/s | ES CPU share of one core | ES CPU ms per document |",
             "|---|---|---|---|"]
    for size, row in res["bulk_sizes"].items():
        lines.append(f"| {size} | {row['docs_per_s']} | {row['es_cpu_share']} | {row['es_cpu_ms_per_doc']} |")
    lines += ["", f"Pipeline, full enrichment, {res['files']} files, medians of {res['rounds']} rounds in turn:", "",
              "| bulk_linger_s | articles/s | p50 / p99 ms (burst) | ES CPU share | runs (articles/s, ES share) |",
              "|---|---|---|---|---|"]
    for row in res["pipeline"].values():
        runs = ", ".join(f"{r['articles_per_s']} / {r['cpu_share_of_one_core'].get('elasticsearch')}"
                         for r in row["runs"])
        lines.append(f"| {row['bulk_linger_s']} | {row['articles_per_s']} | {row['p50_ms']:.0f} / {row['p99_ms']:.0f} "
                     f"| {row['es_cpu_share']} | {runs} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    configure_logging("WARNING")
    base = Settings()
    stack_up(base, progress=progress)
    files = corpus(args.files)
    texts = [data.decode("utf-8", "replace") for _, data in files[:500]]
    res: dict[str, Any] = {"files": len(files), "rounds": args.rounds, "rate": args.rate}
    res["bulk_sizes"] = bulk_sizes(base, texts, args.rate, args.seconds)
    try:
        with tempfile.TemporaryDirectory(prefix="newsingest-bench-") as tmp:
            res["pipeline"] = pipeline(base, files, args.rounds, Path(tmp))
    finally:
        stop_launched()
    if args.no_record:
        print(res)
    else:
        record("indexer_linger", res, markdown(res), base)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
