"""Benchmark: alerts on the live stream (issue 15, item 7).

    python bench/alerts.py --rules 1000 --files 600 --steady-seconds 60

On the local stack, language detection only (NER off: the cost measured is the alerts', not CoreNLP's):
1. throughput without rules: ``--files`` article files (BBC + 10kGNAD) dropped at once into a running
   ``newsingest run``; articles/s from the first drop to the last one searchable;
2. the same with ``--rules`` rules active (two title words of a corpus article each, a fifth with a language
   filter; every rule has a webhook to a local receiver that keeps connections alive): articles/s;
   (1) and (2) alternate ``--repeat`` times, each in a fresh namespace; medians and the ratio of the medians;
3. steady load at half of the median rate of (1) (the pipeline's maximum), for ``--steady-seconds``, on the
   last pipeline with rules: for every article that matched at least one rule, the latency from its file being
   complete in the inbox (renamed in) to the first webhook received for it, p50 and p99, cut into file ->
   searchable (an Elasticsearch poll every 0.2 s), -> first match on news.alerts, -> webhook; the webhooks
   received, the pipeline's RSS and CPU.
Prints one JSON line and appends a section to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import sys
import tempfile
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from aiokafka import AIOKafkaConsumer
from common import ProcessSampler, copies, corpus, median, percentile, progress, record

from newsingest.alerts.rules import AlertRule
from newsingest.alerts.store import RuleStore
from newsingest.config import Settings
from newsingest.index.client import sync_client
from newsingest.ingest.formats.base import ParseError, SourceFile
from newsingest.ingest.formats.registry import parse_file
from newsingest.kafka.topics import ensure_topics
from newsingest_devtools.sandbox import PipelineProcess, isolated_settings, remove_namespace

WORD = re.compile(r"[A-Za-zÄÖÜäöüß]{5,}")


class Receiver:
    """Webhook receiver: the arrival time of the first delivery per article, and the number of deliveries."""

    def __init__(self) -> None:
        self.first: dict[str, float] = {}
        self.count = 0
        lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as webhook receivers behind any web server

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                now = time.monotonic()
                article = json.loads(body)["article_id"]
                with lock:
                    receiver.count += 1
                    receiver.first.setdefault(article, now)
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_: Any) -> None:
                return

        class Server(ThreadingHTTPServer):
            request_queue_size = 1024  # a listen backlog like a web server's (the default, 5, drops connections)

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = int(self.server.server_address[1])
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


class Stages:
    """When each article became searchable (a poll every 0.2 s) and when its first match reached news.alerts: the
    latency to the webhook, cut into pipeline (file -> searchable), matching (-> news.alerts), delivery."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.searchable: dict[str, float] = {}
        self.picked_up: dict[str, float] = {}  # the watcher's pickup time (the article's ingested_at)
        self.matched: dict[str, float] = {}
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._poll_search, daemon=True),
                        threading.Thread(target=lambda: asyncio.run(self._watch_matches()), daemon=True)]
        for thread in self.threads:
            thread.start()

    def _poll_search(self) -> None:
        es = sync_client(self.settings)
        wall_minus_monotonic = time.time() - time.monotonic()
        try:
            while not self.stopping.is_set():
                now = time.monotonic()
                # only what was picked up in the last 15 s (from doc values, no _source), diffed here: a list of
                # every id seen so far in the query, five times a second, would load Elasticsearch more and more
                # as the run goes on, and the measurement would slow down what it measures
                try:
                    hits = es.search(index=self.settings.read_alias, size=10000, source=False,
                                     docvalue_fields=[{"field": "ingested_at", "format": "epoch_millis"}],
                                     query={"range": {"ingested_at": {"gte": "now-15s"}}},
                                     filter_path=["hits.hits._id", "hits.hits.fields"])["hits"]["hits"]
                except Exception:
                    hits = []
                for hit in hits:
                    if hit["_id"] not in self.searchable:
                        self.searchable[hit["_id"]] = now
                        picked = float(hit["fields"]["ingested_at"][0]) / 1000
                        self.picked_up[hit["_id"]] = picked - wall_minus_monotonic
                time.sleep(0.2)
        finally:
            es.close()

    async def _watch_matches(self) -> None:
        consumer = AIOKafkaConsumer(self.settings.topic_alerts, bootstrap_servers=self.settings.kafka_servers,
                                    auto_offset_reset="latest", enable_auto_commit=False)
        await consumer.start()
        try:
            while not self.stopping.is_set():
                batches = await consumer.getmany(timeout_ms=200)
                now = time.monotonic()
                for records in batches.values():
                    for record in records:
                        self.matched.setdefault(json.loads(record.value or b"{}").get("article_id", ""), now)
        finally:
            await consumer.stop()

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=10)


def article_ids(files: list[tuple[str, bytes]]) -> dict[str, list[str]]:
    ids: dict[str, list[str]] = {}
    for name, data in files:
        try:
            ids[name] = [a.article_id for a in parse_file(SourceFile(name=name, data=data))]
        except ParseError:
            ids[name] = []
    return ids


