"""Types from appositions: a name right after a common noun that says what kind of thing it is.

"die Ärztegewerkschaft Asklepios", "die Linkspartei Podemos", "the band Franz Ferdinand", "the bank Wells
Fargo": the noun before the name classifies it as an organisation, whatever type the model gave the name
(organisations named after people or places are typed PER or LOC by the model). German nouns count by the last
element of the compound ("Ärzte|gewerkschaft", "Links|partei"); when the model took the noun into the span
("Linkspartei Podemos"), it is cut off: the name is what follows it. Every mention of the same name in the
article gets the organisation type.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping

from newsingest.enrich.folding import fold
from newsingest.enrich.mention_clean import CleanMention
from newsingest.models import EntityType

# kinds of organisation (closed, from the language; the last compound element in German)
_GERMAN_KIND = re.compile(
    r"(?:partei|gewerkschaft|konzern|unternehmen|firma|verein|band|gruppe|sender|zeitung|zeitschrift|agentur"
    r"|bank|airline|fluglinie|fluggesellschaft|rockband|hersteller|autobauer|verband|organisation|miliz)$"
)
_ENGLISH_KIND = {
    "party", "union", "company", "firm", "group", "band", "club", "bank", "airline", "carmaker", "retailer",
    "broadcaster", "newspaper", "magazine", "agency", "label", "charity", "militia", "developer", "publisher",
}  # fmt: skip
_WORD_BEFORE = re.compile(r"([\w-]+)\s+$")


def _is_kind(word: str, language: str) -> bool:
    if language == "de":
        return word[:1].isupper() and bool(_GERMAN_KIND.search(word.casefold()))
    return word in _ENGLISH_KIND


def _is_compound_kind(word: str) -> bool:
    """A compound kind noun ("Linkspartei", "Ärztegewerkschaft"); a bare one may begin a name ("Bank Austria")."""
    match = _GERMAN_KIND.search(word.casefold())
    return word[:1].isupper() and match is not None and match.start() > 0


def retype_appositions(mentions: list[CleanMention], texts: Mapping[str, str], language: str) -> list[CleanMention]:
    """Mentions after (or starting with) an organisation-kind noun become organisations, and so do the other
    mentions of the same name."""
    language = language.split("-")[0]
    if language not in {"de", "en"}:
        return mentions
    organisations: set[str] = set()
    result: list[CleanMention] = []
    for m in mentions:
        words = m.text.split()
        if len(words) > 1 and language == "de" and _is_compound_kind(words[0]) and m.type is not EntityType.PERSON:
            cut = m.text.index(words[1], len(words[0]))
            surface = m.text[cut:]
            m = dataclasses.replace(m, start=m.start + cut, text=surface, form=" ".join(surface.split()))
            organisations.add(fold(m.form))
        else:
            before = _WORD_BEFORE.search(texts.get(m.field, "")[max(0, m.start - 40) : m.start])
            if before and _is_kind(before.group(1), language):
                organisations.add(fold(m.form))
        result.append(m)
    if not organisations:
        return result
    return [
        dataclasses.replace(m, type=EntityType.ORGANISATION) if fold(m.form) in organisations else m for m in result
    ]
