"""Language identification on the development set: per-language accuracy before and after, confusion within the
confusable groups, time per article and the memory the second detector adds.

    .venv/bin/python bench/language_eval.py [--set tests/fixtures/language/udhr] [--out FILE.md] [--json]

Articles are built exactly as ``newsingest enrich --lines`` builds them (one article per line, the title derived
from its first sentence). "before" is the detector of newsingest 0.x before issue 17: fastText's top answer when
its probability is at least ``language_min_confidence``, else ``und`` (its "no" counted as Bokmål). "after" is
``LanguageDetector.from_settings`` with the settings in effect (``NEWSINGEST_LANGUAGE_*``).

Time: median and 90th percentile of the detector's wall time per article, single thread, models loaded.
Memory: peak RSS of a fresh process after loading fastText, then after also loading the second detector.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SET = ROOT / "tests" / "fixtures" / "language" / "udhr"
TARGET = 0.995
HOLD_OUT = 3
"""Every third piece of each language (the 3rd, 6th, ...) is held out from tuning."""


def load_set(folder: Path, part: str = "all") -> list[tuple[str, str, str]]:
    """(expected code, title, body) per article of the set, built like ``newsingest enrich --lines``.

    The expected code is the file stem up to "-" (``sr-Latn.txt`` holds Serbian). ``part``: "dev" keeps the
    pieces the detector was tuned on, "held-out" every ``HOLD_OUT``-th piece of each file (never looked at while
    tuning), "all" both."""
    from newsingest.cli.enrich import read_articles

    found = []
    for path in sorted(folder.glob("*.txt")):
        articles = read_articles(path.name, path.read_bytes(), lines=True)
        for index, article in enumerate(articles):
            if part == "all" or (index % HOLD_OUT == HOLD_OUT - 1) == (part == "held-out"):
                found.append((path.stem.split("-")[0], article.title, article.body))
    return found


def before(text: str, min_confidence: float) -> str:
    from newsingest.enrich.language import predict

    candidates = predict(text) if sum(1 for c in text if c.isalpha()) >= 20 else []
    if candidates and candidates[0][1] >= min_confidence:
        return "nb" if candidates[0][0] == "no" else candidates[0][0]
    return "und"


def run(articles: list[tuple[str, str, str]]) -> dict[str, Any]:
    from newsingest.config import load_settings
    from newsingest.enrich.language import LanguageDetector

    settings = load_settings()
    detector = LanguageDetector.from_settings(settings)
    detector.warm_up()
    results: dict[str, dict[str, Counter[str]]] = {"before": defaultdict(Counter), "after": defaultdict(Counter)}
    times: dict[str, list[float]] = {"before": [], "after": []}
    methods: Counter[str] = Counter()
    for expected, title, body in articles:
        text = f"{title}\n\n{body}"
        start = time.perf_counter()
        code = before(text, settings.language_min_confidence)
        times["before"].append(time.perf_counter() - start)
        results["before"][expected][code] += 1
        start = time.perf_counter()
        result = detector.detect(text)
        times["after"].append(time.perf_counter() - start)
        results["after"][expected][result.code] += 1
        methods[result.method] += 1
    added = [a - b for a, b in zip(times["after"], times["before"], strict=True)]
    return {
        "articles": len(articles),
        "results": {name: {lang: dict(counts) for lang, counts in table.items()} for name, table in results.items()},
        "time_ms": {
            name: {"median": statistics.median(values) * 1000, "p90": _quantile(values, 0.9) * 1000}
            for name, values in {**times, "added": added}.items()
        },
        "methods": dict(methods),
        "settings": {
            "second_opinion": settings.language_second_opinion,
            "unsure_below": settings.language_unsure_below,
        },
    }


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def rss_probe(second: bool) -> float:
    """Peak RSS in MB of this process after loading fastText (and lingua when ``second``)."""
    from newsingest.config import load_settings
    from newsingest.enrich.language import LanguageDetector, predict

    predict("warm up the language model", k=1)
    if second:
        LanguageDetector.from_settings(load_settings()).warm_up()
    return _peak_rss_mb()


def _peak_rss_mb() -> float:
    """VmHWM of this process (reset by exec, unlike ru_maxrss, which a child inherits from the forking parent)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _probe(second: bool) -> float:
    out = subprocess.run(
        [sys.executable, __file__, "--rss-probe", "after" if second else "before"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return float(out.stdout.strip())


def accuracy(table: dict[str, dict[str, int]], lang: str) -> float:
    counts = table.get(lang, {})
    return counts.get(lang, 0) / max(1, sum(counts.values()))


def report(data: dict[str, Any]) -> str:
    from newsingest.enrich.language_codes import CONFUSABLE_GROUPS

    before_t, after_t = data["results"]["before"], data["results"]["after"]
    previous_t = data["results"].get("previous")
    langs = sorted(after_t)
    prev_head, prev_rule = (" previous |", "---|") if previous_t is not None else ("", "")
    lines = [
        f"set: {data.get('part', '?')}; articles: {data['articles']} in {len(langs)} languages; "
        f"settings: {data['settings']}",
        "",
        f"| language | articles | before |{prev_head} after | after: wrong answers |",
        f"|---|---|---|{prev_rule}---|---|",
    ]
    for lang in langs:
        wrong = {code: n for code, n in after_t[lang].items() if code != lang}
        previous = f" {accuracy(previous_t, lang):.1%} |" if previous_t is not None else ""
        lines.append(
            f"| {lang} | {sum(after_t[lang].values())} | {accuracy(before_t, lang):.1%} |{previous} "
            f"{accuracy(after_t, lang):.1%} | {', '.join(f'{c} {n}' for c, n in sorted(wrong.items())) or '-'} |"
        )
    summaries = [("before", before_t), ("previous", previous_t), ("after", after_t)]
    for name, table in [(name, table) for name, table in summaries if table is not None]:
        scores = [accuracy(table, lang) for lang in langs]
        lines.append(
            f"\n{name}: {sum(s >= TARGET for s in scores)} of {len(langs)} languages at >= 99.5%, "
            f"{sum(s < 0.8 for s in scores)} below 80%, lowest {min(scores):.1%}"
        )
    lines += ["", "Confusion within the confusable groups (after; rows: true language, columns: answer):", ""]
    for group in CONFUSABLE_GROUPS:
        members = sorted(code for code in group if code in after_t)
        if len(members) < 2:
            continue
        lines.append("| true \\ answer | " + " | ".join(members) + " | other |")
        lines.append("|---" * (len(members) + 2) + "|")
        for lang in members:
            row = after_t[lang]
            other = sum(n for code, n in row.items() if code not in members)
            lines.append(f"| {lang} | " + " | ".join(str(row.get(code, 0)) for code in members) + f" | {other} |")
        lines.append("")
    t = data["time_ms"]
    lines.append(
        f"time per article (ms): before median {t['before']['median']:.3f} (p90 {t['before']['p90']:.3f}); "
        f"after median {t['after']['median']:.3f} (p90 {t['after']['p90']:.3f}); "
        f"added median {t['added']['median']:.3f} (p90 {t['added']['p90']:.3f})"
    )
    lines.append(f"decided by: {data['methods']}")
    if "rss_mb" in data:
        r = data["rss_mb"]
        lines.append(
            f"peak RSS (MB): fastText only {r['before']:.0f}, with the second detector {r['after']:.0f} "
            f"(+{r['after'] - r['before']:.0f})"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", type=Path, default=DEFAULT_SET, help="folder of <code>.txt, one article per line")
    parser.add_argument(
        "--part",
        choices=["all", "dev", "held-out"],
        default="all",
        help="which pieces of the set: dev, held-out (every third piece) or all",
    )
    parser.add_argument("--out", type=Path, help="also write the report (markdown) here")
    parser.add_argument("--json", action="store_true", help="print the raw numbers as JSON")
    parser.add_argument("--previous", type=Path, help="--json output of an earlier version: its 'after' column")
    parser.add_argument("--no-rss", action="store_true", help="skip the two memory probes")
    parser.add_argument("--rss-probe", choices=["before", "after"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rss_probe:
        print(rss_probe(args.rss_probe == "after"))
        return
    data = run(load_set(args.set, args.part))
    data["part"] = f"{args.set.name} ({args.part})"
    if args.previous:
        data["results"]["previous"] = json.loads(args.previous.read_text())["results"]["after"]
    if not args.no_rss:
        data["rss_mb"] = {"before": _probe(False), "after": _probe(True)}
    text = json.dumps(data, indent=1) if args.json else report(data)
    print(text)
    if args.out:
        args.out.write_text(report(data) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
