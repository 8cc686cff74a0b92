"""What part of an article is judged, and how it is cut into pieces for the shares of a mixed-language article.

``sample`` keeps a long article to a bounded size (its beginning, middle and end, cut at white space) so the
time per article does not grow with its length; ``chunks`` cuts the sample into paragraph-sized pieces, each
judged alone when the article may mix languages; ``shares`` turns the pieces' languages into shares of the
article's letters.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

SAMPLE_CHARS = 4000
"""At most this much of an article is read (fastText's answer is settled long before)."""
CHUNK_MIN_LETTERS = 120
"""Paragraphs are merged until a piece has this many letters: shorter pieces are not judged reliably."""
MAX_CHUNKS = 8
MIN_SHARE = 0.1
"""A language below this share of the judged letters is not listed in ``languages``."""

_PARAGRAPHS = re.compile(r"\n\s*\n")


def _window(text: str, start: int, size: int) -> str:
    """``text[start:start+size]`` moved to white space at both ends."""
    end = min(len(text), start + size)
    if start > 0:
        space = text.find(" ", start, end)
        start = space + 1 if space >= 0 else start
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    return text[start:end]


def sample(text: str, limit: int = SAMPLE_CHARS) -> str:
    """The whole text when short; else its beginning (half of ``limit``), middle and end (a quarter each)."""
    if len(text) <= limit:
        return text
    half, quarter = limit // 2, limit // 4
    middle = (len(text) - quarter) // 2
    parts = (_window(text, 0, half), _window(text, middle, quarter), _window(text, len(text) - quarter, quarter))
    return "\n\n".join(part for part in parts if part)


def letters(text: str) -> int:
    return sum(1 for char in text if char.isalpha())


def chunks(text: str) -> list[tuple[str, int]]:
    """Paragraph-sized pieces of ``text`` with their letter counts (at most MAX_CHUNKS: neighbours merged)."""
    pieces: list[tuple[str, int]] = []
    current: list[str] = []
    count = 0
    for paragraph in _PARAGRAPHS.split(text):
        n = letters(paragraph)
        if not n:
            continue
        current.append(paragraph)
        count += n
        if count >= CHUNK_MIN_LETTERS:
            pieces.append(("\n".join(current), count))
            current, count = [], 0
    if current:
        if pieces and count < CHUNK_MIN_LETTERS:
            last, last_count = pieces.pop()
            pieces.append((last + "\n" + "\n".join(current), last_count + count))
        else:
            pieces.append(("\n".join(current), count))
    while len(pieces) > MAX_CHUNKS:
        merged = [(f"{a}\n{b}", m + n) for (a, m), (b, n) in zip(pieces[::2], pieces[1::2], strict=False)]
        if len(pieces) % 2:
            merged.append(pieces[-1])
        pieces = merged
    return pieces


def shares(judged: Iterable[tuple[str, int]], main: str) -> list[tuple[str, float]]:
    """(language, share of letters) of the judged pieces, largest first, without ``und`` and languages below
    MIN_SHARE; shares are rounded to 3 places and sum to 1. ``main`` is listed first on a tie."""
    totals: Counter[str] = Counter()
    for code, count in judged:
        if code != "und":
            totals[code] += count
    kept = {code: count for code, count in totals.items() if count / max(1, sum(totals.values())) >= MIN_SHARE}
    total = sum(kept.values())
    if not total:
        return [(main, 1.0)] if main != "und" else []
    ordered = sorted(kept.items(), key=lambda item: (-item[1], item[0] != main))
    return [(code, round(count / total, 3)) for code, count in ordered]
