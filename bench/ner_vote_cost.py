"""CPU per English article of the enrichment, with and without model voting (docs/ner.md, "Round 2").

    .venv/bin/python bench/ner_vote_cost.py [--passes 3]

Enriches the 40 English facet-gold articles one at a time (as ``bench/facets_eval.py`` does), after one warm-up
pass, with ``ner_corenlp_voting`` off, on (mentions under ``ner_vote_below_confidence``) and on for every
mention, ``--rounds`` times in turn, and reports CPU milliseconds per article: this process plus the
local CoreNLP server (``/proc`` of the pid in ``.stack/corenlp/corenlp.pid``; other work on the same server is
counted too: the medians over the rounds are what to quote).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import facets_corpus
import facets_eval
from ner_eval import server_cpu_seconds

from newsingest.config import Settings
from newsingest.enrich.ner.factory import build_engine
from newsingest.enrich.pipeline import Enricher
from newsingest.models import RawArticle

PID_FILE = Path(__file__).resolve().parents[1] / ".stack" / "corenlp" / "corenlp.pid"


# label -> settings: voting off; on for the mentions under ner_vote_below_confidence (default); on for every mention
MODES: dict[str, dict[str, object]] = {
    "off": {"ner_corenlp_voting": False},
    "on": {"ner_corenlp_voting": True},
    "on, every mention": {"ner_corenlp_voting": True, "ner_vote_below_confidence": 2.0},
}


async def cpu_per_article(
    raws: list[RawArticle], overrides: dict[str, object], passes: int, pid: int | None
) -> tuple[float, float]:
    settings = Settings(**overrides)  # type: ignore[arg-type]
    enricher = Enricher(settings, engine=build_engine(settings), story_store={})
    try:
        await enricher.warm_up()
        for raw in raws:
            await enricher.enrich(raw)
        server0, client0 = server_cpu_seconds(pid) or 0.0, time.process_time()
        for _ in range(passes):
            for raw in raws:
                enricher.stories = type(enricher.stories)({}, window_hours=settings.story_window_hours)
                await enricher.enrich(raw)
        server1, client1 = server_cpu_seconds(pid) or 0.0, time.process_time()
    finally:
        await enricher.aclose()
    n = passes * len(raws)
    return (client1 - client0) / n * 1000, (server1 - server0) / n * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=2, help="the modes one after another, this many times")
    args = parser.parse_args()
    pid = int(PID_FILE.read_text().split()[0]) if PID_FILE.exists() else None
    corpus = facets_corpus.by_id("en")
    raws = [facets_eval.raw_article("en", corpus[str(doc["id"])]) for doc in facets_eval.load_gold("en")]
    totals: dict[str, list[float]] = {label: [] for label in MODES}
    for round_ in range(1, args.rounds + 1):
        for label, overrides in MODES.items():
            client, server = asyncio.run(cpu_per_article(raws, overrides, args.passes, pid))
            totals[label].append(client + server)
            print(f"round {round_}, voting {label}: CPU ms per article: client {client:.1f}, server {server:.1f}, "
                  f"total {client + server:.1f}", flush=True)
    off = statistics.median(totals["off"])
    for label, values in totals.items():
        median = statistics.median(values)
        print(f"median of {args.rounds} rounds, voting {label}: {median:.1f} ms per article ({median / off:.2f}x off)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
