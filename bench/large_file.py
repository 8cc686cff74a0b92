"""Benchmark: one large JSONL file streamed by ``newsingest watch`` (issue 12, item 2).

Generates N articles (default 1,000,000, about 1.3 GB) into a temp dir (``bench/corpus.py``), starts
``newsingest watch`` on an isolated namespace, renames the file into its inbox and measures: articles/s from
the rename until the file is in processed/, the time to the first article on the raw topic, the peak RSS of
the watcher process (sampled every 0.5 s). In the same run, the raw producer's full speed: plain aiokafka with
the pipeline's client settings (``raw_producer``) sending the same number of messages of the same size with
the same in-flight window, right after each watcher run. Each value of ``--parse-processes`` (the watcher's
``stream_parse_processes``) is run ``--repeat`` times, alternating, and medians are reported. Prints one JSON
line and appends a section to docs/benchmarks.md.

    python bench/large_file.py --articles 1000000 --parse-processes 1,2 --repeat 3
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiokafka import AIOKafkaConsumer

from bench.common import ProcessSampler, median, progress, record
from bench.corpus import jsonl_lines, write_jsonl
from newsingest.config import Settings
from newsingest.ingest.producer import raw_producer
from newsingest.kafka.topics import ensure_topics
from newsingest_devtools.sandbox import PipelineProcess, isolated_settings, remove_namespace


async def _first_message_at(settings: Settings, deadline: float) -> float | None:
    consumer = AIOKafkaConsumer(settings.topic_raw, bootstrap_servers=settings.kafka_servers, group_id=None,
                                auto_offset_reset="earliest")
    await consumer.start()
    try:
        while time.monotonic() < deadline:
            if await consumer.getmany(timeout_ms=200, max_records=1):
                return time.monotonic()
    finally:
        await consumer.stop()
    return None


async def raw_speed(settings: Settings, count: int) -> float:
    """Messages/s of plain aiokafka with the pipeline's producer settings and in-flight window."""
    topic = settings.topic_raw  # the namespace's own topic (brokers here do not auto-create topics)
    producer = raw_producer(settings)
    await producer.start()
    try:
        window: list[asyncio.Future[Any]] = []
        started = time.monotonic()
        for n, line in enumerate(jsonl_lines(count, seed=99)):
            window.append(await producer.send(topic, key=str(n).encode(), value=line * 2))  # ~ RawArticle size
            if len(window) >= settings.stream_in_flight:
                await asyncio.gather(*window[: len(window) // 2])
                window = window[len(window) // 2 :]
        await asyncio.gather(*window)
        return count / (time.monotonic() - started)
    finally:
        await producer.stop()


def watcher_run(staging: Path, root: Path, processes: int, timeout: float, articles: int) -> dict[str, Any]:
    """Stream ``staging/large.jsonl`` once with ``newsingest watch`` on a namespace of its own; the file is moved
    back to ``staging`` afterwards, and the raw producer measured on the same namespace."""
    settings = isolated_settings(Settings(), root / f"run-{time.monotonic_ns()}", stream_parse_processes=processes)
    settings.inbox_dir.mkdir(parents=True)
    asyncio.run(ensure_topics(settings))
    watcher = PipelineProcess(settings, settings.inbox_dir.parent / "watch.log", ("watch",)).start()
    try:
        time.sleep(5)  # the watcher is up
        sampler = ProcessSampler({"watcher": watcher.proc.pid}, interval=0.5)  # type: ignore[union-attr]
        sampler.start()
        dropped = time.monotonic()
        (staging / "large.jsonl").rename(settings.inbox_dir / "large.jsonl")
        deadline = dropped + timeout
        first_at = asyncio.run(_first_message_at(settings, deadline))
        done = settings.processed_path / "large.jsonl"
        while not done.exists() and time.monotonic() < deadline:
            watcher.log()
            sampler.sample()
            time.sleep(0.5)
        finished = time.monotonic()
        usage = sampler.stop()
        if not done.exists():
            raise SystemExit(f"timed out; log:\n{watcher.log()[-3000:]}")
        done.rename(staging / "large.jsonl")
    finally:
        watcher.stop()
    try:
        raw = asyncio.run(raw_speed(settings, articles))
    finally:
        remove_namespace(settings)
    return {"seconds": finished - dropped, "first_article_s": first_at - dropped if first_at else None,
            "rss_mb_max": usage["rss_mb_max"]["watcher"], "cpu_share": usage["cpu_share_of_one_core"]["watcher"],
            "rss_mb_series": usage["rss_mb_series"]["watcher"], "raw": raw}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--timeout", type=float, default=3600.0)
    parser.add_argument("--parse-processes", default="1,2",
                        help="values of stream_parse_processes to compare, comma-separated (the default is 2)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each value, alternating; medians reported")
    parser.add_argument("--no-record", action="store_true", help="only print the JSON line; append nothing")
    args = parser.parse_args()
    values = [int(v) for v in args.parse_processes.split(",")]
    root = Path(tempfile.mkdtemp(prefix="bench-large-"))
    staging = root / "staging"
    staging.mkdir()
    progress(f"writing {args.articles} articles")
    size = write_jsonl(staging / "large.jsonl", args.articles)
    runs: dict[int, list[dict[str, Any]]] = {v: [] for v in values}
    for repeat in range(args.repeat):
        for value in values:
            progress(f"run {repeat + 1}/{args.repeat}: stream_parse_processes={value}")
            runs[value].append(watcher_run(staging, root, value, args.timeout, args.articles))
            progress(f"  {args.articles / runs[value][-1]['seconds']:,.0f} articles/s, raw producer "
                     f"{runs[value][-1]['raw']:,.0f} msgs/s")
    by_value = {}
    for value, results in runs.items():
        rates = [args.articles / r["seconds"] for r in results]
        raws = [r["raw"] for r in results]
        by_value[str(value)] = {
            "articles_per_s": round(median(rates), 1), "runs_articles_per_s": [round(r, 1) for r in rates],
            "raw_producer_msgs_per_s": round(median(raws), 1),
            "ratio_to_raw_producer": round(median([a / b for a, b in zip(rates, raws, strict=True)]), 3),
            "first_article_s": round(median([r["first_article_s"] or float("nan") for r in results]), 2),
            "watcher_rss_mb_max": max(r["rss_mb_max"] for r in results),
            "watcher_cpu_share": round(median([r["cpu_share"] for r in results]), 3),
            "mb_per_s": round(median([size / r["seconds"] / 1e6 for r in results]), 2),
        }
    default = Settings().stream_parse_processes
    main_value = str(default if default in values else values[0])
    results = {"articles": args.articles, "file_bytes": size, "repeat": args.repeat,
               "default_parse_processes": main_value, **by_value[main_value], "by_parse_processes": by_value,
               "rss_mb_series": runs[int(main_value)][-1]["rss_mb_series"]}
    rows = [f"| {v} | {r['articles_per_s']:,.0f} ({', '.join(f'{x:,.0f}' for x in r['runs_articles_per_s'])}) "
            f"| {r['raw_producer_msgs_per_s']:,.0f} | **{r['ratio_to_raw_producer']}** | {r['first_article_s']} s "
            f"| {r['watcher_rss_mb_max']} MB | {r['watcher_cpu_share']} |" for v, r in by_value.items()]
    markdown = "\n".join([
        f"{args.articles:,} articles in one JSONL file of {size / 1e6:,.0f} MB, streamed by `newsingest watch`; "
        f"medians of {args.repeat} alternating runs; the raw aiokafka producer (the pipeline's client settings and "
        "in-flight window, messages of the same size) measured right after each run.", "",
        "| parser processes | **articles/s** (runs) | raw producer msgs/s | streamed / raw | first article on "
        "news.raw | peak RSS, watcher + parsers | CPU, cores |", "|---|---|---|---|---|---|---|", *rows,
    ])
    if args.no_record:
        print(json.dumps({"benchmark": "large_file", **results}))
    else:
        record("large_file", results, markdown, Settings())


if __name__ == "__main__":
    main()
