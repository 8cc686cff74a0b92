"""Cost of the entity registry at its size bound: resolving and learning one article, building the word index.

    .venv/bin/python bench/registry_bench.py [--entities 50000] [--articles 300]

A synthetic registry of two-word persons (first names x surnames, so a surname alone is mostly ambiguous and
sometimes unique) filled to ``--entities`` through ``learn`` (eviction included), then ``--articles`` articles of
15 persons (half surnames, half full names) and 8 organisations resolved one after the other, as the enrich
agent does. Prints milliseconds per article and the one-off cost of indexing a recovered registry.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from newsingest.config import Settings
from newsingest.enrich.registry import EntityRegistry
from newsingest.models import Entity, EntityType, Place


@dataclass(frozen=True)
class _Analysis:
    entities: list[Entity]
    places: list[Place] = field(default_factory=list)


def _person(name: str) -> Entity:
    return Entity(name=name, type=EntityType.PERSON, count=1)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entities", type=int, default=50_000)
    parser.add_argument("--articles", type=int, default=300)
    args = parser.parse_args(argv)
    rng = random.Random(13)
    first = [f"First{i}" for i in range(max(10, args.entities // 16))]
    last = [f"Last{i}" for i in range(max(10, args.entities // 6))]
    store: dict[str, str] = {}
    settings = Settings(entity_registry_max=args.entities)
    registry = EntityRegistry(store, settings)
    started = time.perf_counter()
    while len(store) < args.entities:
        registry.learn([_person(f"{rng.choice(first)} {rng.choice(last)}") for _ in range(50)])
    filled = time.perf_counter() - started
    articles = []
    for _ in range(args.articles):
        people = [_person(rng.choice(last)) for _ in range(7)]
        people += [_person(f"{rng.choice(first)} {rng.choice(last)}") for _ in range(8)]
        orgs = [Entity(name=f"Organisation {rng.randint(0, 5000)}", type=EntityType.ORGANISATION, count=1)
                for _ in range(8)]
        articles.append(_Analysis(people + orgs))
    times = []
    for article in articles:
        started = time.perf_counter()
        registry.resolve(article, "en")
        times.append((time.perf_counter() - started) * 1000)
    recovered = EntityRegistry(dict(store), settings)
    started = time.perf_counter()
    recovered.canonical(EntityType.PERSON, "Last1")  # first use builds the word index
    build = time.perf_counter() - started
    print(f"registry of {len(store)} entities (filled in {filled:.1f} s)")
    print(f"resolve + learn, ms per article (23 entities): median {statistics.median(times):.2f}, "
          f"p95 {sorted(times)[int(len(times) * 0.95)]:.2f}")
    print(f"word index of a recovered registry built in {build * 1000:.0f} ms (once, on the first article)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
