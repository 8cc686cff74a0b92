"""CPU cost of the entity steps of issue 13 (nominative, person completion, abbreviations, appositions,
prepositions inside spans, ORG heads).

    .venv/bin/python bench/normalise_cost.py [--repeat 20]

Recognises the facet gold articles once with the service's engine (CoreNLP of the running stack), then times,
in CPU seconds of this process (``time.process_time``, robust to other load on the machine):
``normalise_entities`` with every step, and with the HanTa-based steps and the organisation-head rule replaced
by no-ops (the state before issue 13 items 2-4/7). NER itself is not timed here; ``bench/facets_eval.py`` times
enrichment as a whole.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import facets_corpus
from facets_eval import load_gold, raw_article

from newsingest.config import Settings
from newsingest.enrich import normalise
from newsingest.enrich.german_case import analyse
from newsingest.enrich.ner.factory import build_engine
from newsingest.enrich.ner.org_heads import organisation_heads

Inputs = list[tuple[str, list[tuple[str, str, list[Any]]]]]


async def recognise(language: str) -> Inputs:
    engine = build_engine(Settings())
    engine = getattr(engine, "inner", engine)  # without the organisation-head rule: timed separately below
    corpus = facets_corpus.by_id(language)
    inputs: Inputs = []
    try:
        for doc in load_gold(language):
            raw = raw_article(language, corpus[str(doc["id"])])
            title = await engine.recognise(raw.title, language) if raw.title.strip() else []
            body = await engine.recognise(raw.body, language) if raw.body.strip() else []
            inputs.append((language, [("title", raw.title, title), ("body", raw.body, body)]))
    finally:
        await engine.aclose()
    return inputs


def run(inputs: Inputs, org_heads: bool) -> None:
    analyse.cache_clear()  # every name analysed afresh: no article repeats another's names
    for language, fields in inputs:
        if org_heads and language == "de":
            fields = [(f, text, organisation_heads(text, sorted(raw, key=lambda m: (m.start, m.end))))
                      for f, text, raw in fields]  # fmt: skip
        normalise.normalise_entities(fields, language=language)  # type: ignore[arg-type]


def cpu_ms(inputs: Inputs, repeat: int, org_heads: bool) -> float:
    run(inputs, org_heads)  # warm: HanTa's model and caches loaded as in a running worker
    started = time.process_time()
    for _ in range(repeat):
        run(inputs, org_heads)
    return (time.process_time() - started) / repeat / len(inputs) * 1000


def without_new_steps() -> Callable[[], None]:
    saved = (normalise.extend_persons, normalise.nominative_mentions, normalise.abbreviations,
             normalise.retype_appositions, normalise.split_prepositions)  # fmt: skip
    normalise.split_prepositions = lambda mentions, texts, known, language: mentions  # type: ignore[assignment]
    normalise.retype_appositions = lambda mentions, texts, language, known: mentions  # type: ignore[assignment]
    normalise.extend_persons = lambda mentions, texts: mentions  # type: ignore[assignment]
    normalise.nominative_mentions = lambda mentions, texts: mentions  # type: ignore[assignment]
    normalise.abbreviations = lambda mentions, texts, german=False: {}  # type: ignore[assignment]

    def restore() -> None:
        (normalise.extend_persons, normalise.nominative_mentions, normalise.abbreviations,
         normalise.retype_appositions, normalise.split_prepositions) = saved  # fmt: skip

    return restore


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    for language in ("de", "en"):
        inputs = asyncio.run(recognise(language))
        restore = without_new_steps()
        before = cpu_ms(inputs, args.repeat, org_heads=False)
        restore()
        after = cpu_ms(inputs, args.repeat, org_heads=True)
        print(f"{language}: normalise CPU ms per article: without {before:.2f}, with {after:.2f} "
              f"(+{after - before:.2f} ms)")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
