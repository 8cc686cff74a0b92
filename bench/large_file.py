"""Benchmark: one large JSONL file streamed by ``newsingest watch`` (issue 12, item 2).

Generates N articles (default 1,000,000, about 1.3 GB) into a temp dir (``bench/corpus.py``), starts
``newsingest watch`` on an isolated namespace, renames the file into its inbox and measures: articles/s from
the rename until the file is in processed/, the time to the first article on the raw topic, the peak RSS of
the watcher process (sampled every 0.5 s). In the same run, the raw producer's full speed: plain aiokafka with
the pipeline's client settings (``raw_producer``) sending the same number of messages of the same size with
the same in-flight window. Prints one JSON line and appends a section to docs/benchmarks.md.

    python bench/large_file.py --articles 1000000
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiokafka import AIOKafkaConsumer

from bench.common import ProcessSampler, progress, record
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--timeout", type=float, default=3600.0)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-large-"))
    settings = isolated_settings(Settings(), root)
    settings.inbox_dir.mkdir(parents=True)
    staging = root / "staging"
    staging.mkdir()
    progress(f"writing {args.articles} articles")
    size = write_jsonl(staging / "large.jsonl", args.articles)
    asyncio.run(ensure_topics(settings))
    watcher = PipelineProcess(settings, root / "watch.log", ("watch",)).start()
    try:
        time.sleep(5)  # the watcher is up
        sampler = ProcessSampler({"watcher": watcher.proc.pid}, interval=0.5)  # type: ignore[union-attr]
        sampler.start()
        dropped = time.monotonic()
        (staging / "large.jsonl").rename(settings.inbox_dir / "large.jsonl")
        deadline = dropped + args.timeout
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
    finally:
        watcher.stop()
    progress("raw producer run")
    try:
        raw = asyncio.run(raw_speed(settings, args.articles))
    finally:
        remove_namespace(settings)
    rate = args.articles / (finished - dropped)
    results = {
        "articles": args.articles, "file_bytes": size, "articles_per_s": round(rate, 1),
        "mb_per_s": round(size / (finished - dropped) / 1e6, 2),
        "first_article_s": round(first_at - dropped, 2) if first_at else None,
        "watcher_rss_mb_max": usage["rss_mb_max"]["watcher"], "watcher_cpu_share": usage["cpu_share_of_one_core"],
        "raw_producer_msgs_per_s": round(raw, 1), "ratio_to_raw_producer": round(rate / raw, 3),
        "rss_mb_series": usage["rss_mb_series"],
    }
    markdown = "\n".join([
        "| measurement | value |", "|---|---|",
        f"| articles in the file / size | {args.articles:,} / {size / 1e6:,.0f} MB |",
        f"| **streamed by `newsingest watch`** | **{rate:,.0f} articles/s** ({results['mb_per_s']} MB/s) |",
        f"| time to the first article on news.raw | {results['first_article_s']} s |",
        f"| **peak RSS of the watcher process** | **{results['watcher_rss_mb_max']} MB** |",
        f"| raw aiokafka producer, same client settings and window | {raw:,.0f} msgs/s |",
        f"| streamed / raw producer | {results['ratio_to_raw_producer']} |",
    ])
    record("large_file", results, markdown, settings)


if __name__ == "__main__":
    main()
