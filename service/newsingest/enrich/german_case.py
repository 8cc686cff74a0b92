"""German names in the nominative: "der Deutschen Bahn" -> "Deutsche Bahn", "Bayerischem Rundfunk" -> "Bayerischer
Rundfunk", "die Vereinigten Staaten" -> "Vereinigte Staaten", "des Islamischen Staates" -> "Islamischer Staat".

A facet label is the name as it stands alone: an adjective + noun phrase without article, so the adjectives take
the strong nominative ending of the head noun's gender and number (masculine -er, feminine -e, neuter -es,
plural -e). The part of speech, the adjective's stem and ending and the noun's inflection suffix come from HanTa
(the Hanover Tagger, a morphological analyser and tagger for German shipped with its model on PyPI). German
marks gender on the article, not the noun, so the gender comes from the articles the article's text puts in front
of the name ("der Deutschen Bahn": feminine; "dem Roten Kreuz": masculine or neuter; "das Rote Kreuz": neuter),
narrowed by the head noun's genders in Wiktionary (``german_genders``: "Kreuz" is neuter), or without it by
the noun's derivational suffix (-ung, -heit, -schaft, -ion: feminine; -ium, -ment, -tum: neuter; -ismus, -ling:
masculine), then masculine, the most frequent gender.

Only adjectives with an oblique ending (-en, -em) before a common noun are changed: names whose last word is a
proper noun ("Stuttgarter Kickers", "Kim Jong Un"), invariable place adjectives ("Neue Zürcher Zeitung" keeps
"Zürcher") and single words ("Kraus", "Paris") stay as they are.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterable, Mapping
from typing import Any

from newsingest.enrich.german_genders import genders, lexicon
from newsingest.enrich.mention_clean import CleanMention
from newsingest.models import EntityType

Gender = str  # "m", "f", "n" or "pl"
_ENDING = {"m": "er", "f": "e", "n": "es", "pl": "e"}
_OBLIQUE = {"en", "em"}
_PLURAL_SUFFIXES = {"en", "n", "er", "e"}
_GENITIVE_SUFFIXES = {"es", "s"}
# the article or preposition+article right before an oblique adjective + singular noun: possible genders
_CUES: dict[str, frozenset[str]] = {
    "das": frozenset("n"),
    "dem": frozenset("mn"), "im": frozenset("mn"), "vom": frozenset("mn"), "zum": frozenset("mn"),
    "am": frozenset("mn"), "beim": frozenset("mn"), "des": frozenset("mn"), "einem": frozenset("mn"),
    "eines": frozenset("mn"), "den": frozenset("m"), "einen": frozenset("m"),
    "der": frozenset("f"), "zur": frozenset("f"), "einer": frozenset("f"),
}  # fmt: skip
_WEAK_CUES = {"der": "m", "die": "f", "das": "n"}  # definite article + adjective in -e: nominative
_FEMININE = re.compile(r"(?:ung|heit|keit|schaft|ion|tät|ität|ei|ie|ik|ur|enz|anz|in|age|ade|ette|e)$")
_NEUTER = re.compile(r"(?:ium|um|ment|tum|chen|lein|ma|nis|haus|werk|amt|gericht|institut|zentrum|büro)$")
_MASCULINE = re.compile(r"(?:ismus|ling|or|ist|eur|ant|ig|rat|bund|verband|dienst|fonds|konzern)$")


@functools.cache
def _tagger() -> Any:
    from HanTa import HanoverTagger

    return HanoverTagger.HanoverTagger("morphmodel_ger.pgz")


def warm_up() -> None:
    """Load HanTa's German model and the noun genders now, not when the first German article waits for them."""
    _tagger()
    lexicon()


@functools.lru_cache(maxsize=4096)
def analyse(words: tuple[str, ...]) -> tuple[tuple[str, str, tuple[tuple[str, str], ...], str], ...]:
    """HanTa's analysis of a word sequence: (word, lemma, morphemes, part of speech) per word."""
    tagged = _tagger().tag_sent(list(words), taglevel=3)
    return tuple((w, lemma, tuple(tuple(m) for m in morphs), pos) for w, lemma, morphs, pos in tagged)


def _suffix(morphemes: tuple[tuple[str, str], ...], kind: str) -> str:
    return morphemes[-1][0] if morphemes and morphemes[-1][1] == kind else ""


def _noun_gender(morphemes: tuple[tuple[str, str], ...], lemma: str) -> frozenset[str]:
    """The noun's genders: Wiktionary's (``german_genders``), else from its derivational suffix, else all three."""
    known = genders(lemma[:1].upper() + lemma[1:])  # HanTa lower-cases some lemmas ("kreuz")
    if known:
        return known
    stems = [m for m, tag in morphemes if tag == "NN"]
    last = (stems[-1] if stems else lemma).casefold()
    for pattern, gender in ((_NEUTER, "n"), (_MASCULINE, "m"), (_FEMININE, "f")):
        if pattern.search(last):
            return frozenset(gender)
    return frozenset("mfn")


def gender_from_cues(cues: Iterable[str]) -> frozenset[str]:
    """Genders consistent with every article word seen before the name (all three when none says anything)."""
    possible = frozenset("mfn")
    for cue in cues:
        narrowed = possible & _CUES.get(cue.casefold(), possible)
        if narrowed:
            possible = narrowed
    return possible


