"""The grammatical gender of German nouns, from Wiktionary: the ``german-nouns`` package (CC BY-SA 4.0).

German marks gender on the article, not on the noun, so a label such as "Rotes Kreuz" needs to know that "Kreuz"
is neuter when the article only wrote "dem Roten Kreuz" (masculine or neuter). ``german-nouns`` ships
Wiktionary's German nouns with gender and declension as a CSV in its wheel (some 92,000 lemmas); this module
reads the lemma and gender columns once (about 1 s, some 10 MB) and answers for a noun or for the head of a
compound ("Hilfswerk" -> "Werk", "Zentralbank" -> "Bank": the longest known ending).

The package is installed without its dependencies (``pip install --no-deps german-nouns``, as the Makefile and
the Dockerfile do): its build-time dependency pins an older lxml than trafilatura needs, and reading the CSV
needs none of it. Without the package, :func:`genders` answers ``None`` for every noun and the callers fall back
to derivational suffixes; a warning says so once.
"""

from __future__ import annotations

import csv
import functools
import importlib.util
from pathlib import Path

import structlog

log = structlog.get_logger(__name__)

_GENDER_COLUMNS = ("genus", "genus 1", "genus 2", "genus 3", "genus 4")
_MIN_HEAD = 3  # letters of the shortest compound head looked up ("Amt", "Rat")


def _csv_path() -> Path | None:
    spec = importlib.util.find_spec("german_nouns")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "nouns.csv"
    return path if path.is_file() else None


@functools.cache
def lexicon() -> dict[str, frozenset[str]]:
    """Lemma -> its genders ("m", "f", "n"); empty when ``german-nouns`` is not installed."""
    path = _csv_path()
    if path is None:
        log.warning("german_nouns_missing", effect="German noun genders from suffixes only",
                    fix="pip install --no-deps 'german-nouns>=1.2.5,<1.3'")
        return {}
    shared: dict[frozenset[str], frozenset[str]] = {}
    result: dict[str, frozenset[str]] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        rows = csv.reader(fh)
        header = next(rows)
        columns = [header.index(name) for name in _GENDER_COLUMNS if name in header]
        for row in rows:
            found = frozenset(row[i] for i in columns if i < len(row) and row[i] in ("m", "f", "n"))
            if found and row[0]:
                merged = result.get(row[0], frozenset()) | found
                result[row[0]] = shared.setdefault(merged, merged)
    return result


def genders(noun: str) -> frozenset[str] | None:
    """The genders of a German noun (nominative singular) or of its compound head; None when unknown."""
    known = lexicon()
    if not known or not noun[:1].isupper():
        return None
    if noun in known:
        return known[noun]
    for start in range(1, len(noun) - _MIN_HEAD + 1):
        head = noun[start:]
        if head[0] == "-":
            continue
        found = known.get(head[0].upper() + head[1:])
        if found is not None:
            return found
    return None