def make_rules(files: list[tuple[str, bytes]], n: int, port: int | None, seed: int = 5) -> list[AlertRule]:
    """``n`` rules as people write them: the two rarest words (in the corpus) of one article's title, ANDed, a
    fifth restricted to a language; each with a webhook to the receiver on ``port`` (None: no webhooks)."""
    rng = random.Random(seed)
    titles = []
    document_frequency: Counter[str] = Counter()
    for name, data in files:
        try:
            articles = parse_file(SourceFile(name=name, data=data))
        except ParseError:
            continue
        document_frequency.update({w.lower() for w in WORD.findall(articles[0].body + " " + articles[0].title)})
        words = sorted(set(WORD.findall(articles[0].title)))
        if len(words) >= 2:
            titles.append((words, "de" if name.startswith("gnad") else "en"))
    rules = []
    for i in range(n):
        words, lang = rng.choice(titles)
        a, b = sorted(words, key=lambda w: (document_frequency[w.lower()], w))[:2]
        filters = {"lang": [lang]} if i % 5 == 0 else {}
        hook = {"webhook_url": f"http://127.0.0.1:{port}/hook", "secret": f"s{i}"} if port is not None else {}
        rules.append(AlertRule(name=f"rule {i}", query=f"{a} {b}", filters=filters, **hook))
    return rules


async def store_rules(settings: Settings, rules: list[AlertRule]) -> None:
    await ensure_topics(settings)
    store = RuleStore(settings, role="bench")
    await store.start()
    try:
        for rule in rules:
            store.map[rule.id] = rule.stored_json()
        await store.map.flush()
    finally:
        await store.stop()


def searchable(settings: Settings) -> int:
    es = sync_client(settings)
    try:
        if not es.indices.exists_alias(name=settings.read_alias):
            return 0
        return int(es.count(index=settings.read_alias)["count"])
    finally:
        es.close()


def drop(settings: Settings, staging: Path, name: str, data: bytes) -> float:
    (staging / name).write_bytes(data)
    (staging / name).rename(settings.inbox_dir / name)
    return time.monotonic()


def throughput(settings: Settings, root: Path, files: list[tuple[str, bytes]], expected: int,
               timeout: float) -> tuple[float, PipelineProcess]:
    """Articles/s of dropping ``files`` at once into a fresh pipeline; the pipeline keeps running."""
    settings.inbox_dir.mkdir(parents=True, exist_ok=True)
    staging = root / "staging"
    staging.mkdir(exist_ok=True)
    pipeline = PipelineProcess(settings, root / "run.log").start()
    deadline = time.monotonic() + 120
    while "indexer started" not in pipeline.log() and time.monotonic() < deadline:
        time.sleep(0.5)
    time.sleep(2)  # the rules' replica and the notifier are up
    started = time.monotonic()
    for name, data in files:
        drop(settings, staging, name, data)
    deadline = started + timeout
    while searchable(settings) < expected:
        pipeline.log()
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out: {searchable(settings)} of {expected} searchable")
        time.sleep(0.5)
    return expected / (time.monotonic() - started), pipeline


