"""Entity normalisation: raw NER mentions of one article -> one :class:`Entity` per real thing.

Steps, in order:

1. clean each mention: trim punctuation and quotes, English possessives ("Putin's"), titles in person spans
   ("Präsident Wladimir Putin", "Kremlchef Putin"); split "SEOUL/MOSKAU" and location spans that join
   adjacent names ("Nordkorea Russland", "Nordkoreas Kim"); drop junk (one character, digits, punctuation,
   all-lowercase words);
2. strip German-style genitive/inflection -s/-es ("Putins", "Nordkoreas", "Bundestages") only with evidence: the
   stripped form also occurs in the article, or is a known name (gazetteer) while the full form is not, so
   "Paris" and "Kraus" stay themselves;
3. group case, whitespace, hyphen and diacritic variants;
4. merge aliases: the same gazetteer place ("Moskau"/"Moscow"), an acronym of a longer organisation in the
   article ("EU"/"Europäische Union"), adjective-inflection variants ("Weißen Haus"/"Weißes Haus");
5. fold short person names into the one longer person name they end (or, failing that, start) with:
   "Putin" -> "Wladimir Putin", "Kim" -> "Kim Jong Un"; ambiguous short names stay themselves;
6. choose the canonical name and the majority type; keep every mention's offsets (title and body).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from newsingest.enrich.folding import fold
from newsingest.enrich.ner.base import RawMention
from newsingest.enrich.spans import cuts_off_modifier, is_adjective_phrase
from newsingest.models import Entity, EntityType, Mention

Field = Literal["title", "body"]
KnownName = Callable[[str], bool]
Identity = Callable[[str, EntityType], str | None]

GENITIVE_LANGUAGES = {"de", "nl", "lb", "da", "sv", "nb", "nn", "no", "is", "fo"}
_TYPE_PRIORITY = {EntityType.PERSON: 0, EntityType.ORGANISATION: 1, EntityType.LOCATION: 2, EntityType.MISC: 3}

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
    "spokeswoman",
}  # fmt: skip
# compound titles: "US-Präsident", "Kremlchef", "Außenministerin", "Ex-Kanzler", "Nordkorea-Experte"
_TITLE_SUFFIX = re.compile(
    r"(präsident|präsidentin|minister|ministerin|kanzler|kanzlerin|chef|chefin|sprecher|sprecherin|führer"
    r"|experte|expertin|botschafter|botschafterin|vorsitzender|vorsitzende|machthaber|staatschef|premier)$"
)
_EDGE_PUNCT = "\"'„“”‚‘’«»‹›()[]{}<>,;:!?¿¡*•·|/\\–—-_ \t\r\n"
_POSSESSIVE = re.compile(r"(?:['’]s|s['’]|['’])$")
_FUNCTION_WORDS = {
    "der", "die", "das", "des", "dem", "den", "und", "für", "von", "vom", "zur", "zum", "im", "in", "of", "the",
    "and", "for", "de", "la", "le", "du", "del", "y", "et", "on", "at", "a", "an",
}  # fmt: skip
_ADJ_ENDING = re.compile(r"(?:en|em|er|es|e)$")
_NOUN_ENDING = re.compile(r"(?:es|s|en|n)$")


@dataclass(frozen=True, slots=True)
class CleanMention:
    field: Field
    start: int
    end: int
    text: str  # the trimmed surface, == field_text[start:end]
    form: str  # the name it stands for (surface with genitive stripped, whitespace collapsed)
    type: EntityType


@dataclass
class _Group:
    key: str
    mentions: list[CleanMention] = field(default_factory=list)
    forms: Counter[str] = field(default_factory=Counter)
    first: int = 0  # order of first appearance (title before body)
    parent: _Group | None = None

    @property
    def tokens(self) -> tuple[str, ...]:
        return tuple(self.key.split())

    @property
    def types(self) -> Counter[EntityType]:
        return Counter(m.type for m in self.mentions)

    @property
    def type(self) -> EntityType:
        counts = self.types
        return max(counts, key=lambda t: (counts[t], -_TYPE_PRIORITY[t]))

    def root(self) -> _Group:
        group = self
        while group.parent is not None:
            group = group.parent
        return group


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
            if mention.type is EntityType.PERSON:
                start = _strip_titles(text, start, end)
            surface = text[start:end]
            possessive = _POSSESSIVE.search(surface)
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
    return cleaned


# --- 1b. joined runs -------------------------------------------------------------------------------------
_TOKEN = re.compile(r"\S+")


def _split_runs(mentions: list[CleanMention], known: KnownName, genitive: bool) -> list[CleanMention]:
    """Split location spans that join adjacent names ("Nordkorea Russland", "Nordkoreas Kim", "Weiße Haus
    Nordkorea": IO tagging merges neighbouring tokens of one type) into their parts, when the whole is no known
    name, it has no lower-case word ("Golf von Mexiko" stays) and parts are known names (gazetteer, or the form
    of another mention in the article, whose type the part takes)."""
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
        if not any(kind is not None for _, _, kind in segments) or cuts_off_modifier(segments):
            result.append(m)
            continue
        for i, j, kind in segments:
            a, b = tokens[i][0], tokens[j - 1][1]
            surface = m.text[a:b]
            result.append(CleanMention(m.field, m.start + a, m.start + b, surface, " ".join(surface.split()),
                                       kind or m.type))  # fmt: skip
    return result


# --- 2. genitive ---------------------------------------------------------------------------------------
def _strip_genitives(mentions: list[CleanMention], known: KnownName) -> list[CleanMention]:
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


def _genitive_base(m: CleanMention, keys: set[str], person_tokens: set[str], known: KnownName) -> str:
    form = m.form
    last = form.split()[-1]
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


# --- 3-5. grouping and merging ---------------------------------------------------------------------------
def _group(mentions: list[CleanMention]) -> list[_Group]:
    groups: dict[str, _Group] = {}
    for index, m in enumerate(mentions):
        key = fold(m.form)
        group = groups.get(key)
        if group is None:
            group = groups[key] = _Group(key, first=index)
        group.mentions.append(m)
        group.forms[m.form] += 1
    return list(groups.values())


def _merge(into: _Group, other: _Group) -> None:
    if other is into:
        return
    other.parent = into


def _merge_by_identity(groups: list[_Group], identity: Identity | None) -> None:
    if identity is None:
        return
    seen: dict[str, _Group] = {}
    for group in groups:
        group_type = group.type
        if group_type is EntityType.PERSON:
            continue
        ident = identity(_best_form(group), group_type)
        if ident is None:
            continue
        ident = f"{group_type.value}:{ident}"
        if ident in seen:
            keep = seen[ident]
            _merge(keep.root(), group)
        else:
            seen[ident] = group


def _initials(tokens: Sequence[str]) -> str:
    return "".join(t[0] for t in tokens if t not in _FUNCTION_WORDS)


def _merge_acronyms(groups: list[_Group]) -> None:
    long_orgs = [g for g in groups if g.type is not EntityType.PERSON and len(g.tokens) >= 2]
    for group in groups:
        form = _best_form(group)
        if group.type is EntityType.PERSON or not (2 <= len(form) <= 6) or not form.isupper() or " " in form:
            continue
        matches = {g.root().key: g.root() for g in long_orgs if _initials(g.tokens) == group.key}
        if len(matches) == 1:
            _merge(next(iter(matches.values())), group)


def _loose_key(tokens: Sequence[str]) -> str:
    stems = [_ADJ_ENDING.sub("", t) if len(t) > 4 else t for t in tokens[:-1]]
    last = tokens[-1]
    stems.append(_NOUN_ENDING.sub("", last) if len(last) > 4 else last)
    return " ".join(stems)


def _merge_inflections(groups: list[_Group]) -> None:
    """German adjective/noun endings of multi-word names: "Weißen Haus", "Weißes Haus" are one name."""
    seen: dict[str, _Group] = {}
    for group in groups:
        if group.parent is not None or group.type is EntityType.PERSON or len(group.tokens) < 2:
            continue
        key = f"{group.type.value}:{_loose_key(group.tokens)}"
        if key in seen:
            _merge(seen[key].root(), group)
        else:
            seen[key] = group


def _fold_persons(groups: list[_Group]) -> None:
    persons = [g for g in groups if g.parent is None and g.type is EntityType.PERSON]
    persons.sort(key=lambda g: -len(g.tokens))
    for short in persons:
        n = len(short.tokens)
        longer = [g for g in persons if len(g.tokens) > n and g is not short]
        suffix = {g.root().key: g.root() for g in longer if g.tokens[-n:] == short.tokens}
        if len(suffix) == 1:
            _merge(next(iter(suffix.values())), short)
            continue
        if suffix:
            continue  # "Bush" with "George Bush" and "Laura Bush": ambiguous, stays itself
        prefix = {g.root().key: g.root() for g in longer if g.tokens[:n] == short.tokens}
        if len(prefix) == 1:
            _merge(next(iter(prefix.values())), short)


# --- 6. canonical forms ----------------------------------------------------------------------------------
def _form_rank(form: str, count: int, order: int) -> tuple[int, int, int, int]:
    not_caps = int(not form.isupper())
    not_oblique = int(not re.search(r"(?:en|em)\b", form.split()[0]) or len(form.split()) == 1)
    return (not_caps, count, not_oblique, -order)


def _best_form(group: _Group) -> str:
    order = {form: i for i, form in reversed(list(enumerate(m.form for m in group.mentions)))}
    return max(group.forms, key=lambda f: _form_rank(f, group.forms[f], order[f]))


def _is_acronym(group: _Group) -> bool:
    form = _best_form(group)
    return form.isupper() and " " not in form


def _canonical(root: _Group, members: list[_Group]) -> str:
    """Persons: the longest name the short ones folded into. Others: the most used full name (a full name
    before its acronym), ties to the longer, then the earlier."""
    if root.type is EntityType.PERSON:
        return _best_form(root)
    pool = [g for g in members if not _is_acronym(g)] or members
    return _best_form(max(pool, key=lambda g: (len(g.mentions), len(g.tokens), -g.first)))


def _position(m: CleanMention) -> tuple[int, int, int]:
    return (0 if m.field == "title" else 1, m.start, m.end)


def normalise_entities(
    mentions: Iterable[tuple[Field, str, Sequence[RawMention]]],
    *,
    language: str,
    known: KnownName | None = None,
    identity: Identity | None = None,
) -> list[Entity]:
    """Entities of one article from ``(field, field_text, raw_mentions)`` triples (title and body).

    ``known(name)`` says whether a name is known from a gazetteer (allows stripping "Nordkoreas" to
    "Nordkorea"); ``identity(name, type)`` gives a key under which differently written names are one thing.
    Entities come most-mentioned first.
    """
    is_known: KnownName = known or (lambda _name: False)
    cleaned: list[CleanMention] = []
    for field_name, text, raw in mentions:
        cleaned.extend(clean_mentions(field_name, text, raw))
    cleaned = sorted(set(cleaned), key=_position)
    cleaned = [m for m in cleaned if not is_adjective_phrase(m.form, language)]
    genitive = language.split("-")[0] in GENITIVE_LANGUAGES
    cleaned = _split_runs(cleaned, is_known, genitive)
    if genitive:
        cleaned = _strip_genitives(cleaned, is_known)
    groups = _group(cleaned)
    _merge_by_identity(groups, identity)
    _merge_acronyms(groups)
    _merge_inflections(groups)
    _fold_persons(groups)

    members: dict[int, list[_Group]] = {}
    roots: dict[int, _Group] = {}
    for group in groups:
        root = group.root()
        roots[id(root)] = root
        members.setdefault(id(root), []).append(group)
    entities: list[tuple[int, Entity]] = []
    for key, root in roots.items():
        parts = members[key]
        all_mentions = sorted((m for g in parts for m in g.mentions), key=_position)
        types = Counter(m.type for m in all_mentions)
        entity_type = (
            root.type
            if root.type is EntityType.PERSON
            else max(types, key=lambda t: (types[t], t is root.type, -_TYPE_PRIORITY[t]))
        )
        entity = Entity(
            name=_canonical(root, parts),
            type=entity_type,
            count=len(all_mentions),
            mentions=[Mention(start=m.start, end=m.end, text=m.text, field=m.field) for m in all_mentions],
        )
        entities.append((min(g.first for g in parts), entity))
    entities.sort(key=lambda pair: (-pair[1].count, pair[0]))
    return [entity for _, entity in entities]
