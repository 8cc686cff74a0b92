"""Experiment: per-marker weights for Croatian / Bosnian / Serbian, estimated on the TRAIN split of ``language_bhs``.

    .venv/bin/python bench/language_marker_weights.py /tmp/bhs/set/train \
        --eval /tmp/bhs/set/eval --eval tests/fixtures/language/udhr [--table FILE]

Measured and NOT adopted (docs/language-eval.md): the weights learned on software catalogues do not carry
over to other software, nor to the UDHR; the detector keeps the flat count. The script stays so that the
experiment can be repeated when a training set closer to news is at hand.

The markers themselves come from the standards (``language_markers``); this only measures how often each one
occurs in the pieces of each language (document frequency; Serbian Cyrillic pieces are transliterated to Latin
first) and turns that into a log-weight per language: the ratio of its observed to its expected count (as if
it were as frequent in every language), shrunk towards the standard's own answer (listed languages 1, the
others 1/e: what a flat marker counts) with ``PSEUDO_COUNT`` pseudo-occurrences, relative to the best
language (so 0 for the language a marker points to most, negative for the others, at least ``FLOOR``). Only
markers seen in at least ``MIN_PIECES`` pieces get a row; the others keep the flat weight. What ships is a table
of numbers for our own word list (no text); it would be estimated on LibreOffice (MPL-2.0), Django, Wagtail and
Sphinx (BSD) and django-allauth (MIT) catalogues. The eval sets are read only to score the two variants.
"""

from __future__ import annotations

import argparse
import math
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

from newsingest.enrich import language as detector_module
from newsingest.enrich.language_markers import _FUTURE, _MODALS, markers_in

ORDER = ("hr", "bs", "sr")
PSEUDO_COUNT = 5.0
FLOOR = -3.0
MIN_PIECES = 3
STEMS = {"hr": "hr", "bs": "bs", "sr-Latn": "sr", "sr": "sr", "sr-Cyrl": "sr"}
_CYR = dict(zip(
    "абвгдђежзијклљмнњопрстћуфхцчџшАБВГДЂЕЖЗИЈКЛЉМНЊОПРСТЋУФХЦЧЏШ",
    ["a", "b", "v", "g", "d", "đ", "e", "ž", "z", "i", "j", "k", "l", "lj", "m", "n", "nj", "o", "p", "r", "s",
     "t", "ć", "u", "f", "h", "c", "č", "dž", "š", "A", "B", "V", "G", "D", "Đ", "E", "Ž", "Z", "I", "J", "K", "L",
     "Lj", "M", "N", "Nj", "O", "P", "R", "S", "T", "Ć", "U", "F", "H", "C", "Č", "Dž", "Š"], strict=True,
))  # fmt: skip


def weight_key(marker: str) -> str:
    """A phrase marker by its rule ("* da", "svako *", "*t će"), any other marker as itself."""
    if " " not in marker:
        return marker
    first, second = marker.split(" ", 1)
    if second == "da" and first in _MODALS:
        return "* da"
    if first == "svako":
        return "svako *"
    return "*t će" if second in _FUTURE else marker


def latin(text: str) -> str:
    """Serbian Cyrillic to the official Latin alphabet (one to one, "љ" -> "lj")."""
    return "".join(_CYR.get(char, char) for char in text)


def counts(folder: Path) -> tuple[Counter[str], dict[str, Counter[str]], dict[str, frozenset[str]]]:
    """(pieces per language, marker -> pieces per language, marker -> the standard's languages)."""
    among = frozenset(ORDER)
    docs: Counter[str] = Counter()
    found: dict[str, Counter[str]] = defaultdict(Counter)
    standard: dict[str, frozenset[str]] = {}
    for stem, code in STEMS.items():
        path = folder / f"{stem}.txt"
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            docs[code] += 1
            keys: dict[str, frozenset[str]] = {}
            for marker, languages in markers_in(latin(line), among).items():
                keys[weight_key(marker)] = keys.get(weight_key(marker), frozenset()) | (languages & among)
            for key, languages in keys.items():
                found[key][code] += 1
                standard[key] = standard.get(key, frozenset()) | languages
    return docs, found, standard


def weights(docs: Counter[str], found: dict[str, Counter[str]], standard: dict[str, frozenset[str]]
            ) -> dict[str, tuple[float, ...]]:  # fmt: skip
    table: dict[str, tuple[float, ...]] = {}
    total_docs = sum(docs.values())
    for marker, per_language in sorted(found.items()):
        if sum(per_language.values()) < MIN_PIECES:
            continue
        pooled = (sum(per_language.values()) + 1) / (total_docs + len(ORDER))
        logs = []
        for code in ORDER:
            prior = 1.0 if code in standard[marker] else math.exp(-1)
            expected = docs[code] * pooled  # the count if the marker were as frequent in every language
            logs.append(math.log((per_language[code] + PSEUDO_COUNT * prior) / (expected + PSEUDO_COUNT)))
        best = max(logs)
        table[marker] = tuple(round(max(FLOOR, value - best), 2) for value in logs)
    return table


def weighted_hits(table: dict[str, tuple[float, ...]]) -> Callable[[str, frozenset[str]], Counter[str]]:
    """A drop-in for ``marker_hits`` in hr/bs/sr that adds each marker's weights (flat count without a row)."""
    flat = detector_module.marker_hits

    def hits(text: str, among: frozenset[str]) -> Counter[str]:
        if not among <= frozenset(ORDER):
            return flat(text, among)
        found: Counter[str] = Counter(dict.fromkeys(among, 0.0))  # type: ignore[arg-type]
        for marker, languages in markers_in(text, among).items():
            row = table.get(weight_key(marker))
            for code in among:
                found[code] += row[ORDER.index(code)] if row else float(code in languages)  # type: ignore[assignment]
        return found

    return hits


def score(folder: Path, table: dict[str, tuple[float, ...]] | None) -> dict[str, float]:
    """Accuracy per language (hr, bs, sr, Latin and Cyrillic) on a set, flat (None) or with the weights."""
    detector = detector_module.LanguageDetector()
    detector.warm_up()
    flat = detector_module.marker_hits
    detector_module.marker_hits = weighted_hits(table) if table is not None else flat  # type: ignore[assignment]
    try:
        right: Counter[str] = Counter()
        seen: Counter[str] = Counter()
        for stem, code in STEMS.items():
            path = folder / f"{stem}.txt"
            for line in path.read_text(encoding="utf-8").splitlines() if path.exists() else []:
                seen[stem] += 1
                right[stem] += detector.detect(line).code == code
        return {stem: right[stem] / seen[stem] for stem in seen}
    finally:
        detector_module.marker_hits = flat  # type: ignore[assignment]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("train", type=Path, help="the train/ folder written by bench/language_bhs.py")
    parser.add_argument("--eval", type=Path, action="append", default=[], help="a folder to score on")
    parser.add_argument("--table", type=Path, help="also write the weights table (TSV) here")
    args = parser.parse_args()
    docs, found, standard = counts(args.train)
    table = weights(docs, found, standard)
    print(f"train pieces {dict(docs)}; markers with a weight: {len(table)}")
    if args.table:
        rows = [f"{marker}\t" + "\t".join(map(str, row)) for marker, row in table.items()]
        args.table.write_text("marker\t" + "\t".join(ORDER) + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    for folder in args.eval:
        for name, variant in (("flat", None), ("weighted", table)):
            result = score(folder, variant)
            print(folder, name, " ".join(f"{stem} {value:.1%}" for stem, value in result.items()))


if __name__ == "__main__":
    main()
