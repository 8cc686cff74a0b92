"""Span filters from word formation: mentions that cannot be names, splits that would cut a name.

German forms adjectives from names with the derivational suffix ``-isch`` ("Japan" -> "japanisch",
"Südkorea" -> "südkoreanisch", "US-amerikanisch"); inflected (``-ische``, ``-ischen``, ...) such a word is an
adjective, never a name, even when capitalised at the start of a sentence ("Japanische Medien berichten").
An NER model that tags it (CoreNLP's German model tags them MISC) gives an adjective as an entity; a span that
*starts* with a lower-case word of that kind ("südkoreanischen Wiedervereinigungsministeriums") is a common-noun
phrase, not a proper name.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

_GERMAN_ADJECTIVE = re.compile(r"^\w{3,}isch(?:e|en|er|em|es)?$")


def is_german_adjective(word: str) -> bool:
    """An ``-isch`` adjective (the last part of a hyphenated word counts: "US-amerikanische")."""
    last = re.split(r"[-‐‑]", word)[-1].casefold()
    return bool(_GERMAN_ADJECTIVE.match(last))


def is_adjective_phrase(form: str, language: str) -> bool:
    """True for a mention that is an adjective or an adjective-led common-noun phrase, not a name."""
    if language.split("-")[0] != "de":
        return False
    words = form.split()
    if not words or not is_german_adjective(words[0]):
        return False
    return len(words) == 1 or words[0][:1].islower()


def cuts_off_modifier(segments: Sequence[tuple[int, int, object | None]]) -> bool:
    """True when splitting a span into ``(first, end, type or None)`` token segments would cut one unknown word
    off the name that follows it: that word modifies the name ("Wiener Neustadt", "La Défense", "North Africa",
    "Sankt Paris") and the span is one multi-word name, not two adjacent names."""
    return any(
        kind is None and j - i == 1 and following is not None
        for (i, j, kind), (_, _, following) in itertools.pairwise(segments)
    )
