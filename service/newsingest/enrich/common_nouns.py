"""German one-word "persons" that are common nouns: "Mama", "Maggi-Fertignudeln".

German capitalises every noun, so the NER model sometimes takes a common noun for a person. A one-word person
mention is no name when the German tagger (HanTa) reads it as a common noun (``NN``) both on its own (its
lexical analysis has no proper-noun morpheme) and in its sentence, after a determiner ("meine Mama"). For a
hyphenated compound the last element, its head, decides ("Maggi-Fertignudeln": noodles), no determiner needed.
HanTa reads many surnames standing alone as common nouns ("laut Strache", "Kern kritisierte"), hence the
determiner. Places are left alone: the same test drops 38 of the 657 one-word places of GermEval 2014 dev
(towns, castles, streets: "Königswinter", "Hofburg", "Schulstraße"), but none of its 335 one-word persons
(docs/ner.md). Organisations are often named by a common noun ("Spiegel", "Naturschutzbund").

A person span of several words that starts with a common noun has taken in the noun the name stands in
apposition to ("Chefentwickler Shigeru Miyamoto", "Stürmer Marko Arnautovic"): the noun is cut off when HanTa
reads it as common on its own, it is no given name of the US census lists ("Mark Rutte" stays) and two words or
more remain (of 206 common German and Austrian given names HanTa reads two as common nouns, "Finn" and
"Sieglinde": "Finn Müller" stays). Organisations are left alone ("Universität Wien", "Stiftung Warentest").
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from functools import cache

from newsingest.enrich.german_case import analyse
from newsingest.enrich.mention_clean import CleanMention
from newsingest.enrich.us_census import census_ranks
from newsingest.models import EntityType

_WORD = re.compile(r"[A-ZÄÖÜ][\w-]*[a-zäöüß]")  # capitalised, ends in a lower-case letter (no "APA", "EU")
_CONTEXT_WORDS = 3
_DETERMINERS = frozenset({"ART", "PPOSAT", "PDAT", "PIAT", "PWAT"})  # article, possessive, demonstrative, ...


def _lexically_common(word: str) -> bool:
    """HanTa's analysis of the word alone is a common noun with no proper-noun element."""
    ((_, _, morphemes, pos),) = analyse((word,))
    return pos == "NN" and not any(kind == "NE" for _, kind in morphemes)


def is_common_noun(mention: CleanMention, text: str) -> bool:
    """A one-word German person mention that HanTa reads as a common noun, alone and in context."""
    word = mention.text
    if mention.type is not EntityType.PERSON or not _WORD.fullmatch(word):
        return False
    head = word.rsplit("-", 1)[-1]
    if not head[:1].isupper() or not _lexically_common(head):
        return False
    before = text[max(0, mention.start - 60) : mention.start].split()[-_CONTEXT_WORDS:]
    after = text[mention.end : mention.end + 60].split()[:_CONTEXT_WORDS]
    tags = analyse((*before, word, *after))
    if tags[len(before)][3] != "NN":
        return False
    return "-" in word or (bool(before) and tags[len(before) - 1][3] in _DETERMINERS)


def drop_common_nouns(mentions: list[CleanMention], texts: Mapping[str, str]) -> list[CleanMention]:
    """``mentions`` without the one-word persons read as common nouns in most of their mentions."""
    votes: dict[str, list[bool]] = {}
    for m in mentions:
        if m.type is EntityType.PERSON and " " not in m.text:
            votes.setdefault(m.form, []).append(is_common_noun(m, texts.get(m.field, "")))
    common = {form for form, seen in votes.items() if sum(seen) * 2 > len(seen)}
    return [m for m in mentions if m.type is not EntityType.PERSON or m.form not in common]


@cache
def _given_names() -> frozenset[str]:
    return frozenset(n.casefold() for lst in ("dist.male.first", "dist.female.first") for n in census_ranks(lst))


_LEADING_WORD = re.compile(r"(\S+)\s+(?=[A-ZÄÖÜ]\S*\s+\S)")  # a word before a name of two words or more


def strip_leading_common_nouns(mentions: list[CleanMention]) -> list[CleanMention]:
    """Person spans of several words without the common nouns they start with ("Stürmer Marko Arnautovic")."""
    result = []
    for m in mentions:
        while m.type is EntityType.PERSON and (match := _LEADING_WORD.match(m.text)):
            word = match.group(1)
            if not _WORD.fullmatch(word) or word.casefold() in _given_names() or not _lexically_common(word):
                break
            start = m.start + match.end()
            text = m.text[match.end() :]
            m = dataclasses.replace(m, start=start, text=text, form=" ".join(text.split()))
        result.append(m)
    return result
