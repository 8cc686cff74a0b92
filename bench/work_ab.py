"""The work alone (parse + enrichment in one process, no Kafka or Elasticsearch) of this checkout against an
earlier revision, run alternately so both see the same machine.

    .venv/bin/python bench/work_ab.py --before HEAD~1 [--files 4000] [--repeats 3] [--full] [--no-record]

``--before`` is exported with ``git archive`` into a temporary directory. Each repetition runs
``e2e_work.work_limit`` twice, each in a subprocess of its own: first with the revision's package on
``PYTHONPATH``, then with this checkout's. That is the measurement of ``bench/e2e.py``'s "work alone" limits:
the BBC + 10kGNAD corpus (2,000 distinct files) repeated under new ids, in the runtime's batches, after a
warm-up. Language-only by default (``--full``: with NER, the CoreNLP server of ``newsingest stack up``).
Reports the median CPU per article (parse, enrichment; with ``--full`` also the NER server's and the total) of
each and the ratio after / before; the machine is shared, so only the ratio measured in one run means much.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from common import REPO, progress, record

from newsingest.config import Settings

POOL = 2000  # distinct corpus files; runs of more repeat them under new ids (as bench/e2e.py does)
_CHILD = """
import json, sys
sys.path.insert(0, {bench!r})
from common import corpus
from e2e_work import work_limit
from newsingest.config import Settings
result = work_limit(Settings(), corpus({pool}), {files}, full={full})
print("RESULT " + json.dumps(result))
"""


def _export(revision: str, into: Path) -> Path:
    archive = subprocess.run(["git", "-C", str(REPO), "archive", revision, "service/newsingest"],
                             check=True, capture_output=True).stdout  # fmt: skip
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into / "service"


def _run(package: Path | None, files: int, full: bool) -> dict[str, Any]:
    env = dict(os.environ)
    if package is not None:
        env["PYTHONPATH"] = str(package)
    code = _CHILD.format(bench=str(REPO / "bench"), pool=min(files, POOL), files=files, full=full)
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            return dict(json.loads(line.removeprefix("RESULT ")))
    raise RuntimeError(f"work-alone run failed (exit {done.returncode}):\n{done.stderr[-3000:]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", required=True, help="git revision to compare with (e.g. HEAD~1, a tag)")
    parser.add_argument("--files", type=int, default=4000, help="files per run (default 4000)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--full", action="store_true", help="with NER (default: language only)")
    parser.add_argument("--no-record", action="store_true", help="only print the JSON line")
    args = parser.parse_args()
    runs: dict[str, list[dict[str, Any]]] = {"before": [], "after": []}
    with tempfile.TemporaryDirectory(prefix="work-ab-") as tmp:
        before = _export(args.before, Path(tmp))
        for i in range(1, args.repeats + 1):
            for label, package in (("before", before), ("after", None)):
                progress(f"repetition {i}/{args.repeats}: {label}")
                runs[label].append(_run(package, args.files, args.full))
    keys = ["work_cpu_ms_per_article", "parse_cpu_ms_per_article", "enrich_cpu_ms_per_article", "work_per_s"]
    if args.full:  # the NER server's CPU too: this process and the server together are the work's cost
        for found in runs.values():
            for r in found:
                r["total_cpu_ms_per_article"] = r["work_cpu_ms_per_article"] + (r["ner_server_cpu_ms_per_article"] or 0)
        keys[1:1] = ["ner_server_cpu_ms_per_article", "total_cpu_ms_per_article"]
    medians = {label: {k: round(statistics.median(r[k] for r in found), 3) for k in keys}
               for label, found in runs.items()}  # fmt: skip
    cost = "total_cpu_ms_per_article" if args.full else "work_cpu_ms_per_article"
    ratio = round(medians["after"][cost] / medians["before"][cost], 3)
    head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                          check=False).stdout.strip()  # fmt: skip
    results = {"before": args.before, "after": head, "mode": "full" if args.full else "language-only",
               "files": args.files, "repeats": args.repeats, "medians": medians, "cpu_ratio_after_before": ratio,
               "runs": runs}  # fmt: skip
    rows = [f"| {k} | {medians['before'][k]} | {medians['after'][k]} |" for k in keys]
    markdown = "\n".join([
        f"Work alone ({results['mode']}), {args.files} files per run, medians of {args.repeats} alternating runs.",
        "",
        f"| median | before ({args.before}) | after ({head}) |",
        "| --- | --- | --- |",
        *rows,
        "",
        f"CPU per article after / before ({cost}): **{ratio}**.",
    ])  # fmt: skip
    if args.no_record:
        print(json.dumps({"benchmark": "work_ab", **results}))
    else:
        record("work_ab", results, markdown, Settings())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
