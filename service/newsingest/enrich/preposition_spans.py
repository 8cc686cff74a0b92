"""Mentions that run over a preposition into the next phrase: "Chelsea im Achtelfinale", "Ariel im
Westjordanland", "Lufthansa am Dienstagabend vom Arbeitsgericht Frankfurt", "Copa del Rey beim FC Barcelona";
in English (rarer: the English model is better at it) "Ray Charles in Ray", "Hylands Park in Essex".

The German CRF model tags token by token, and a preposition between two capitalised phrases often gets the tag
of its neighbours, so one mention joins a name to the place, time or thing the sentence puts it in. Names do
contain prepositions ("Institut für Höhere Studien", "Alternative für Deutschland", "Frankfurt am Main",
"Zell am See", "Ursula von der Leyen"), so a span is cut at an inner preposition only on linguistic evidence:

- a time word follows it ("am Dienstagabend", "im Januar"): no name goes on with a date;
- ``ins``/``beim`` (in das, bei dem: a direction or a companion, never part of a name);
- the word before it is a proper name (HanTa: a proper noun or an acronym, or a digit: "Chelsea", "PKK",
  "B311") — in names with a preposition that word is a common noun ("Institut", "Alternative", "Kirche") or
  the place of a place name, which the next rule keeps: a lone unknown proper noun after am/im/an/in/ob
  ("Zell am See", "St. Johann im Pongau") may be the second half of a town's name and keeps the span;
- ``im``/``am`` followed only by common nouns ("im Achtelfinale", "im STANDARD-Interview").

Places split only when both halves are known places or names of the article ("Ariel im Westjordanland"), never
otherwise (towns too small for the gazetteer are named like this). Person spans keep ``von``/``zu``
(nobility) unless what follows is an acronym, a web address or an organisation of the article ("Lea Maričić
von ADRA"). The part after the cut stays a mention when it looks like a name (a proper noun, two capitalised
words, a known place, another mention's form), typed like that mention, as a place when known, else as the
span was; otherwise ("Achtelfinale", "Tor") it is dropped. Whole spans that the gazetteer knows stay whole.

English: a person span is cut at any lower-case word but a name particle ("Ray Charles in Ray", "Ray Charles
biopic Ray"; "of", "the", "da", "dal", "bin", "van" belong to names), an organisation or place span at
"in"/"at" only before a known place or another name of the article; the part after the cut stays only when it
is such a name.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping

from newsingest.enrich.german_case import analyse
from newsingest.enrich.mention_clean import CleanMention
from newsingest.enrich.spans import trim_edges
from newsingest.models import EntityType
from newsingest.text.folding import fold

KnownName = Callable[[str], bool]

_PREPOSITIONS = frozenset({
    "am", "im", "vom", "zum", "zur", "beim", "ins", "ans", "in", "an", "auf", "aus", "bei", "mit", "nach",
    "vor", "für", "gegen", "über", "unter", "von", "zu", "ob", "seit",
})  # fmt: skip
_NEVER_IN_NAMES = frozenset({"ins", "beim"})
_PLACE_NAME_LINKS = frozenset({"am", "im", "an", "in", "ob"})  # "Zell am See", "Freiburg im Breisgau"
_COMMON_TAIL_LINKS = frozenset({"im", "am"})
_NOBILITY = frozenset({"von", "zu"})
# English: a person's name has no such word ("Ray Charles in Ray"); an organisation or place runs over "at" or
# "in" into a known place or another name of the article ("Hylands Park in Essex", "UK Equities at Standard
# Life Investments"), while "of", "for", "the", "upon" belong to names ("Bank of England", "Institute for ...")
_ENGLISH_PREPOSITIONS = frozenset({"in", "at", "on", "from", "with", "to", "by", "after", "during", "against"})
_ENGLISH_PLACE_LINKS = frozenset({"in", "at"})
_ENGLISH_NAME_WORDS = frozenset({
    "of", "the", "de", "da", "di", "do", "dos", "das", "du", "del", "della", "van", "von", "der", "den", "ter",
    "ten", "zu", "la", "le", "bin", "ibn", "al", "el", "ben", "y", "e", "and", "dal", "dalla", "dei", "degli",
    "delle", "lo", "des", "af", "av", "ap", "op", "te", "binti", "bint", "ould", "ag", "st",
})  # fmt: skip
_ARTICLES = frozenset({"der", "die", "das", "des", "dem", "den", "ein", "eine", "einer", "eines", "einem"})
_TIME = re.compile(
    r"(?:montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonnabend|sonntag)"
    r"(?:s|morgen|vormittag|mittag|nachmittag|abend|nacht)?"
    r"|januar|jänner|februar|feber|märz|april|mai|juni|juli|august|september|oktober|november|dezember"
    r"|wochenende|frühjahr|sommer|herbst|winter|vormittag|nachmittag|abend|morgen|heute|gestern"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday|tomorrow|weekend"
)
_TOKEN = re.compile(r"\S+")
_ACRONYM = re.compile(r"[A-ZÄÖÜ]{2,}\d*")
_TYPES = (EntityType.PERSON, EntityType.ORGANISATION, EntityType.LOCATION)

Span = tuple[int, int]  # token indexes [i, j) into one mention's tokens


def _is_time(word: str) -> bool:
    return _TIME.fullmatch(word.casefold().strip(".,;:")) is not None


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper() or word[:1].isdigit()


def _is_name_word(word: str) -> bool:
    """A proper noun (HanTa's reading of the word alone; of a hyphenated compound's head: "Max-Planck-Institut"
    is an institute), an acronym or a word with a digit ("B311")."""
    if any(c.isdigit() for c in word) or _ACRONYM.fullmatch(word):
        return True
    word = word.rsplit("-", 1)[-1]
    if not word[:1].isupper():
        return False
    ((_, _, morphemes, pos),) = analyse((word,))
    return pos == "NE" or any(kind in ("NE", "ACR_NE") for _, kind in morphemes)


class _Splitter:
    def __init__(self, mentions: list[CleanMention], texts: Mapping[str, str], known: KnownName,
                 german: bool) -> None:  # fmt: skip
        self.texts = texts
        self.known = known
        self.german = german
        self.prepositions = _PREPOSITIONS if german else _ENGLISH_PREPOSITIONS
        self.forms: dict[str, Counter[EntityType]] = {}
        for m in mentions:
            self.forms.setdefault(fold(m.form), Counter())[m.type] += 1

    def other_type(self, form: str) -> EntityType | None:
        counts = self.forms.get(fold(form))
        return counts.most_common(1)[0][0] if counts else None

    def split(self, m: CleanMention) -> list[CleanMention]:
        if m.type not in _TYPES or m.form.count(" ") < 2 or self.known(m.form):
            return [m]
        tokens = [(t.start(), t.end()) for t in _TOKEN.finditer(m.text)]
        words = [m.text[a:b] for a, b in tokens]
        english_person = not self.german and m.type is EntityType.PERSON
        for i in range(1, len(words) - 1):
            if english_person and words[i].islower() and words[i] not in _ENGLISH_NAME_WORDS:
                pass  # "Ray Charles biopic Ray": a lower-case word in an English name is a particle
            elif words[i] not in self.prepositions:
                continue
            j = i + 1
            while j < len(words) - 1 and words[j] in _ARTICLES:
                j += 1
            verdict = self._verdict(m, words, i, j)
            if verdict == "keep":
                continue
            left = self._part(m, tokens, 0, i, m.type)
            parts = [left] if left is not None else []
            if verdict == "time":
                k = j
                while k < len(words) and _is_time(words[k]):
                    k += 1
                if k < len(words) - 1 and words[k] in self.prepositions:
                    k += 1
                    while k < len(words) - 1 and words[k] in _ARTICLES:
                        k += 1
                    rest = self._part(m, tokens, k, len(words), m.type)
                    parts += self.split(rest) if rest is not None else []
                return parts
            right_words = words[j:]
            if self._name_like(right_words):
                right_form = " ".join(right_words)
                kind = self.other_type(right_form) or (
                    EntityType.LOCATION if self.known(right_form)
                    else EntityType.ORGANISATION if all(_ACRONYM.fullmatch(w) for w in right_words)
                    else m.type
                )  # fmt: skip
                right = self._part(m, tokens, j, len(words), kind)
                parts += self.split(right) if right is not None else []
            return parts
        return [m]

    def _verdict(self, m: CleanMention, words: list[str], i: int, j: int) -> str:
        """"keep" the span, cut it at the preposition ("split"), or cut it before a "time" word."""
        preposition, right = words[i], words[j:]
        right_form, left_form = " ".join(right), " ".join(words[:i])
        if _is_time(right[0]):
            return "time"
        if not self.german:
            named = self.known(right_form) or self.other_type(right_form) is not None
            if m.type is EntityType.PERSON or (preposition in _ENGLISH_PLACE_LINKS and named):
                return "split"
            return "keep"
        if m.type is EntityType.LOCATION:
            left_named = self.known(left_form) or self.other_type(left_form) is not None
            return "split" if self.known(right_form) and left_named else "keep"
        if m.type is EntityType.PERSON and preposition in _NOBILITY:
            organisation = self.other_type(right_form) in (EntityType.ORGANISATION, EntityType.LOCATION)
            odd = "." in right_form or all(_ACRONYM.fullmatch(w) for w in right)
            return "split" if organisation or odd else "keep"
        if preposition in _NEVER_IN_NAMES:
            return "split"
        capitalised = [w for w in words[:i] if _is_capitalised(w)]
        if capitalised and _is_name_word(capitalised[-1]):
            lone_place = (
                preposition in _PLACE_NAME_LINKS
                and len(right) == 1
                and _is_name_word(right[0])
                and not self.known(right_form)
                and self.other_type(right_form) is None
            )
            return "keep" if lone_place else "split"
        if preposition in _COMMON_TAIL_LINKS and not self._name_like(right):
            return "split"
        return "keep"

    def _name_like(self, words: list[str]) -> bool:
        form = " ".join(words)
        if self.known(form) or self.other_type(form) is not None:
            return True
        if not self.german:  # "Ray Charles in Ray": the film stays out
            return False
        return sum(_is_capitalised(w) for w in words) >= 2 or any(_is_name_word(w) for w in words)

    def _part(self, m: CleanMention, tokens: list[Span], i: int, j: int, kind: EntityType) -> CleanMention | None:
        if i >= j:
            return None
        text = self.texts[m.field]
        start, end = trim_edges(text, m.start + tokens[i][0], m.start + tokens[j - 1][1],
                                person=kind is EntityType.PERSON)  # fmt: skip
        surface = text[start:end]
        if not any(_is_capitalised(w) for w in surface.split()):
            return None
        if kind is m.type and i == 0:
            kind = self.other_type(surface) or kind
        return CleanMention(m.field, start, end, surface, " ".join(surface.split()), kind)


def split_prepositions(
    mentions: list[CleanMention], texts: Mapping[str, str], known: KnownName, language: str
) -> list[CleanMention]:
    """Mentions cut where they run over a preposition into another phrase (module docstring); German and
    English, other languages unchanged."""
    if language not in ("de", "en"):
        return mentions
    splitter = _Splitter(mentions, texts, known, german=language == "de")
    result: list[CleanMention] = []
    for m in mentions:
        result.extend(splitter.split(m))
    return result
