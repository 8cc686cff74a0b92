"""Title-casing names written in capitals: "SEOUL/MOSKAU" -> "Seoul", "Moskau"; "RIO DE JANEIRO" -> "Rio de Janeiro"."""

from __future__ import annotations

import re

LOWER_PARTICLES = {
    "de", "da", "do", "dos", "das", "del", "della", "di", "du", "la", "le", "les", "el", "am", "an", "im",
    "in", "on", "upon", "sur", "en", "of", "the", "und", "and", "bei", "ob", "der", "dem", "den", "des",
    "y", "von", "van", "zu", "vom", "zum", "zur", "sul", "aan",
}  # fmt: skip
_ACRONYMS = {"USA", "US", "UK", "EU", "UN", "UAE", "NYC", "DC", "GB", "NRW", "VAE", "DDR", "BRD", "ÖVP"}
_ABBREVIATION = re.compile(r"^(?:[^\W\d_]\.){1,3}$")


def _word(word: str, first: bool) -> str:
    lowered = word.lower()
    if not first and lowered in LOWER_PARTICLES:
        return lowered
    if _ABBREVIATION.match(word) or word in _ACRONYMS:
        return word.upper()
    pieces = re.split(r"([-'’])", lowered)
    return "".join(piece[:1].upper() + piece[1:] for piece in pieces)


def title_case(text: str) -> str:
    """Title case for a name written in capitals; text with lower-case letters is returned as written."""
    if any(ch.islower() for ch in text):
        return text
    words = text.split()
    return " ".join(_word(word, i == 0) for i, word in enumerate(words))


def is_all_caps(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and all(not ch.islower() for ch in letters)
