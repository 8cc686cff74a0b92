"""Benchmark: export of a large result (issue 15, item 6): rows/s and peak RSS, showing bounded memory.

Generates N synthetic enriched articles (default 200,000; ``bench/corpus.py`` text, 4 persons, places, a
story each) into an isolated index, starts ``newsingest serve`` on it and streams ``GET /api/export`` as CSV and
as NDJSON (every article), and as CSV with a filter matching a tenth of them; then ``newsingest search --export
csv`` into /dev/null. For each: rows, seconds, rows/s, MB/s and the peak RSS of the exporting process (sampled
every 0.2 s) next to its RSS before the export. Bounded memory shows as the same peak for a tenth and for all.
Prints one JSON line and appends a section to docs/benchmarks.md.

    python bench/export.py --articles 200000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
import psutil

from bench.common import ProcessSampler, progress, record, without_series
from bench.corpus import article
from newsingest.config import Settings
from newsingest.index.client import async_client
from newsingest.index.document import to_document
from newsingest.index.export import PAGE_SIZE
from newsingest.index.setup import ensure_index
from newsingest.models import EnrichedArticle, Entity, EntityType, Place, Provenance
from newsingest_devtools.sandbox import PipelineProcess, isolated_settings, remove_namespace, settings_env

NEWSINGEST = str(Path(sys.executable).with_name("newsingest"))
_PERSONS = [f"Person {chr(65 + i)}{chr(65 + j)}" for i in range(26) for j in range(26)]
_SOURCES = [f"Source {i}" for i in range(10)]


def documents(count: int) -> Iterator[tuple[str, dict[str, Any]]]:
    rng = random.Random(15)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for n in range(count):
        text = article(n, rng, body_words=60)
        enriched = EnrichedArticle(
            article_id=f"{n:064x}", title=text["title"], body=text["body"], language="en", language_confidence=0.99,
            published_at=start + timedelta(minutes=n), source=_SOURCES[n % 10], url=f"https://news.example/{n}",
            entities=[Entity(name=rng.choice(_PERSONS), type=EntityType.PERSON, count=1) for _ in range(4)],
            places=[Place(name="Brussels", resolved_name="Brussels", country_code="BE", lat=50.85, lon=4.35)],
            countries=["BE"], word_count=60, story_id=f"{n // 5:064x}", pipeline_version="bench",
            provenance=Provenance(file_name=f"{n}.json", file_sha256="0" * 64, file_size=1,
                                  media_type="application/json", format="json", received_at=start),
        )
        yield enriched.article_id, to_document(enriched)


async def load(settings: Settings, count: int) -> float:
    """Bulk the generated articles in (chunks of 2,000), refresh; returns the seconds it took."""
    es = async_client(settings, request_timeout=120)
    started = time.monotonic()
    try:
        await ensure_index(es, settings)
        batch: list[dict[str, Any]] = []
        for n, (doc_id, doc) in enumerate(documents(count), 1):
            batch += [{"index": {"_id": doc_id}}, doc]
            if len(batch) >= 4000 or n == count:
                response = await es.bulk(operations=batch, index=settings.write_alias)
                if response["errors"]:
                    raise SystemExit(f"bulk errors: {str(response)[:1000]}")
                batch = []
                if n % 20000 == 0:
                    progress(f"indexed {n}")
        await es.indices.refresh(index=settings.read_alias)
        return time.monotonic() - started
    finally:
        await es.close()


def _measure(pid: int, run: Any) -> dict[str, Any]:
    before = psutil.Process(pid).memory_info().rss / 2**20
    sampler = ProcessSampler({"p": pid}, interval=0.2)
    sampler.start()
    started = time.monotonic()
    rows, size = run(sampler)
    seconds = time.monotonic() - started
    usage = sampler.stop()
    return {"rows": rows, "seconds": round(seconds, 2), "rows_per_s": round(rows / seconds), "mb": round(size / 1e6, 1),
            "mb_per_s": round(size / 1e6 / seconds, 1), "rss_mb_before": round(before, 1),
            "rss_mb_max": usage["rss_mb_max"]["p"], "cpu_share": usage["cpu_share_of_one_core"]["p"],
            "rss_mb_series": usage["rss_mb_series"]["p"]}


def http_export(url: str, params: dict[str, str]) -> Any:
    def run(sampler: ProcessSampler) -> tuple[int, int]:
        rows = size = 0
        with httpx.stream("GET", f"{url}/api/export", params=params, timeout=120) as response:
            response.raise_for_status()
            for chunk in response.iter_bytes(1 << 16):
                size += len(chunk)
                rows += chunk.count(b"\n")
                sampler.sample()
        return rows - (1 if params["format"] == "csv" else 0), size

    return run


def _lines(path: Path) -> int:
    with open(path, "rb") as fh:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))


def cli_export(settings: Settings, out: Path) -> dict[str, Any]:
    """``newsingest search --export csv > out`` (the time includes the process's start-up)."""
    with open(out, "wb") as fh:
        proc = subprocess.Popen([NEWSINGEST, "search", "--export", "csv"], env=settings_env(settings), stdout=fh,
                                stderr=subprocess.DEVNULL)

        def run(sampler: ProcessSampler) -> tuple[int, int]:
            while proc.poll() is None:
                sampler.sample()
                time.sleep(0.05)
            if proc.returncode != 0:
                raise SystemExit(f"newsingest search --export exited {proc.returncode}")
            return _lines(out) - 1, out.stat().st_size

        result = _measure(proc.pid, run)
    result.pop("cpu_share")  # the process has exited when the sampler stops: its CPU time is gone with it
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200_000)
    parser.add_argument("--no-record", action="store_true", help="only print the JSON line")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-export-"))
    settings = isolated_settings(Settings(), root)
    server: PipelineProcess | None = None
    try:
        progress(f"indexing {args.articles} articles")
        load_s = asyncio.run(load(settings, args.articles))
        server = PipelineProcess(settings, root / "serve.log", ("serve", "--port", str(settings.web_port))).start()
        url = f"http://127.0.0.1:{settings.web_port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"serve did not start:\n{server.log()[-3000:]}")
            time.sleep(0.3)
        pid = server.proc.pid  # type: ignore[union-attr]
        runs: dict[str, dict[str, Any]] = {}
        for name, params in (("http_csv_tenth", {"format": "csv", "source": "source 3"}),
                             ("http_csv_all", {"format": "csv"}), ("http_ndjson_all", {"format": "ndjson"})):
            progress(f"export {name}")
            runs[name] = _measure(pid, http_export(url, params))
        progress("export through the CLI")
        runs["cli_csv_all"] = cli_export(settings, root / "out.csv")
    finally:
        if server is not None:
            server.stop()
        remove_namespace(settings)
    for name, result in runs.items():
        expected = args.articles // 10 if name.endswith("tenth") else args.articles
        if result["rows"] != expected:
            raise SystemExit(f"{name}: {result['rows']} rows, expected {expected}")
    results = {"articles": args.articles, "page_size": PAGE_SIZE, "index_load_s": round(load_s, 1), **runs}
    lines = ["| export | rows | time | rows/s | MB (MB/s) | RSS before → peak |", "|---|---|---|---|---|---|"]
    labels = {"http_csv_tenth": "HTTP CSV, `source=source 3` (a tenth)", "http_csv_all": "**HTTP CSV, all**",
              "http_ndjson_all": "HTTP NDJSON, all", "cli_csv_all": "`newsingest search --export csv`, all"}
    for name, r in runs.items():
        lines.append(f"| {labels[name]} | {r['rows']:,} | {r['seconds']} s | **{r['rows_per_s']:,}** | "
                     f"{r['mb']} ({r['mb_per_s']}) | {r['rss_mb_before']} → **{r['rss_mb_max']} MB** |")
    lines.append(f"\n{args.articles:,} generated articles in an isolated index; RSS is the `newsingest serve` process "
                 "(the CLI row: the CLI process, from its start), sampled every 0.2 s. The same peak for a tenth "
                 f"and for all rows is the bounded memory: pages of {PAGE_SIZE} hits under a point in time, "
                 "one page fetched ahead.")
    if args.no_record:
        print(json.dumps(without_series(results)))
        print("\n".join(lines))
    else:
        record("export", results, "\n".join(lines), settings)


if __name__ == "__main__":
    main()
