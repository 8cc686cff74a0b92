"""German organisations the model missed, found after the noun that says what they are.

"des Fernsehsenders TVN24", "die Wohltätigkeitsorganisation Glide", "den kasachischen Klub Schachtjor Karagandy",
"die Lebensmittelkette Spar", Liste "Klartext": an organisation kind noun (``apposition.german_kind``: the last
element of the compound is "Sender", "Organisation", "Klub", "Kette", "Partei", ...) directly followed by a name
the model did not tag. The name is up to three capitalised words, or up to five words in quotation marks, and
its first word must be a proper noun for the German tagger (HanTa ``NE``, the word alone: cached across
articles), so common nouns ("der Konzern Anfang Mai") never become names. Known places are left out ("die
Partei Europas"): a kind noun before a place the model did tag makes it an organisation already
(``apposition``), an untagged one is too often the place itself. A single letter is a group of a tournament
("Gruppe C"), not a name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from newsingest.enrich.apposition import german_kind
from newsingest.enrich.german_case import analyse
from newsingest.enrich.mention_clean import CleanMention
from newsingest.models import EntityType

_WORD = r"[A-ZÄÖÜ][\w&-]*(?:\.[\w&-]+)*"  # "TVN24", "Change.org"; a full stop ends it
_KIND_THEN_NAME = re.compile(  # the name in a lookahead: the next match may start at the name's first word
    r"(?<![\w-])([A-ZÄÖÜ][\w-]*[a-zäöüß])(?=\s+"  # the kind noun
    r"(?:[„\"»‚']([A-ZÄÖÜ0-9][^„“\"»«‚‘']{1,59})[“\"«‘']"  # a quoted name
    rf"|({_WORD}(?:\s+{_WORD}){{0,2}})))"  # or capitalised words
)
_MAX_QUOTED_WORDS = 5
_NAME_PARTS = frozenset({"NE", "FM", "XY", "CARD", "NN"})
_PROPER = frozenset({"NE", "FM", "XY", "CARD"})  # CARD: letters and digits ("TVN24"); two letters at least


def find_after_kinds(
    mentions: list[CleanMention], texts: Mapping[str, str], known: Callable[[str], bool]
) -> list[CleanMention]:
    """``mentions`` with the organisations named right after a German kind noun that no mention covers."""
    taken = {(m.field, i) for m in mentions for i in range(m.start, m.end)}
    found: list[CleanMention] = []
    for field_name, text in texts.items():
        for match in _KIND_THEN_NAME.finditer(text):
            kind = german_kind(match.group(1))
            if kind is None or kind[0] is not EntityType.ORGANISATION:
                continue
            span = _name_span(match)
            if span is None:
                continue
            start, end = span
            name = text[start:end]
            if known(name) or any((field_name, i) in taken for i in range(start, end)):
                continue
            found.append(CleanMention(field_name, start, end, name, " ".join(name.split()), EntityType.ORGANISATION))
            taken.update((field_name, i) for i in range(start, end))
    return sorted([*mentions, *found], key=lambda m: (0 if m.field == "title" else 1, m.start, m.end))


def _name_span(match: re.Match[str]) -> tuple[int, int] | None:
    """Where the name after the kind noun is: all of a quoted one; of capitalised words, a proper noun and the
    nouns after it, up to a word of another class ("Vangardist Die Sonderausgabe" names "Vangardist"; HanTa on
    each word alone, cached)."""
    if match.group(2) is not None:
        start, end = match.span(2)
        words = match.group(2).split()
        if len(words) > _MAX_QUOTED_WORDS:
            return None
    else:
        start = end = match.start(3)
        for i, word in enumerate(re.finditer(r"\S+", match.group(3))):
            tag = analyse((word.group(),))[0][3]
            if tag not in _PROPER and (i == 0 or tag not in _NAME_PARTS):
                break  # the first word a proper noun; then nouns too ("Ansar Dine", "Platige Films"), no article
            end = match.start(3) + word.end()
    name = match.string[start:end].strip()
    if sum(ch.isalpha() for ch in name) < 2:
        return None
    return start, start + len(name)
