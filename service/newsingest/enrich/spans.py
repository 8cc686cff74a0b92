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


def cuts_one_name(segments: Sequence[tuple[int, int, object | None]], words: Sequence[str], *, heads: bool) -> bool:
    """True when splitting a span of ``words`` into ``(first, end, type or None)`` token segments would cut a
    multi-word name:

    - one unknown word off the name that follows it: the word modifies the name ("Wiener Neustadt", "La Défense",
      "North Africa", "Sankt Paris");
    - unknown words off the name they follow: they are the head the name modifies, a feature or an institution
      named after the place ("Melbourne Airport", "Central Park", "Sydney Opera House", "Berlin Hauptbahnhof").
      A known abbreviation before them is a country as a modifier, not part of the name ("US Capitol"). Only with
      ``heads``: German writes such names as compounds ("Stephansdom", "Hauptbahnhof"), and a German span of a
      known and an unknown place is mostly two places ("Niederösterreich Zwettl", "Wiener Schwedenplatz").

    Either way the span is one name, not two adjacent names; only known names side by side ("Nordkorea Russland")
    or unknown words before a known name ("Weiße Haus Nordkorea") are split."""
    for (i, j, kind), (_, _, following) in itertools.pairwise(segments):
        if kind is None and j - i == 1 and following is not None:
            return True
        if heads and kind is not None and following is None and not (j - i == 1 and words[i].isupper()):
            return True
    return False


# Closed word classes (prepositions, contracted preposition + article, articles, conjunctions) and time words:
# a name never starts or ends with one of them in lower case ("vom Landgericht Köln", "IG Metall am Dienstag",
# "am University College London"). Name particles ("von", "van", "de", "la", "of" inside) are not in the
# leading set: "von der Leyen", "de Gaulle" are names.
_LEADING = {
    "am", "im", "vom", "zum", "zur", "beim", "ins", "ans", "in", "an", "auf", "aus", "bei", "mit", "nach", "vor",
    "für", "gegen", "über", "unter", "seit", "laut", "und", "oder", "ein", "eine", "einer", "eines", "einem",
    "einen", "the", "a", "of", "on", "at", "by", "for", "from", "to", "with", "and", "or", "der", "die", "das",
    "des", "dem", "den", "le", "la", "les", "el", "los", "las",
}  # fmt: skip
_PARTICLES = {"von", "van", "de", "der", "den", "la", "le", "da", "di", "du", "del", "della", "ten", "ter", "zu", "dos"}
_TIME_WORDS = {
    "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag", "heute", "gestern", "morgen",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today", "yesterday", "tomorrow",
}  # fmt: skip
_CAPITAL_ARTICLES = {"Der", "Die", "Das", "Den", "Dem", "Des", "Ein", "Eine", "Einer", "A", "An"}
_WORD = re.compile(r"\S+")
# articles and particles that begin names in many languages ("La Défense", "Den Haag", "El Salvador", "San
# Marino", "Le Mans"): never a name on their own, so a span is not split after one of them
_NAME_PARTICLES = {
    "la", "le", "les", "l", "el", "los", "las", "il", "lo", "al", "de", "del", "da", "di", "du", "des", "der",
    "die", "das", "den", "the", "van", "von", "san", "santa", "santo", "sao", "st", "ste", "saint", "sankt", "ad",
}  # fmt: skip


def is_time_word(word: str) -> bool:
    """A day of the week or a relative day ("Sonntag", "Friday", "heute"): never a name by itself."""
    return word.casefold() in _TIME_WORDS


def is_particle(word: str) -> bool:
    """An article or particle that begins names ("La", "Den", "San", "St."), never a name by itself."""
    return word.casefold().rstrip(".") in _NAME_PARTICLES


#: a member of a parliament after the party or seat they sit for: "Labour MP", "UKIP MEP", "Edinburgh MSP" (the
#: English model takes the role into an organisation's span: 36 such facets on 2,185 BBC articles)
_MEMBER_ROLES = frozenset({"MP", "MPs", "MEP", "MEPs", "MSP", "MSPs", "MLA", "MLAs", "TD", "TDs"})


def trim_edges(text: str, start: int, end: int, *, person: bool) -> tuple[int, int]:
    """``(start, end)`` without function words and time words at the edges of the span, nor a member-of-parliament
    role at its end. A sentence-initial
    capitalised article goes when two or more words follow it ("Der Österreichische Naturschutzbund",
    "An Electoral Commission"; "Der Spiegel", "Die Grünen" keep theirs); inner words are never touched."""
    words = [(w.start(), w.end()) for w in _WORD.finditer(text, start, end)]
    while len(words) > 1:
        word = text[words[0][0] : words[0][1]]
        lower = word in _LEADING and not (person and word in _PARTICLES)
        if lower or (word in _CAPITAL_ARTICLES and len(words) > 2 and not person):
            words.pop(0)
        else:
            break
    while len(words) > 1:
        word = text[words[-1][0] : words[-1][1]]
        if word.casefold() in _TIME_WORDS or (word in _LEADING and word.islower()) or word in _MEMBER_ROLES:
            words.pop()
        else:
            break
    return (words[0][0], words[-1][1]) if words else (start, end)
