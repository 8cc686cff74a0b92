"""Grouping the cleaned mentions of one article into entities: variants, aliases, short person names.

- group case, whitespace, hyphen and diacritic variants;
- merge aliases: the same gazetteer place ("Moskau"/"Moscow"), an acronym of a longer organisation in the
  article ("EU"/"Europäische Union"), adjective-inflection variants ("Weißen Haus"/"Weißes Haus");
- fold short person names into the one longer person name they end (or, failing that, start) with;
- choose the canonical name (:func:`canonical_name`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from newsingest.enrich.mention_clean import CleanMention
from newsingest.models import EntityType
from newsingest.text.folding import fold

Identity = Callable[[str, EntityType], str | None]
TYPE_PRIORITY = {EntityType.PERSON: 0, EntityType.ORGANISATION: 1, EntityType.LOCATION: 2, EntityType.MISC: 3}

_FUNCTION_WORDS = {
    "der", "die", "das", "des", "dem", "den", "und", "für", "von", "vom", "zur", "zum", "im", "in", "of", "the",
    "and", "for", "de", "la", "le", "du", "del", "y", "et", "on", "at", "a", "an",
}  # fmt: skip
_ADJ_ENDING = re.compile(r"(?:en|em|er|es|e)$")
_NOUN_ENDING = re.compile(r"(?:es|s|en|n)$")


@dataclass
class Group:
    key: str
    mentions: list[CleanMention] = field(default_factory=list)
    forms: Counter[str] = field(default_factory=Counter)
    first: int = 0  # order of first appearance (title before body)
    parent: Group | None = None

    # tokens and type are asked for every pair of groups while merging; computed once (the mentions of a group
    # are complete when group_mentions returns it, and only parents change afterwards)
    @cached_property
    def tokens(self) -> tuple[str, ...]:
        return tuple(self.key.split())

    @property
    def types(self) -> Counter[EntityType]:
        return Counter(m.type for m in self.mentions)

    @cached_property
    def type(self) -> EntityType:
        counts = self.types
        return max(counts, key=lambda t: (counts[t], -TYPE_PRIORITY[t]))

    def root(self) -> Group:
        group = self
        while group.parent is not None:
            group = group.parent
        return group


# --- 3-5. grouping and merging ---------------------------------------------------------------------------
def group_mentions(mentions: list[CleanMention]) -> list[Group]:
    groups: dict[str, Group] = {}
    for index, m in enumerate(mentions):
        key = fold(m.form)
        group = groups.get(key)
        if group is None:
            group = groups[key] = Group(key, first=index)
        group.mentions.append(m)
        group.forms[m.form] += 1
    return list(groups.values())


def _merge(into: Group, other: Group) -> None:
    if other is into:
        return
    other.parent = into


def merge_by_identity(groups: list[Group], identity: Identity | None) -> None:
    if identity is None:
        return
    seen: dict[str, Group] = {}
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


def merge_acronyms(groups: list[Group]) -> None:
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


def merge_inflections(groups: list[Group]) -> None:
    """German adjective/noun endings of multi-word names: "Weißen Haus", "Weißes Haus" are one name."""
    seen: dict[str, Group] = {}
    for group in groups:
        if group.parent is not None or group.type is EntityType.PERSON or len(group.tokens) < 2:
            continue
        key = f"{group.type.value}:{_loose_key(group.tokens)}"
        if key in seen:
            _merge(seen[key].root(), group)
        else:
            seen[key] = group


def fold_persons(groups: list[Group]) -> None:
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
            continue
        initials = _initialled(short.tokens)
        if initials:  # "M. Raffl" -> "Michael Raffl", "D dal Maso" -> "David dal Maso": the one such name
            rest = short.tokens[len(initials):]
            full = {g.root().key: g.root() for g in persons
                    if g is not short and _initialled(g.tokens) == () and len(g.tokens) >= len(rest) + len(initials)
                    and g.tokens[-len(rest):] == rest
                    and all(t.startswith(i) for t, i in zip(g.tokens, initials, strict=False))}  # fmt: skip
            if len(full) == 1:
                _merge(next(iter(full.values())), short)


def _initialled(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """The leading initials of a folded person name that goes on with a name ("m raffl": ("m",)), else ()."""
    count = 0
    while count < len(tokens) - 1 and len(tokens[count]) == 1:
        count += 1
    return tokens[:count]


# --- 6. canonical forms ----------------------------------------------------------------------------------
def _form_rank(form: str, count: int, order: int) -> tuple[int, int, int, int]:
    not_caps = int(not form.isupper())
    not_oblique = int(not re.search(r"(?:en|em)\b", form.split()[0]) or len(form.split()) == 1)
    return (not_caps, count, not_oblique, -order)


def _best_form(group: Group) -> str:
    order = {form: i for i, form in reversed(list(enumerate(m.form for m in group.mentions)))}
    return max(group.forms, key=lambda f: _form_rank(f, group.forms[f], order[f]))


def _is_acronym(group: Group) -> bool:
    form = _best_form(group)
    return form.isupper() and " " not in form


def canonical_name(root: Group, members: list[Group]) -> str:
    """Persons: the longest name the short ones folded into. Others: the most used full name (a full name
    before its acronym), ties to the longer, then the earlier."""
    if root.type is EntityType.PERSON:
        return _best_form(root)
    pool = [g for g in members if not _is_acronym(g)] or members
    # a one-word short form ("United", "Re") never names what a longer member ends with ("Manchester United")
    pool = [g for g in pool if len(g.tokens) > 1 or not any(
        len(o.tokens) > 1 and o.tokens[-1:] == g.tokens for o in pool)] or pool  # fmt: skip
    return _best_form(max(pool, key=lambda g: (len(g.mentions), len(g.tokens), -g.first)))


def position(m: CleanMention) -> tuple[int, int, int]:
    return (0 if m.field == "title" else 1, m.start, m.end)


def merge_abbreviations(groups: list[Group], pairs: dict[str, str]) -> None:
    """An abbreviation introduced in the article ("Internationale Atomenergiebehörde (IAEA)") joins its long form."""
    by_key = {g.key: g for g in groups}
    for group in groups:
        long_form = by_key.get(pairs.get(group.key, ""))
        if long_form is not None and long_form.root() is not group.root():
            _merge(long_form.root(), group)


def merge_place_prefixed(groups: list[Group], known: Callable[[str], bool]) -> None:
    """A multi-word organisation or place name and the same name after a place or country code in the article
    are one thing ("Secret Service" / "US Secret Service", "Rotes Kreuz" / "Österreichisches Rotes Kreuz" is
    not: the prefix must be a known place or an all-capital code). A one-word organisation too ("Cubs" /
    "Chicago Cubs", "Re" / "Munich Re"), after a known place only, when exactly one such name fits."""
    tops = [g for g in groups if g.parent is None and g.type is not EntityType.PERSON]
    for short in tops:
        n = len(short.tokens)
        if (n < 2 and short.type is not EntityType.ORGANISATION) or short.parent is not None:
            continue
        longer = {
            g.root().key: g.root()
            for g in tops
            if g is not short and len(g.tokens) > n and g.tokens[-n:] == short.tokens and g.type is short.type
            and _place_prefix(_best_form(g).split()[: len(g.tokens) - n], known, codes=n > 1)
        }  # fmt: skip
        if len(longer) == 1:
            _merge(next(iter(longer.values())), short)


def _place_prefix(words: list[str], known: Callable[[str], bool], *, codes: bool = True) -> bool:
    """The words are a known place, or (``codes``) an all-capital code of up to three letters ("US", "UK"); a
    one-word name needs a place ("Chicago Cubs"): a code before it is as often another name ("CSI Hypo")."""
    prefix = " ".join(words)
    code = codes and prefix.isupper() and prefix.isalpha() and len(prefix) <= 3
    return bool(words) and (known(prefix) or code)
