"""Score the service's document-level facets (PER/ORG/LOC entities) on the hand-annotated gold set.

    .venv/bin/python bench/facets_eval.py [--set dev|test] [--label current] [--write-docs] [--repeat 3] [--errors]

Runs the real enrichment (``Enricher`` with the engine ``build_engine(Settings())`` builds, as
``newsingest enrich`` does) on the gold articles: BBC files through the text parser, 10kGNAD rows as
``newsingest enrich --lines`` reads them. Scores precision, recall and F1 per language and type
(``bench/facets_score.py``), counts malformed labels and split entities, and times enrichment alone (median of
``--repeat`` passes over the 80 articles, after one warm-up pass). ``--write-docs`` writes the result as the
``--label`` subsection of the "Facet evaluation" section of docs/ner.md (other labels are kept).

``--set dev`` (default) is the development set every rule was chosen on (``{de,en}.jsonl``); ``--set test`` is the
held-out test set (``{de,en}.test.jsonl``: the next 32 articles per language of the same seeded sample, annotated
after round 17 and never used to choose anything): it says how far the development figures carry over.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import statistics
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import facets_corpus
from facets_score import TYPES, DocScore, gold_entity, prf, score_document

from newsingest.cli.enrich import read_articles
from newsingest.config import Settings
from newsingest.enrich.ner.factory import build_engine
from newsingest.enrich.pipeline import Enricher
from newsingest.models import EnrichedArticle, RawArticle

REPO = Path(__file__).resolve().parents[1]
GOLD = REPO / "tests" / "fixtures" / "facets"
DOCS = REPO / "docs" / "ner.md"
START, END = "<!-- facets-eval:start -->", "<!-- facets-eval:end -->"
SHORT = {"PERSON": "PER", "ORGANISATION": "ORG", "LOCATION": "LOC", "PER": "PER", "ORG": "ORG", "LOC": "LOC"}


def load_gold(language: str, gold_set: str = "dev") -> list[dict[str, object]]:
    name = f"{language}.jsonl" if gold_set == "dev" else f"{language}.{gold_set}.jsonl"
    with open(GOLD / name, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def raw_article(language: str, article: facets_corpus.Article) -> RawArticle:
    if language == "en":
        return read_articles(article.id.replace("/", "-"), article.text.encode("utf-8"), lines=False)[0]
    return read_articles(f"gnad-{article.id}.txt", article.text.encode("utf-8"), lines=True)[0]


def facets(article: EnrichedArticle) -> list[tuple[str, str]]:
    found = []
    for entity in article.entities:
        kind = SHORT.get(entity.type.name, SHORT.get(str(entity.type.value), ""))
        if kind in TYPES:
            found.append((kind, entity.name))
    return found


async def enrich(raws: Sequence[RawArticle], repeat: int) -> tuple[list[EnrichedArticle], list[float]]:
    settings = Settings()
    enricher = Enricher(settings, engine=build_engine(settings), story_store={})
    try:
        await enricher.warm_up()
        results = [await enricher.enrich(raw) for raw in raws]
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            for raw in raws:
                enricher.stories = type(enricher.stories)({}, window_hours=settings.story_window_hours)
                await enricher.enrich(raw)
            times.append(time.perf_counter() - started)
        return results, times
    finally:
        await enricher.aclose()


def table(scores: dict[str, DocScore]) -> list[str]:
    lines = ["| language | type | P | R | F1 | TP / FP / FN |", "| --- | --- | --- | --- | --- | --- |"]
    for language, total in scores.items():
        for kind in (*TYPES, "all"):
            tp = sum(total.tp.values()) if kind == "all" else total.tp[kind]
            fp = sum(total.fp.values()) if kind == "all" else total.fp[kind]
            fn = sum(total.fn.values()) if kind == "all" else total.fn[kind]
            p, r, f = prf(tp, fp, fn)
            name = f"**{kind}**" if kind == "all" else kind
            lines.append(f"| {language} | {name} | {p:.3f} | {r:.3f} | {f:.3f} | {tp} / {fp} / {fn} |")
    lines.append("")
    lines.append("| language | predicted | malformed labels | split entities | duplicate facets |")
    lines.append("| --- | --- | --- | --- | --- |")
    for language, total in scores.items():
        predicted = sum(total.tp.values()) + sum(total.fp.values())
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(total.malformed.items())) or "-"
        malformed = sum(total.malformed.values())
        lines.append(f"| {language} | {predicted} | {malformed} ({kinds}) | {total.splits} | {total.duplicates} |")
    return lines


def write_docs(label: str, body: list[str]) -> None:
    text = DOCS.read_text(encoding="utf-8")
    if START not in text:
        text = text.rstrip("\n") + f"\n\n## Facet evaluation\n\n{START}\n{END}\n"
    head, rest = text.split(START, 1)
    inner, tail = rest.split(END, 1)
    sections = re.split(r"(?m)^(?=### )", inner.strip("\n"))
    kept = [s.strip("\n") for s in sections if s.strip() and not s.startswith(f"### {label}\n")]
    kept.append("\n".join([f"### {label}", "", *body]))
    DOCS.write_text(f"{head}{START}\n" + "\n\n".join(kept) + f"\n{END}{tail}", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", dest="gold_set", choices=("dev", "test"), default="dev",
                        help="the development set (rules were chosen on it) or the held-out test set")
    parser.add_argument("--label", default="current")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--errors", action="store_true", help="print every error per article")
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args(argv)

    scores: dict[str, DocScore] = {}
    timings: dict[str, float] = {}
    for language in ("de", "en"):
        gold = load_gold(language, args.gold_set)
        corpus = facets_corpus.by_id(language)
        raws = [raw_article(language, corpus[doc["id"]]) for doc in gold]
        results, times = asyncio.run(enrich(raws, args.repeat))
        timings[language] = statistics.median(times) / len(raws) * 1000 if times else 0.0
        total = DocScore()
        for doc, enriched in zip(gold, results, strict=True):
            entities = [gold_entity(e) for e in doc["entities"]]  # type: ignore[union-attr]
            score = score_document(facets(enriched), entities, language)
            total.add(score)
            if args.errors and score.errors:
                print(f"== {language} {doc['id']}\n   " + "\n   ".join(score.errors))
        scores[language] = total
    chosen = "" if args.gold_set == "dev" else f" --set {args.gold_set}"
    sizes = " + ".join(str(len(load_gold(language, args.gold_set))) for language in ("de", "en"))
    body = [
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC with `.venv/bin/python bench/facets_eval.py{chosen} --label "
        f"{args.label} --write-docs` ({sizes} articles, {args.gold_set} set, tests/fixtures/facets).",
        "",
        *table(scores),
        "",
        "Enrichment alone, ms per article (median of "
        f"{args.repeat} passes, warm): de {timings['de']:.1f}, en {timings['en']:.1f}.",
    ]
    print("\n".join(body))
    if args.write_docs:
        write_docs(args.label, body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