def steady(settings: Settings, root: Path, pipeline: PipelineProcess, files: list[tuple[str, bytes]],
           rate: float, seconds: float, receiver: Receiver) -> dict[str, Any]:
    staging = root / "staging"
    ids = article_ids(files)
    dropped: dict[str, float] = {}
    sampler = ProcessSampler({"pipeline": pipeline.proc.pid}, interval=2.0)  # type: ignore[union-attr]
    stages = Stages(settings)
    sampler.start()
    started = time.monotonic()
    sent = 0
    for name, data in files:
        due = started + sent / rate
        if due > started + seconds:
            break
        time.sleep(max(0.0, due - time.monotonic()))
        at = drop(settings, staging, name, data)
        for article in ids[name]:
            dropped.setdefault(article, at)
        sent += 1
        sampler.sample()
    time.sleep(10)  # the last matches arrive
    usage = sampler.stop()
    stages.stop()
    latencies = sorted(receiver.first[a] - dropped[a] for a in dropped if a in receiver.first)
    hooked = [a for a in dropped if a in receiver.first and a in stages.matched and a in stages.searchable]
    cut = {
        "file_to_pickup": [stages.picked_up[a] - dropped[a] for a in hooked],
        "pickup_to_searchable": [stages.searchable[a] - stages.picked_up[a] for a in hooked],
        "file_to_searchable": [stages.searchable[a] - dropped[a] for a in hooked],
        "searchable_to_match": [stages.matched[a] - stages.searchable[a] for a in hooked],
        "match_to_webhook": [receiver.first[a] - stages.matched[a] for a in hooked],
    }
    return {
        "files_dropped": sent, "rate_files_per_s": round(rate, 1), "articles_matched": len(latencies),
        "webhooks_received": receiver.count,
        "latency_p50_s": round(percentile(latencies, 50), 3) if latencies else None,
        "latency_p99_s": round(percentile(latencies, 99), 3) if latencies else None,
        "pipeline_rss_mb_max": usage["rss_mb_max"]["pipeline"],
        "stages_p50_p99_s": {name: [round(percentile(sorted(v), 50), 3), round(percentile(sorted(v), 99), 3)]
                             for name, v in cut.items() if v},
        "pipeline_cpu_share_of_one_core": usage["cpu_share_of_one_core"].get("pipeline"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", type=int, default=1000)
    parser.add_argument("--files", type=int, default=600, help="files of each throughput run")
    parser.add_argument("--steady-seconds", type=float, default=60.0)
    parser.add_argument("--timeout", type=float, default=900.0)
    parser.add_argument("--repeat", type=int, default=3, help="alternated throughput runs without/with rules")
    parser.add_argument("--no-record", action="store_true", help="only print the JSON line; append nothing")
    args = parser.parse_args()
    base = Settings().model_copy(update={"ner_enabled": False})
    files = corpus(args.files)
    expected = len({a for ids in article_ids(files).values() for a in ids})  # distinct: copies share an id
    receiver = Receiver()
    results: dict[str, Any] = {"rules": args.rules, "files": args.files, "articles": expected, "ner": False}
    namespaces = []
    plain_rates: list[float] = []
    ruled_rates: list[float] = []
    rules = make_rules(files, args.rules, receiver.port)
    pipeline: PipelineProcess | None = None
    try:
        for run in range(1, args.repeat + 1):  # alternated, so a noisy minute hurts both sides alike
            progress(f"run {run}/{args.repeat}: throughput without rules ({args.files} files)")
            plain = isolated_settings(base, root := Path(tempfile.mkdtemp(prefix="bench-alerts-")))
            namespaces.append(plain)
            rate, pipeline = throughput(plain, root, files, expected, args.timeout)
            pipeline.stop()
            remove_namespace(plain)
            plain_rates.append(rate)
            progress(f"run {run}/{args.repeat}: throughput with {args.rules} rules ({rate:.1f} articles/s without)")
            ruled = isolated_settings(base, root := Path(tempfile.mkdtemp(prefix="bench-alerts-")),
                                      webhook_allowed_hosts=["127.0.0.1"])
            namespaces.append(ruled)
            asyncio.run(store_rules(ruled, rules))
            rate, pipeline = throughput(ruled, root, files, expected, args.timeout)
            ruled_rates.append(rate)
            if run < args.repeat:
                pipeline.stop()
                remove_namespace(ruled)
        assert pipeline is not None
        try:  # half of the pipeline's maximum (without rules), on the last pipeline with rules
            files_rate = median(plain_rates) * args.files / expected / 2
            progress(f"steady load at {files_rate:.1f} files/s for {args.steady_seconds:.0f} s")
            more = list(copies(corpus(None), args.files + int(files_rate * args.steady_seconds) + 10))[args.files:]
            receiver.first.clear()
            receiver.count = 0
            results["steady"] = steady(ruled, root, pipeline, more, files_rate, args.steady_seconds, receiver)
        finally:
            pipeline.stop()
    finally:
        receiver.server.shutdown()
        for settings in namespaces:
            remove_namespace(settings)
    rate_plain, rate_rules = median(plain_rates), median(ruled_rates)
    results.update({
        "articles_per_s_without_rules": round(rate_plain, 1), "articles_per_s_with_rules": round(rate_rules, 1),
        "ratio_with_to_without": round(rate_rules / rate_plain, 3),
        "runs_without_rules": [round(r, 1) for r in plain_rates], "runs_with_rules": [round(r, 1) for r in ruled_rates],
        "ratio_per_run": [round(b / a, 3) for a, b in zip(plain_rates, ruled_rates, strict=True)],
    })
    s = results["steady"]
    markdown = "\n".join([
        "| measurement | value |", "|---|---|",
        f"| articles per throughput run (language only) | {expected:,} |",
        f"| throughput without rules, median of {args.repeat} (runs) | {rate_plain:.1f} articles/s "
        f"({', '.join(map(str, results['runs_without_rules']))}) |",
        f"| **throughput with {args.rules:,} rules**, median (runs) | **{rate_rules:.1f} articles/s "
        f"({results['ratio_with_to_without']} of without)** ({', '.join(map(str, results['runs_with_rules']))}) |",
        f"| ratio per alternated pair of runs | {', '.join(map(str, results['ratio_per_run']))} |",
        f"| steady load (half of the median rate without rules) | {s['rate_files_per_s']} files/s for "
        f"{args.steady_seconds:.0f} s, {s['files_dropped']} files |",
        f"| articles matched / webhooks received | {s['articles_matched']} / {s['webhooks_received']} |",
        f"| **file complete → first webhook, p50 / p99** | **{s['latency_p50_s']} s / {s['latency_p99_s']} s** |",
        *[f"| of which {name.replace('_', ' ')}, p50 / p99 | {v[0]} s / {v[1]} s |"
          for name, v in s.get("stages_p50_p99_s", {}).items()],
        f"| pipeline peak RSS, CPU share of one core (steady) | {s['pipeline_rss_mb_max']} MB, "
        f"{s.get('pipeline_cpu_share_of_one_core')} |",
    ])
    if args.no_record:
        print(json.dumps(results))
    else:
        record("alerts", results, markdown, base)


if __name__ == "__main__":
    main()
