"""The entity registry's effect on the facet scores: the same enrichment with and without it, side by side.

    .venv/bin/python bench/registry_eval.py [--errors]

Enriches the gold articles of bench/facets_eval.py once with ``entity_registry`` off (CoreNLP on the stack,
as ``newsingest enrich`` does), then runs the registry step (``EntityRegistry.resolve``, what the enricher
calls after places when the setting is on) over the same results in the same order, one in-memory registry
per language. Both columns come from the same NER output, so the difference is the registry's alone (a
separate run with ``NEWSINGEST_ENTITY_REGISTRY`` toggled also differs by CoreNLP's and concurrent code
changes). Prints both score tables, the registry step's time per article, and (``--errors``) every facet error
one run has and the other has not.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import facets_corpus
from facets_eval import facets, load_gold, raw_article, table
from facets_score import DocScore, GoldEntity, gold_entity, score_document

from newsingest.config import Settings
from newsingest.enrich.ner.factory import build_engine
from newsingest.enrich.pipeline import Enricher
from newsingest.enrich.registry import EntityRegistry
from newsingest.models import EnrichedArticle, RawArticle
from newsingest.text.folding import fold


async def enrich_without_registry(raws: Sequence[RawArticle]) -> list[EnrichedArticle]:
    settings = Settings(entity_registry=False)
    enricher = Enricher(settings, engine=build_engine(settings), story_store={})
    try:
        await enricher.warm_up()
        return [await enricher.enrich(raw) for raw in raws]
    finally:
        await enricher.aclose()


def _labels(found: list[tuple[str, str]], gold: list[GoldEntity], seen: dict[tuple[str, str], set[str]]) -> None:
    """For every gold entity the article's facets name (by its canonical form or a variant), the facet labels
    used for it, collected per gold entity (type, canonical name) across articles."""
    for entity in gold:
        labels = {name for kind, name in found if entity.accepts(kind) and fold(name) in entity.keys}
        if labels:
            seen.setdefault((entity.type, entity.name), set()).update(labels)


def consistency(seen: dict[tuple[str, str], set[str]], articles: dict[tuple[str, str], int]) -> str:
    """How many gold entities found in two or more articles carry more than one facet label across them."""
    several = [key for key, count in articles.items() if count >= 2 and key in seen]
    split = [key for key in several if len(seen[key]) > 1]
    examples = "; ".join(" / ".join(sorted(seen[key])) for key in sorted(split)[:6])
    return f"{len(split)} of {len(several)} entities named in 2+ articles have 2+ labels" + (
        f" (e.g. {examples})" if examples else "")


@dataclasses.dataclass(frozen=True)
class _Step:
    entities: list
    places: list


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--errors", action="store_true", help="print the errors only one of the runs has")
    args = parser.parse_args(argv)
    off: dict[str, DocScore] = {}
    on: dict[str, DocScore] = {}
    step_ms: list[float] = []
    lines: list[str] = []
    for language in ("de", "en"):
        gold = load_gold(language)
        corpus = facets_corpus.by_id(language)
        raws = [raw_article(language, corpus[doc["id"]]) for doc in gold]
        results = asyncio.run(enrich_without_registry(raws))
        registry = EntityRegistry({}, Settings(entity_registry=True))
        off[language], on[language] = DocScore(), DocScore()
        labels_off: dict[tuple[str, str], set[str]] = {}
        labels_on: dict[tuple[str, str], set[str]] = {}
        articles: dict[tuple[str, str], int] = {}
        for doc, enriched in zip(gold, results, strict=True):
            started = time.perf_counter()
            step = registry.resolve(_Step(enriched.entities, enriched.places), enriched.language)
            step_ms.append((time.perf_counter() - started) * 1000)
            resolved = enriched.model_copy(update={"entities": step.entities, "places": step.places})
            entities = [gold_entity(e) for e in doc["entities"]]  # type: ignore[union-attr]
            before = score_document(facets(enriched), entities, language)
            after = score_document(facets(resolved), entities, language)
            off[language].add(before)
            on[language].add(after)
            _labels(facets(enriched), entities, labels_off)
            _labels(facets(resolved), entities, labels_on)
            for entity in entities:
                articles[(entity.type, entity.name)] = articles.get((entity.type, entity.name), 0) + 1
            if args.errors and set(before.errors) != set(after.errors):
                print(f"== {language} {doc['id']}")
                for error in sorted(set(before.errors) - set(after.errors)):
                    print(f"   fixed:  {error}")
                for error in sorted(set(after.errors) - set(before.errors)):
                    print(f"   caused: {error}")
        lines.append(f"- {language}, registry off: {consistency(labels_off, articles)}")
        lines.append(f"- {language}, registry on: {consistency(labels_on, articles)}")
    print("### registry off\n")
    print("\n".join(table(off)))
    print("\n### registry on (same enrichment, then the registry step)\n")
    print("\n".join(table(on)))
    print("\nOne thing, one label (the same gold entity across articles):\n")
    print("\n".join(lines))
    print(f"\nRegistry step, ms per article: median {statistics.median(step_ms):.2f}, max {max(step_ms):.2f} "
          f"({len(step_ms)} articles)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
