"""Cleaning raw NER mentions of one article: trimmed, title-free, junk-free spans with the name they stand for.

- trim punctuation and quotes, English possessives ("Putin's"), titles in person spans ("Präsident Wladimir
  Putin", "Kremlchef Putin"); split "SEOUL/MOSKAU"; drop junk (one character, digits, all-lowercase words);
- split location spans that join adjacent names ("Nordkorea Russland", "Nordkoreas Kim");
- strip German-style genitive -s/-es ("Putins", "Nordkoreas") only with evidence: the stripped form also occurs
  in the article, or is a known name (gazetteer) while the full form is not, so "Paris" and "Kraus" stay.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from newsingest.enrich.ner.base import RawMention
from newsingest.enrich.spans import cuts_one_name, is_particle, trim_edges
from newsingest.models import EntityType
from newsingest.text.folding import fold

Field = Literal["title", "body"]
KnownName = Callable[[str], bool]

TITLES = {
    # German
    "präsident", "präsidentin", "kanzler", "kanzlerin", "bundeskanzler", "bundeskanzlerin", "minister",
    "ministerin", "premierminister", "premierministerin", "premier", "regierungschef", "regierungschefin",
    "staatschef", "staatschefin", "machthaber", "diktator", "führer", "herr", "frau", "dr", "prof", "professor",
    "professorin", "kardinal", "bischof", "pfarrer",
    "general", "generalin", "oberst", "major", "kapitän", "botschafter", "botschafterin", "senator", "senatorin",
    "abgeordneter", "abgeordnete", "bürgermeister", "bürgermeisterin", "gouverneur", "gouverneurin", "chef",
    "chefin", "sprecher", "sprecherin", "trainer", "trainerin", "genosse", "genossin", "altkanzler",
    "altkanzlerin",
    # English
    "mr", "mrs", "ms", "miss", "mister", "sir", "president", "chancellor", "secretary", "governor", "gov",
    "sen", "rep", "representative", "congressman", "congresswoman", "mayor", "judge", "justice", "cardinal",
    "bishop", "reverend", "rev", "gen", "col", "capt", "captain", "lt", "sgt", "ambassador", "chairman",
    "chairwoman", "comrade", "coach", "prime", "vice", "former", "leader", "dictator", "spokesman",
    "spokeswoman", "lord", "lady", "baron", "baroness", "dame", "earl", "countess", "viscount",
}  # fmt: skip
# compound titles: "US-Präsident", "Kremlchef", "Außenministerin", "Ex-Kanzler", "Nordkorea-Experte"
_TITLE_SUFFIX = re.compile(
    r"(präsident|präsidentin|minister|ministerin|kanzler|kanzlerin|chef|chefin|sprecher|sprecherin|führer"
    r"|experte|expertin|botschafter|botschafterin|vorsitzender|vorsitzende|machthaber|staatschef|premier)$"
)
_EDGE_PUNCT = "\"'„“”‚‘’«»‹›()[]{}<>,;:!?¿¡*•·|/\\–—-_ \t\r\n"
_POSSESSIVE = re.compile(r"(?:['’]s|s['’]|['’])$")
# "St Mary's" (a church, a stadium) keeps its 's; "St Helens' coach" and "San Francisco's mayor" are possessives
_SAINT = re.compile(r"(?:St\.?|Saint)\s+[A-Z]\w*[^\Ws](?:['’]s)?$")


@dataclass(frozen=True, slots=True)
class CleanMention:
    field: Field
    start: int
    end: int
    text: str  # the trimmed surface, == field_text[start:end]
    form: str  # the name it stands for (surface with genitive stripped, whitespace collapsed)
    type: EntityType


# --- 1. cleaning ---------------------------------------------------------------------------------------
def _is_junk(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    if len(text) < 2 or not letters:
        return True
    cased = [ch for ch in letters if ch.lower() != ch.upper()]
    return bool(cased) and not any(ch.isupper() for ch in cased)


def _is_title(token: str) -> bool:
    word = token.casefold().rstrip(".")
    if word in TITLES:
        return True
    last = re.split(r"[-‐]", word)[-1]
    return last in TITLES or bool(_TITLE_SUFFIX.search(last))


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _EDGE_PUNCT:
        start += 1
    while end > start and text[end - 1] in _EDGE_PUNCT:
        end -= 1
    # a trailing full stop belongs to the sentence unless the last word is an abbreviation ("U.S.", "Jr.")
    if end > start and text[end - 1] == "." and text[start:end].count(".") == 1:
        last = text[start:end].split()[-1]
        if len(last) > 3:
            end -= 1
    return start, end


_DETERMINER = re.compile(r"(?:the|der|die|das|des|dem|den|le|la|les|el|los|las)\s+")


def _strip_determiner(text: str, start: int, end: int) -> int:
    """New start after a lower-case article inside the span ("the United States"); "Der Spiegel" keeps its."""
    match = _DETERMINER.match(text, start, end)
    return match.end() if match and match.end() < end else start


def _strip_titles(text: str, start: int, end: int) -> int:
    """New start after leading title words ("Präsident", "Kremlchef", "Mr."), keeping at least one token."""
    while True:
        span = text[start:end]
        match = re.match(r"\S+\s+", span)
        if not match or not _is_title(match.group().strip()):
            return start
        start += match.end()


def _split_slashes(text: str, mention: RawMention) -> list[tuple[int, int]]:
    surface = text[mention.start : mention.end]
    if "/" not in surface or mention.type is not EntityType.LOCATION:
        return [(mention.start, mention.end)]
    spans, offset = [], mention.start
    for part in surface.split("/"):
        spans.append((offset, offset + len(part)))
        offset += len(part) + 1
    return spans


def clean_mentions(field_name: Field, text: str, raw: Iterable[RawMention]) -> list[CleanMention]:
    """Trimmed, title-free, junk-free mentions with offsets into ``text`` (genitive not yet handled)."""
    cleaned: list[CleanMention] = []
    for mention in raw:
        if not (0 <= mention.start < mention.end <= len(text)):
            continue
        for span_start, span_end in _split_slashes(text, mention):
            start, end = _trim(text, span_start, span_end)
            start = _strip_determiner(text, start, end)
            start, end = trim_edges(text, start, end, person=mention.type is EntityType.PERSON)
            if mention.type is EntityType.PERSON:
                start = _strip_titles(text, start, end)
            surface = text[start:end]
            possessive = _POSSESSIVE.search(surface)
            if _SAINT.match(surface):  # the saint's possessive is part of the name
                tail = re.match(r"['’]s(?!\w)", text[end:])
                if possessive is None and tail is not None:
                    end += len(tail.group())
                    surface = text[start:end]
                possessive = None
            if possessive and len(surface) - len(possessive.group()) >= 2:
                if possessive.group()[0] in "'’":  # "Putin's", "Kraus'": the apostrophe part is no name
                    end -= len(possessive.group())
                elif surface.endswith(("s'", "s’")):  # "Jones'"
                    end -= 1
                surface = text[start:end]
            form = " ".join(surface.split())
            if _is_junk(form):
                continue
            cleaned.append(CleanMention(field_name, start, end, surface, form, mention.type))
    return _join_ampersands(text, cleaned)


def _join_ampersands(text: str, mentions: list[CleanMention]) -> list[CleanMention]:
    """Two names of one type joined by "&" are one name ("Serbia & Montenegro", "Marks & Spencer"): unlike
    "and", the ampersand joins the parts of a name, not two names."""
    result: list[CleanMention] = []
    for m in sorted(mentions, key=lambda m: (m.start, m.end)):
        last = result[-1] if result else None
        if last is not None and last.type is m.type and text[last.end : m.start].strip() == "&":
            surface = text[last.start : m.end]
            result[-1] = CleanMention(m.field, last.start, m.end, surface, " ".join(surface.split()), m.type)
        else:
            result.append(m)
    return result


# --- 1b. joined runs -------------------------------------------------------------------------------------
_TOKEN = re.compile(r"\S+")


def split_runs(
    mentions: list[CleanMention], known: KnownName, genitive: bool, *, heads: bool = True
) -> list[CleanMention]:
    """Split location spans that join adjacent names ("Nordkorea Russland", "Nordkoreas Kim", "Weiße Haus
    Nordkorea": IO tagging merges neighbouring tokens of one type) into their parts, when the whole is no known
    name, it has no lower-case word ("Golf von Mexiko" stays) and parts are known names (gazetteer, or the form
    of another mention in the article, whose type the part takes). With ``heads`` unknown words after a known
    name stay with it (``spans.cuts_one_name``)."""
    forms: dict[str, Counter[EntityType]] = {}
    for m in mentions:
        forms.setdefault(fold(m.form), Counter())[m.type] += 1

    def name_type(segment: str) -> EntityType | None:
        counts = forms.get(fold(segment))
        if counts:
            return counts.most_common(1)[0][0]
        if known(segment) or (genitive and segment.endswith("s") and len(segment) > 4 and known(segment[:-1])):
            return EntityType.LOCATION
        return None

    result: list[CleanMention] = []
    for m in mentions:
        tokens = [(t.start(), t.end()) for t in _TOKEN.finditer(m.text)]
        words = [m.text[a:b] for a, b in tokens]
        if (
            m.type is not EntityType.LOCATION
            or len(tokens) < 2
            or known(m.form)
            or any(not w[:1].isupper() for w in words)
        ):
            result.append(m)
            continue
        segments: list[tuple[int, int, EntityType | None]] = []
        i = 0
        while i < len(tokens):
            for j in range(len(tokens), i, -1):
                kind = None if j - i == len(tokens) else name_type(" ".join(words[i:j]))
                if kind is not None:
                    segments.append((i, j, kind))
                    i = j
                    break
            else:
                if segments and segments[-1][2] is None:
                    segments[-1] = (segments[-1][0], i + 1, None)
                else:
                    segments.append((i, i + 1, None))
                i += 1
        lone_particle = any(j - i == 1 and is_particle(words[i]) for i, j, _ in segments)
        whole = not any(kind is not None for _, _, kind in segments) or lone_particle
        if whole or cuts_one_name(segments, words, heads=heads):
            result.append(m)
            continue
        for i, j, kind in segments:
            a, b = tokens[i][0], tokens[j - 1][1]
            surface = m.text[a:b]
            result.append(CleanMention(m.field, m.start + a, m.start + b, surface, " ".join(surface.split()),
                                       kind or m.type))  # fmt: skip
    return result


# --- 2. genitive ---------------------------------------------------------------------------------------
def strip_genitives(mentions: list[CleanMention], known: KnownName) -> list[CleanMention]:
    keys = {fold(m.form) for m in mentions}
    person_tokens: set[str] = set()
    for m in mentions:
        tokens = fold(m.form).split()
        if m.type is EntityType.PERSON and len(tokens) > 1:
            person_tokens.update((tokens[0], tokens[-1]))
    result: list[CleanMention] = []
    for m in mentions:
        result.append(_with_form(m, _genitive_base(m, keys, person_tokens, known)))
    return result


def _with_form(m: CleanMention, form: str) -> CleanMention:
    if form == m.form:
        return m
    return CleanMention(m.field, m.start, m.end, m.text, form, m.type)


def _is_dative_plural(m: CleanMention, last: str, known: KnownName) -> bool:
    """A plural place name in the dative (-n added to a known name ending in -e), never a known name itself."""
    return (
        m.type is EntityType.LOCATION
        and last.endswith("en")
        and len(last) > 5
        and not known(m.form)
        and known(m.form[:-1])
    )


def _genitive_base(m: CleanMention, keys: set[str], person_tokens: set[str], known: KnownName) -> str:
    form = m.form
    last = form.split()[-1]
    if _is_dative_plural(m, last, known):
        return form[:-1]  # "in den Niederlanden", "auf den Philippinen": the place is "Niederlande"
    if not last.endswith("s") or last.endswith("ss") or len(last) < 4 or last.isupper():
        return form
    is_person = m.type is EntityType.PERSON
    if not is_person and known(form):
        return form  # "Paris", "Athens", "Wales" are names in their own right
    for cut in (1, 2) if last.endswith("es") else (1,):
        stripped = form[:-cut]
        key = fold(stripped)
        if key in keys:
            return stripped
        if is_person and key.split()[-1] in person_tokens | keys:
            return stripped
        if not is_person and known(stripped):
            return stripped
    return form
