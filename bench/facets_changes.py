"""What a change to the facet rules does outside the gold set: the facets of articles nobody annotated, before
and after, listed per article for reading.

    # the facets of the first N non-gold articles of a language, with the code on PYTHONPATH
    .venv/bin/python bench/facets_changes.py dump --language de --articles 1500 /tmp/facets-new.json
    # the same with an older commit's enrichment
    git archive <ref> service/newsingest | tar -x -C /tmp/old
    PYTHONPATH=/tmp/old/service .venv/bin/python bench/facets_changes.py dump --language de /tmp/facets-old.json
    # the articles whose PER/ORG/LOC facets differ
    .venv/bin/python bench/facets_changes.py compare /tmp/facets-old.json /tmp/facets-new.json

Articles: the corpus order of ``bench/facets_corpus.py`` without the gold set's (10kGNAD test rows, BBC files),
enriched one by one with a fresh story state, as ``bench/facets_eval.py`` does; needs the local stack's CoreNLP.
There are no labels: a person reads the listed changes (docs/ner.md, "Round 4" and "Round 5").
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import facets_corpus
from facets_eval import load_gold, raw_article

from newsingest.config import Settings
from newsingest.enrich.ner.factory import build_engine
from newsingest.enrich.pipeline import Enricher

FACET_TYPES = ("PER", "ORG", "LOC")


async def dump(language: str, articles: int, out: Path) -> None:
    gold = {str(entry["id"]) for entry in load_gold(language)}
    chosen = [a for a in facets_corpus.articles(language) if a.id not in gold][:articles]
    settings = Settings()
    enricher = Enricher(settings, engine=build_engine(settings), story_store={})
    await enricher.warm_up()
    facets: dict[str, list[tuple[str, str]]] = {}
    try:
        for number, article in enumerate(chosen, 1):
            enricher.stories = type(enricher.stories)({}, window_hours=settings.story_window_hours)
            enriched = await enricher.enrich(raw_article(language, article))
            found = {(e.type.value, e.name) for e in enriched.entities if e.type.value in FACET_TYPES}
            facets[article.id] = sorted(found)
            if number % 100 == 0 or number == len(chosen):
                print(f"{number}/{len(chosen)} articles", file=sys.stderr, flush=True)
    finally:
        await enricher.aclose()
    out.write_text(json.dumps({"language": language, "facets": facets}, ensure_ascii=False), encoding="utf-8")


def compare(old_path: Path, new_path: Path) -> int:
    old = json.loads(old_path.read_text(encoding="utf-8"))["facets"]
    new = json.loads(new_path.read_text(encoding="utf-8"))["facets"]
    changed = removed = added = 0
    for article_id in old.keys() & new.keys():
        before = {tuple(f) for f in old[article_id]}
        after = {tuple(f) for f in new[article_id]}
        if before != after:
            changed += 1
            removed += len(before - after)
            added += len(after - before)
            print(f"{article_id}\n  - {sorted(before - after)}\n  + {sorted(after - before)}")
    print(f"changed {changed} of {len(old.keys() & new.keys())} articles: {removed} facets removed, {added} added")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    dumping = sub.add_parser("dump", help="write the facets of non-gold articles to a JSON file")
    dumping.add_argument("--language", choices=("de", "en"), required=True)
    dumping.add_argument("--articles", type=int, default=1000)
    dumping.add_argument("out", type=Path)
    comparing = sub.add_parser("compare", help="list the articles whose facets differ between two dumps")
    comparing.add_argument("old", type=Path)
    comparing.add_argument("new", type=Path)
    args = parser.parse_args(argv)
    if args.command == "dump":
        asyncio.run(dump(args.language, args.articles, args.out))
        return 0
    return compare(args.old, args.new)


if __name__ == "__main__":
    raise SystemExit(main())