# a preposition or article that starts the complement after a name's head ("Zentrum für ...", "Bank der ...")
_POSTMODIFIER = frozenset({"für", "der", "des", "von", "vom", "zur", "zum", "im", "in", "am", "an", "auf", "bei",
                           "gegen", "über", "unter", "ohne", "mit", "aus", "nach"})  # fmt: skip


def _genitive_head(words: list[str], cues: Iterable[str]) -> str | None:
    """"Schweizer Bundesrats" after "des" -> "Schweizer Bundesrat": the head noun without its genitive -s/-es,
    when a genitive article stands before the name and Wiktionary knows the bare noun as masculine or neuter
    (the genders that take the -s); None otherwise. Heads in -ers are left alone: clubs write English plurals
    ("Stuttgarter Kickers", "Rangers"), which read like a genitive of a German -er noun."""
    head = words[-1]
    if head.endswith("ers") or not any(cue.casefold() in ("des", "eines") for cue in cues):
        return None
    for suffix in ("es", "s"):
        bare = head[: -len(suffix)]
        if head.endswith(suffix) and len(bare) >= 3:
            known = genders(bare)
            if known and known <= set("mn") and analyse((head,))[0][3] == "NN":
                return " ".join([*words[:-1], bare])
    return None


def nominative(form: str, cues: Iterable[str] = ()) -> str:
    """``form`` with its adjectives (and a genitive head noun) in the nominative; unchanged when it is no
    adjective + common-noun phrase with an oblique adjective ending (a complement after the head, "für Luft- und
    Raumfahrt", is kept as it is). ``cues``: the words right before the name
    wherever it occurs in the article (lower-cased or not)."""
    words = form.split()
    cut = next((i for i, w in enumerate(words) if i >= 2 and w in _POSTMODIFIER), len(words))
    if cut < len(words):  # "Deutschen Zentrums für Luft- und Raumfahrt": the phrase before "für" is the head's
        head_phrase = nominative(" ".join(words[:cut]), cues)
        return " ".join([head_phrase, *words[cut:]])
    if len(words) < 2 or not all(w[:1].isupper() for w in words):
        return form
    if not any(w.endswith(("e", "en", "em")) for w in words[:-1]):
        # no word before the head can be an inflected adjective ("Schweizer Bundesrats"): at most a genitive head
        return _genitive_head(words, cues) or form
    analysed = analyse(tuple(words))
    head_word, head_lemma, head_morphs, head_pos = analysed[-1]
    if head_pos != "NN":
        return form
    adjectives = []
    for i, (word, _lemma, morphs, pos) in enumerate(analysed[:-1]):
        ending = _suffix(morphs, "SUF_ADJ")
        if pos == "ADJ(A)" and ending in _OBLIQUE | {"e"} and word.endswith(ending):
            adjectives.append((i, word[: -len(ending)], ending))
        elif pos != "ADJ(A)":
            return form  # "Bank of England", "Kim Jong Un": not an adjective + noun phrase
    if not adjectives:
        return form
    noun_suffix = _suffix(head_morphs, "SUF_NN")
    plural = noun_suffix in _PLURAL_SUFFIXES and head_lemma.casefold() != head_word.casefold()
    head = head_word
    gender: str
    cues = list(cues)
    cue_genders = gender_from_cues(cues)
    if all(ending == "e" for _, _, ending in adjectives):
        # weak nominative after a definite article ("der Österreichische Naturschutzbund"): the article gives
        # the gender; feminine and plural names already have the strong ending -e
        weak = {_WEAK_CUES[c.casefold()] for c in cues if c.casefold() in _WEAK_CUES}
        if plural or len(weak) != 1 or weak <= {"f"}:
            return form
        gender = weak.pop()
    elif plural:
        gender = "pl"
    else:
        options = cue_genders & _noun_gender(head_morphs, head_lemma) or cue_genders
        if noun_suffix in _GENITIVE_SUFFIXES and head_word.endswith(noun_suffix) and options <= set("mn"):
            # "des bis Mittwoch dauernden Östlichen Wirtschaftsforums": no cue right before the name, but only
            # a masculine or neuter noun takes a genitive -s, and "Forum" is neuter
            head = head_word[: -len(noun_suffix)]
        gender = next(g for g in "mfn" if g in options)
    result = list(words)
    for i, stem, _ending in adjectives:
        result[i] = stem + _ENDING[gender]
    result[-1] = head
    return " ".join(result)


_PRECEDING = re.compile(r"(\w+)\W*$")


def nominative_mentions(mentions: list[CleanMention], texts: Mapping[str, str]) -> list[CleanMention]:
    """The mentions with German adjective + noun names in the nominative (persons untouched); the article words
    before every occurrence of a name are its gender cues."""
    cues: dict[str, list[str]] = {}
    for m in mentions:
        before = _PRECEDING.search(texts.get(m.field, "")[max(0, m.start - 30) : m.start])
        if before:
            cues.setdefault(m.form, []).append(before.group(1))
    result = []
    for m in mentions:
        if m.type is EntityType.PERSON or " " not in m.form:
            result.append(m)
            continue
        form = nominative(m.form, cues.get(m.form, ()))
        result.append(m if form == m.form else dataclasses.replace(m, form=form))
    return result
