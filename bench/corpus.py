"""Synthetic multi-article files for the large-file tests and benchmarks, generated at run time.

Articles are built from a fixed vocabulary with a seeded random generator (nothing from ../shared/data is
copied), so every run gets the same, distinct articles: each title carries its number.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

_WORDS = tuple(
    [
        "government",
        "minister",
        "council",
        "city",
        "market",
        "company",
        "workers",
        "union",
        "strike",
        "election",
        "vote",
        "parliament",
        "court",
        "judge",
        "police",
        "river",
        "bridge",
        "school",
        "teachers",
        "hospital",
        "doctors",
        "energy",
        "prices",
        "inflation",
        "bank",
        "interest",
        "rates",
        "export",
        "harbour",
        "airport",
        "railway",
        "storm",
        "flood",
        "harvest",
        "farmers",
        "museum",
        "exhibition",
        "festival",
        "team",
        "season",
        "match",
        "coach",
        "players",
        "research",
        "university",
        "scientists",
        "climate",
        "report",
        "budget",
        "tax",
        "reform",
        "housing",
        "rent",
        "tenants",
    ]
)


def article(n: int, rng: random.Random, body_words: int = 150) -> dict[str, str]:
    words = [rng.choice(_WORDS) for _ in range(body_words)]
    sentences = [" ".join(words[i : i + 15]).capitalize() + "." for i in range(0, len(words), 15)]
    paragraphs = ["  ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]
    title = f"{' '.join(rng.choice(_WORDS) for _ in range(6)).capitalize()} report number {n}"
    return {
        "title": title,
        "body": "\n\n".join(paragraphs),
        "source": "Example Wire",
        "published": f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}T08:00:00Z",
        "lang": "en",
    }


def jsonl_lines(count: int, *, seed: int = 12, body_words: int = 150) -> Iterator[bytes]:
    rng = random.Random(seed)
    for n in range(count):
        yield json.dumps(article(n, rng, body_words), ensure_ascii=False).encode() + b"\n"


def write_jsonl(path: Path, count: int, *, seed: int = 12, body_words: int = 150) -> int:
    """Write ``count`` articles as JSONL (to ``path.part``, then renamed); returns the size in bytes."""
    part = path.with_name(path.name + ".part")
    with open(part, "wb", buffering=1 << 20) as fh:
        for line in jsonl_lines(count, seed=seed, body_words=body_words):
            fh.write(line)
    part.rename(path)
    return path.stat().st_size
