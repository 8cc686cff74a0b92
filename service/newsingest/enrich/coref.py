"""In-article coreference of names: complete cut person names, pair abbreviations with the long form they follow.

- A person span the NER model ended early ("Kim Jong" + "Un", IO tagging and an unfamiliar last token) is
  extended by the next word when that word is capitalised, is no part of another mention, and the German
  tagger (HanTa) reads it, in its sentence context, as a proper noun (``NE``). The short forms of the name
  ("Kim", "Kim Jong") then fold into the full one (``entity_merge.fold_persons``).
- A person span that ends in a name particle ("Alexander Van", "Ursula von", "Robin van") was cut inside the
  surname: it goes on over the next particles and the capitalised word after them ("Alexander Van der Bellen",
  "Ursula von der Leyen"), in every language (``complete_particles``). No name ends in a particle.
- "Internationale Atomenergiebehörde (IAEA)": a name followed by a parenthesised abbreviation introduces that
  abbreviation; every mention of it is the same entity (``abbreviations``), unless the name is a bare proper
  name that the abbreviation's initial does not begin (a person's party after the person).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping

from newsingest.enrich.german_case import analyse
from newsingest.enrich.mention_clean import CleanMention
from newsingest.models import EntityType
from newsingest.text.folding import fold

_NEXT_WORD = re.compile(r" ([A-ZÄÖÜ][a-zäöüß]+)\b(?![-'’])")
_CONTEXT = re.compile(r"\s*(\S+)?\s*(\S+)?")
_PARTICLES = r"(?:van|von|de|der|den|da|di|del|della|du|le|la|ten|ter|zu|zur|dos|das|do|bin|ibn|al|el)"
_PARTICLE_END = re.compile(rf"(?:^|\s){_PARTICLES}$", re.IGNORECASE)
_SURNAME_REST = re.compile(rf"(?:\s+{_PARTICLES})*\s+[A-ZÄÖÜ][\w'’-]*[a-zäöüß]\b", re.IGNORECASE)
_ABBREVIATION = re.compile(r"\s*\(([A-ZÄÖÜ][A-Za-zÄÖÜäöü0-9&.]{1,9})\)")


def extend_persons(mentions: list[CleanMention], texts: Mapping[str, str]) -> list[CleanMention]:
    """Person mentions completed by a following proper noun the model left out (German)."""
    taken = {(m.field, i) for m in mentions for i in range(m.start, m.end)}
    result = []
    for m in mentions:
        text = texts.get(m.field, "")
        following = _NEXT_WORD.match(text, m.end) if m.type is EntityType.PERSON else None
        if following is None or (m.field, following.start(1)) in taken:
            result.append(m)
            continue
        context = _CONTEXT.match(text, following.end())
        after = [w for w in (context.groups() if context else ()) if w]
        words = (*m.text.split(), following.group(1), *after)
        tags = analyse(tuple(words))
        if tags[len(m.text.split())][3] != "NE":
            result.append(m)
            continue
        end = following.end(1)
        surface = text[m.start : end]
        result.append(dataclasses.replace(m, end=end, text=surface, form=" ".join(surface.split())))
    return result


def complete_particles(mentions: list[CleanMention], texts: Mapping[str, str]) -> list[CleanMention]:
    """Person mentions that end in a name particle, completed by the rest of the surname (any language)."""
    result = []
    for m in mentions:
        text = texts.get(m.field, "")
        cut = m.type is EntityType.PERSON and _PARTICLE_END.search(m.text)
        rest = _SURNAME_REST.match(text, m.end) if cut else None
        if rest is None or not rest.group().split()[-1][:1].isupper():
            result.append(m)
            continue
        surface = text[m.start : rest.end()]
        result.append(dataclasses.replace(m, end=rest.end(), text=surface, form=" ".join(surface.split())))
    return result


def _introduces(abbreviation: str, name: str, german: bool) -> bool:
    """Whether "name (ABBR)" defines the abbreviation: it starts with the initial of one of the name's words
    ("IAEA" for "Internationale Atomenergiebehörde", "IS" for "Jihadistenmiliz Islamischer Staat"), or the name
    describes (a common noun or an adjective) and is translated from the language the abbreviation comes from
    ("Arbeiterpartei Kurdistans (PKK)"). German only: a bare proper name is not defined by its party
    ("BürgermeisterThomas Steiner (ÖVP)", which the model took for an organisation): paired, every later "ÖVP"
    of the article, and through the entity registry of the stream, became that name. English keeps every pair:
    its model often cuts the long form ("Tourism Council (WTTC)")."""
    first = fold(abbreviation)[:1]
    if not german or any(word[:1] == first for word in fold(name).split()):
        return True
    return any(pos in ("NN", "ADJA") for _, _, _, pos in analyse(tuple(name.split())))


def abbreviations(mentions: list[CleanMention], texts: Mapping[str, str], *, german: bool = False) -> dict[str, str]:
    """Folded abbreviation -> folded form of the name it was introduced with ("iaea" -> "internationale
    atomenergiebehorde"), for non-person names followed by "(ABBR)"; an abbreviation introduced for two
    different names is left out."""
    pairs: dict[str, set[str]] = {}
    for m in mentions:
        if m.type is EntityType.PERSON or " " not in m.form:
            continue
        match = _ABBREVIATION.match(texts.get(m.field, ""), m.end)
        if match is None:
            continue
        abbr = match.group(1)
        if sum(ch.isupper() for ch in abbr) < 2 or fold(abbr) == fold(m.form) or not _introduces(abbr, m.form, german):
            continue
        pairs.setdefault(fold(abbr), set()).add(fold(m.form))
    return {abbr: next(iter(forms)) for abbr, forms in pairs.items() if len(forms) == 1}
