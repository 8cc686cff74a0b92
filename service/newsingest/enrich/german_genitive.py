"""German persons named once, in the prenominal genitive: "Ray Kurzweils Theorien" is Ray Kurzweil's.

German puts a person's genitive before the noun it determines and writes it with a bare -s ("Ridley Scotts
Film", "Charlotte Perkins Gilmans Kurzgeschichte"); a name that itself ends in a sibilant takes an apostrophe
instead ("Williams' Trainer", "Marx' Schriften"). :func:`~newsingest.enrich.mention_clean.strip_genitives`
strips the -s only with evidence from the article (the base form mentioned too); a person named just once, in
this construction, kept the -s as part of the label. Here the construction itself is the evidence:

- a person mention whose last word ends in a consonant + "s" (never "ss", "x", "z", "ß" + s: those names take
  the apostrophe) and is not all capitals;
- directly followed, after spaces only, by a word the German tagger (HanTa) reads as a common noun (``NN``) in
  that sequence: the noun the genitive belongs to;
- the word with its -s does not stand elsewhere in the article outside this construction ("Williams sagte"
  shows that the name ends in -s);
- the word with its -s is no common surname in its own right: English surnames in -s lose their apostrophe
  in German text ("Tom Hanks Regie-Debüt") or stand before a noun that is no genitive's ("mit Bradley Wiggins
  Platz vier"). The 1990 US census surname list (88,799 names by frequency, public domain; shipped in the
  ``names`` package) decides: the -s is kept when the word is a surname ranked no further down than
  :data:`RANK_RATIO` times the rank of the word without it ("Hanks" 1,983 / "Hank" 15,495, "Woods" 107 /
  "Wood" 78), and cut when the word is no surname or a much rarer one than its base ("Millers" 46,249 /
  "Miller" 7, "Scotts" 78,455 / "Scott" 34; "Kurzweils" unknown).

The check on 988 10kGNAD articles is in docs/ner.md.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

from newsingest.enrich.german_case import analyse
from newsingest.enrich.mention_clean import CleanMention
from newsingest.enrich.us_census import SURNAMES, census_ranks
from newsingest.models import EntityType

_GENITIVE_WORD = re.compile(r"[A-ZÄÖÜ][\w'-]*[b-df-hj-np-rtv-wy]s")  # -s after a consonant but a sibilant
RANK_RATIO = 4
"""A surname in -s keeps its -s unless it ranks more than this many times further down than its base."""
_NEXT_WORD = re.compile(r"[ \t\u00a0]+([A-ZÄÖÜ][\w-]*[a-zäöüß])\b")


@functools.cache
def _surname_ranks() -> dict[str, int]:
    """Census ranks of the surnames that end in S and of their bases (a few thousand of the 88,799)."""
    ranks = census_ranks(SURNAMES)
    return {name: rank for name, rank in ranks.items() if name.endswith("S") or f"{name}S" in ranks}


def is_surname_in_s(word: str) -> bool:
    """``word`` (ending in -s) is a surname in its own right, not the genitive of a commoner one."""
    ranks = _surname_ranks()
    with_s = ranks.get(word.upper())
    if with_s is None:
        return False
    base = ranks.get(word[:-1].upper())
    return base is None or with_s <= RANK_RATIO * base


def _next_word(m: CleanMention, texts: Mapping[str, str]) -> str | None:
    found = _NEXT_WORD.match(texts.get(m.field, ""), m.end)
    return found.group(1) if found else None


def _in_genitive_position(m: CleanMention, texts: Mapping[str, str]) -> bool:
    following = _next_word(m, texts)
    if following is None:
        return False
    tags = analyse((*m.form.split(), following))
    return tags[-1][3] == "NN"


def strip_prenominal_genitives(mentions: list[CleanMention], texts: Mapping[str, str]) -> list[CleanMention]:
    """``mentions`` with the -s cut off persons named in the prenominal genitive (see the module docstring)."""
    candidates = [
        i for i, m in enumerate(mentions)
        if m.type is EntityType.PERSON and m.form == " ".join(m.text.split())
        and _GENITIVE_WORD.fullmatch(m.form.split()[-1]) and _in_genitive_position(m, texts)
    ]  # fmt: skip
    if not candidates:
        return mentions
    chosen = set(candidates)
    elsewhere = {word for i, m in enumerate(mentions) if i not in chosen for word in m.form.split()}
    result = list(mentions)
    for i in candidates:
        m = mentions[i]
        last = m.form.split()[-1]
        if last in elsewhere or is_surname_in_s(last):
            continue
        result[i] = CleanMention(m.field, m.start, m.end, m.text, m.form[:-1], m.type)
    return result
