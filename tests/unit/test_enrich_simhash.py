from __future__ import annotations

import random
import re

import pytest

from newsingest.enrich import simhash as sh
from newsingest.enrich.terms import content_terms, cosine, words
from tests.fixtures.enrich.articles import BBC_DIR


@pytest.fixture(scope="module")
def texts() -> list[str]:
    files = sorted(BBC_DIR.glob("*/*.txt"))[::40][:40]
    return [path.read_text(encoding="latin-1") for path in files]


def edit(text: str, count: int, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    tokens = words(text)
    for _ in range(count):
        tokens[rng.randrange(len(tokens))] = "edited"
    return tokens


def test_hex_is_16_digits_and_stable() -> None:
    value = sh.simhash(words("Der nordkoreanische Staatschef Kim Jong Un wird bald Russland besuchen."))
    assert re.fullmatch(r"[0-9a-f]{16}", sh.to_hex(value))
    assert sh.from_hex(sh.to_hex(value)) == value
    assert value == sh.simhash(words("Der nordkoreanische Staatschef Kim Jong Un wird bald Russland besuchen."))
    assert sh.to_hex(sh.simhash([])) == "0000000000000000"


def test_small_edits_stay_close_and_different_texts_are_far(texts: list[str]) -> None:
    for text in texts:
        original = sh.simhash(words(text))
        assert sh.distance(original, sh.simhash(edit(text, 2))) <= 12
    hashes = [sh.simhash(words(text)) for text in texts]
    distances = [sh.distance(a, b) for i, a in enumerate(hashes) for b in hashes[:i]]
    assert min(distances) > 12
    assert 24 <= sum(distances) / len(distances) <= 40


def test_bands_find_everything_within_three_bits() -> None:
    rng = random.Random(7)
    for _ in range(200):
        value = rng.getrandbits(64)
        flipped = value
        for bit in rng.sample(range(64), 3):
            flipped ^= 1 << bit
        assert set(sh.bands(value, 4)) & set(sh.bands(flipped, 4))
    assert len(sh.bands(0, 4)) == 4


def test_content_terms_ignore_stopwords_and_fold_inflection() -> None:
    a = content_terms("Waffenlieferungen an Russland", "Die Waffenlieferung wurde bestätigt, sagte der Sprecher.")
    assert "waffen" in a
    assert "die" not in a
    assert "sagte" not in a
    assert sum(w * w for w in a.values()) == pytest.approx(1.0, abs=1e-3)
    b = content_terms("Waffenlieferung nach Russland", "Die Lieferung von Waffen an Russland.")
    assert cosine(a, b) > 0.3
    assert cosine(a, content_terms("Fußball", "Bayern gewinnt das Spiel gegen Dortmund.")) == 0.0
