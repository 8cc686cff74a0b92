"""Organisations named after a person: "Hubert Burda Media", "Walt Disney Pictures", "Robert Bosch Stiftung".

The NER models read the founder's name at the start and tag the whole span as a person. A personal name never
ends in a noun that says what kind of institution something is (a closed class of the language: "Media",
"Pictures", "Foundation", "Stiftung", "Hospital", "Klinikum", "Verlag", ...), so a person span of two or more
words that ends in one is an organisation; one that ends in an award noun ("Nobel Prize", "Georg-Büchner-Preis")
is MISC (no facet). Words that are also surnames or parts of stage names ("Bank": the DJ "Rob Da Bank"; "House",
"Hall", "Church") are not in the class. The other mentions of the same name follow (the grouping of mentions
gives an entity the type of most of its mentions).
"""

from __future__ import annotations

import dataclasses
import re

from newsingest.enrich.mention_clean import CleanMention
from newsingest.models import EntityType

INSTITUTION_HEADS = frozenset({
    # English
    "media", "group", "holding", "holdings", "records", "pictures", "films", "studios", "productions", "entertainment",
    "publishing", "publishers", "foundation", "institute", "hospital", "clinic", "university", "college",
    "academy", "museum", "gallery", "trust", "society", "company", "corporation", "corp", "industries",
    "enterprises", "associates", "partners", "consulting", "communications", "airlines", "motors", "brothers",
    "sons", "incorporated", "limited", "agency", "laboratories", "labs", "pharmaceuticals", "systems",
    # German
    "stiftung", "verlag", "verlagsgruppe", "klinik", "klinikum", "krankenhaus", "spital", "institut",
    "universität", "hochschule", "akademie", "gruppe", "werke", "söhne", "gesellschaft", "schule", "gymnasium",
})  # fmt: skip
#: awards named after a person ("Georg-Büchner-Preis", "Nobel Prize"): no organisation either, MISC (no facet)
AWARD_HEADS = frozenset({"preis", "prize", "award", "medal", "trophy"})
_PARTS = re.compile(r"[\s\-‐‑]+")


def institution_type(form: str) -> EntityType | None:
    """The type of a name of two or more words (hyphenated compounds too: "Robert-Koch-Institut") whose last word
    is a capitalised institution noun (an organisation) or award noun (MISC), else None."""
    words = [w for w in _PARTS.split(form) if w]
    if len(words) < 2 or not words[-1][:1].isupper():
        return None
    head = words[-1].casefold()
    if head in AWARD_HEADS:
        return EntityType.MISC
    return EntityType.ORGANISATION if head in INSTITUTION_HEADS else None


def retype_named_institutions(mentions: list[CleanMention]) -> list[CleanMention]:
    """Person mentions of two or more words that end in an institution noun become organisations (an award noun:
    MISC, no facet)."""
    result = []
    for m in mentions:
        kind = institution_type(m.form) if m.type is EntityType.PERSON else None
        result.append(dataclasses.replace(m, type=kind) if kind is not None else m)
    return result
