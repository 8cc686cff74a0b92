"""The facet gold set's articles: a fixed, seeded sample of 10kGNAD (German) and BBC (English), read from ../shared.

The corpora never ship: tests/fixtures/facets/{de,en}.jsonl keep only a stable id per article and the annotations.
Ids: BBC ``<category>/<file>`` (the path relative to the corpus root); 10kGNAD ``row<n>:<sha256 of the text, 12 hex>``
(the row number of test.csv, checked against the text's hash so a changed copy is noticed).

Sampling rule (``sample``): per language, the articles of at most ``MAX_CHARS`` characters, grouped by the corpus
category, each group shuffled with ``random.Random(SEED)``, then taken round-robin over the sorted categories
until ``n`` articles are chosen.
"""

from __future__ import annotations

import csv
import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "news"
BBC = SHARED / "bbc-en"
GNAD = SHARED / "10kgnad-de" / "test.csv"
SEED = 13
MAX_CHARS = 2500


@dataclass(frozen=True)
class Article:
    id: str
    category: str
    text: str


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def gnad() -> Iterator[Article]:
    with open(GNAD, newline="", encoding="utf-8") as fh:
        for row_number, row in enumerate(csv.reader(fh, delimiter=";", quotechar="'")):
            if len(row) == 2 and row[1].strip():
                yield Article(f"row{row_number}:{text_hash(row[1])}", row[0], row[1])


def bbc() -> Iterator[Article]:
    for path in sorted(BBC.glob("*/*.txt")):
        text = path.read_bytes().decode("utf-8", errors="replace")
        yield Article(path.relative_to(BBC).as_posix(), path.parent.name, text)


def articles(language: str) -> list[Article]:
    if not SHARED.is_dir():
        raise SystemExit(f"corpora not found under {SHARED}: the shared folder must sit beside the repository")
    return list(gnad() if language == "de" else bbc())


def sample(language: str, n: int) -> list[Article]:
    """The fixed sample described in the module docstring."""
    groups: dict[str, list[Article]] = {}
    for article in articles(language):
        if len(article.text) <= MAX_CHARS:
            groups.setdefault(article.category, []).append(article)
    rng = random.Random(SEED)
    for name in sorted(groups):
        rng.shuffle(groups[name])
    chosen: list[Article] = []
    while len(chosen) < n and any(groups.values()):
        for name in sorted(groups):
            if groups[name] and len(chosen) < n:
                chosen.append(groups[name].pop(0))
    return chosen


def by_id(language: str) -> dict[str, Article]:
    return {article.id: article for article in articles(language)}
