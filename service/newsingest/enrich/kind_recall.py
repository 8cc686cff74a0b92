"""Organisations the model missed, found after the noun that says what they are (German and English).

"des Fernsehsenders TVN24", "die Wohltätigkeitsorganisation Glide", "den kasachischen Klub Schachtjor Karagandy",
"die Lebensmittelkette Spar", Liste "Klartext": an organisation kind noun (``apposition.german_kind``: the last
element of the compound is "Sender", "Organisation", "Klub", "Kette", "Partei", ...) directly followed by a name
the model did not tag. The name is up to three capitalised words, or up to five words in quotation marks, and
its first word must be a proper noun for the German tagger (HanTa ``NE``, the word alone: cached across
articles), so common nouns ("der Konzern Anfang Mai") never become names. Known places are left out ("die
Partei Europas"): a kind noun before a place the model did tag makes it an organisation already
(``apposition``), an untagged one is too often the place itself. A single letter is a group of a tournament
("Gruppe C"), not a name.

English ("the band Razorlight", "the group Liberty X", "the firm Vestey"): a lower-case organisation kind noun
(``apposition.english_kind``) directly followed by up to four capitalised words ("The Streets" keeps its
article). English capitalises names only, so no tagger is asked; a known place or a single letter is left out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping

from newsingest.enrich.apposition import english_kind, german_kind
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
_ENGLISH_WORD = r"[A-Z0-9][\w'’&-]*(?:\.[\w&-]+)*"  # a full stop ends it ("Liberty X. It")
_POSSESSIVE = re.compile(r"['’]s\b")
_ENGLISH_KIND_THEN_NAME = re.compile(
    rf"(?<![\w-])([a-z]+)\s+((?:The\s+)?[A-Z][\w'’&-]*(?:\.[\w&-]+)*(?:\s+{_ENGLISH_WORD}){{0,3}})"
)
Span = tuple[int, int]


def find_after_kinds(
    mentions: list[CleanMention], texts: Mapping[str, str], known: Callable[[str], bool], language: str
) -> list[CleanMention]:
    """``mentions`` with the organisations named right after a kind noun that no mention covers (German and
    English; other languages get ``mentions`` back)."""
    names_in = {"de": _german_names, "en": _english_names}.get(language.split("-")[0])
    return mentions if names_in is None else _add_organisations(mentions, texts, known, names_in)


def _add_organisations(
    mentions: list[CleanMention], texts: Mapping[str, str], known: Callable[[str], bool],
    names_in: Callable[[str], Iterator[Span]],
) -> list[CleanMention]:
    """``mentions`` and an organisation for each span ``names_in`` finds in a field that is no known place and
    overlaps no mention."""
    taken = {(m.field, i) for m in mentions for i in range(m.start, m.end)}
    found: list[CleanMention] = []
    for field_name, text in texts.items():
        for start, end in names_in(text):
            name = text[start:end]
            if sum(ch.isalpha() for ch in name) < 2 or known(name):
                continue
            if any((field_name, i) in taken for i in range(start, end)):
                continue
            found.append(CleanMention(field_name, start, end, name, " ".join(name.split()), EntityType.ORGANISATION))
            taken.update((field_name, i) for i in range(start, end))
    return sorted([*mentions, *found], key=lambda m: (0 if m.field == "title" else 1, m.start, m.end))


def _german_names(text: str) -> Iterator[Span]:
    for match in _KIND_THEN_NAME.finditer(text):
        kind = german_kind(match.group(1))
        if kind is not None and kind[0] is EntityType.ORGANISATION and (span := _name_span(match)) is not None:
            yield span


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
    return (start, start + len(name)) if name else None


def _english_names(text: str) -> Iterator[Span]:
    for match in _ENGLISH_KIND_THEN_NAME.finditer(text):
        if english_kind(match.group(1)) is EntityType.ORGANISATION:
            name = _POSSESSIVE.split(match.group(2), maxsplit=1)[0].rstrip(".'’")  # "the band Korn's new album"
            yield match.start(2), match.start(2) + len(name)
