"""Organisations that a German article names only inside a compound: "FPÖ-Chef Strache", "Neos-Parteiobmann
Strolz", "EU-Kommission", "CSU-Politiker".

German writes the party, company or institution a person speaks for as the first element of a hyphenated
compound, and the NER models tag no part of a word: in the dev set the FPÖ, the Neos and the Greens of an article
about the Austrian parties were named only so, and missed. A reader filtering by the party wants the article.

A compound's first element is taken for an organisation when the second element is a role inside an
organisation — its head, speakers, members, parliamentary group, leadership, board, commission ("-Chef",
"-Sprecherin", "-Politiker", "-Vorsitzender", "-Mitarbeiter", "-Fraktion", "-Führung", "-Spitze", "-Obmann",
"-Generalsekretär", "-Abgeordneter", "-Genossen", "-Vorstand", "-Kommission", ...) — and the first element is a
proper name: an acronym that abbreviates no common noun ("FPÖ", "EU"; not "IT", "NS", "TV"), or a word the tagger
(HanTa) reads as a proper noun and the article also uses on its own ("Siemens"; not "Online-Führung"), neither a
place the gazetteer knows ("US-Präsident", "Wien-Sprecher" say nothing about an organisation) nor
the name of a person the article mentions ("Merkel-Sprecher"), nor a common noun ("Partei-Chef", "Liga-Spitze").
Measured on GermEval 2014 dev (whose annotation marks such parts, ORGpart): of 34 hyphenated compounds with such a
head, 25 are an organisation's part, 3 a place's (dropped by the gazetteer), 5 none ("Liga-Präsident", "Co-
Fraktionschef": common nouns). "-Präsident" and "-Minister" are not heads: countries have them too.

The element becomes an organisation mention (engine confidence 1.0) before the mentions are cleaned and merged,
so an abbreviation introduced with its long form ("Europäische Union (EU)") and the entity registry give it its
canonical name like any other mention.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from newsingest.enrich.german_case import analyse as hanta
from newsingest.enrich.ner.base import RawMention
from newsingest.models import EntityType

_ROLE_HEADS = (
    "chef", "chefin", "sprecher", "sprecherin", "politiker", "politikerin", "vorsitzende", "vorsitzender",
    "vorsitzenden", "mitarbeiter", "mitarbeiterin", "mitarbeitern", "fraktion", "führung", "spitze", "parteitag",
    "obmann", "obfrau", "generalsekretär", "generalsekretärin", "abgeordnete", "abgeordneter", "abgeordneten",
    "genossen", "mitglied", "mitglieder", "mitgliedern", "kommission", "kommissar", "kommissarin", "vorstand",
    "aufsichtsrat", "gründer", "gründerin", "delegation", "funktionär", "funktionäre", "funktionärin",
    "mandatar", "mandatare", "konzern", "boss", "manager", "managerin",
)  # fmt: skip
_COMPOUND = re.compile(r"(?<![\w-])([A-ZÄÖÜ][\w&]*)-([A-ZÄÖÜ][a-zäöüß]+)(?![\w-])")
_ACRONYM = re.compile(r"[A-ZÄÖÜ][A-ZÄÖÜ0-9&]{1,5}")


#: abbreviations of common nouns, not names ("IT-Manager", "NS-Funktionär", "TV-Sprecher")
_GENERIC_ABBREVIATIONS = frozenset({
    "IT", "NS", "PR", "TV", "PC", "CD", "DVD", "EDV", "KI", "HR", "SMS", "VIP", "PS", "KFZ", "LKW", "PKW", "AKW",
    "WM", "EM", "CEO", "CFO", "IPO", "NGO", "UV", "DNA", "HIV", "GPS", "USB", "AG", "SE", "UG", "KG",
})  # fmt: skip
_NOT_ROLES = ("lautsprecher",)  # "Bluetooth-Lautsprecher": a loudspeaker


def _proper_noun(word: str, context: tuple[str, ...], text: str) -> bool:
    """An acronym that abbreviates no common noun, or a word the tagger reads as a proper noun that the text also
    uses on its own ("Siemens-Chef ... Siemens"; "Online-Führung", "Top-Manager" are no names)."""
    if _ACRONYM.fullmatch(word):
        return word not in _GENERIC_ABBREVIATIONS
    if not re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text):
        return False
    return any(w == word and pos == "NE" for w, _, _, pos in hanta(context))


def compound_organisations(
    text: str, mentions: Sequence[RawMention], is_place: Callable[[str], bool]
) -> list[RawMention]:
    """Organisation mentions for the first elements of the text's role compounds (module docstring); none that
    overlaps a mention the engine found."""
    persons = {words[-1] for m in mentions if m.type is EntityType.PERSON and (words := m.text.split())}
    taken = [(m.start, m.end) for m in mentions]
    found = []
    for match in _COMPOUND.finditer(text):
        first, second = match.group(1), match.group(2).casefold()
        if len(first) < 2 or not second.endswith(_ROLE_HEADS) or second.endswith(_NOT_ROLES) or first in persons:
            continue
        start, end = match.start(1), match.end(1)
        if any(s < match.end() and start < e for s, e in taken):
            continue
        if is_place(first) or not _proper_noun(first, (first, "-", match.group(2)), text):
            continue
        found.append(RawMention(start=start, end=end, text=first, type=EntityType.ORGANISATION))
    return found
