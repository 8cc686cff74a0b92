"""Folding names to comparison keys: case, diacritics, punctuation and whitespace variants become one key.

``fold("Pjöngjang") == fold("PJOENGJANG")`` is not promised (ö/oe are different letters), but
``fold("Pjöngjang") == fold("pjongjang")`` and ``fold("Kim Jong-un") == fold("Kim Jong Un")`` are.
"""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'"})
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—_/]+")
_DROPPED = re.compile(r"[.'\"„“”«»‚()\[\]{}]")
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")


def strip_diacritics(text: str) -> str:
    if text.isascii():
        return text
    return unicodedata.normalize("NFC", _COMBINING.sub("", unicodedata.normalize("NFKD", text)))


def fold(text: str) -> str:
    """Comparison key of a name: NFKC, case-folded (ß -> ss), no diacritics, dots/quotes dropped,
    hyphens and whitespace collapsed to single spaces."""
    if text.isascii():
        text = text.casefold()
    else:
        text = strip_diacritics(unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).casefold())
    text = _DROPPED.sub("", text)
    return _SEPARATORS.sub(" ", text).strip()


def fold_tokens(text: str) -> tuple[str, ...]:
    return tuple(fold(text).split())
