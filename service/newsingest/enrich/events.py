"""Events, competitions and awards are no person, organisation or place: "Oscar", "Golden Globes", "Australian
Open", "Fußball-WM", "Olympische Spiele", "Venice Film Festival", "Game Developers Conference".

The NER models have no type for them, so they come out as organisations, persons ("Oscar") or places ("Film
Festival", "Marathon"), and users who filter by organisations or places meet them everywhere (on 2,185 BBC
articles: "Oscar" as a person in 39, "Film Festival" as a place in 14). A name is an event when its head — the last
word, of a hyphenated compound its last element, of a German compound its end — is a kind of event: festival,
award, prize, championship, cup, open, marathon, rally, contest, trophy, summit, conference, series, grand prix
(German also WM, EM, Meisterschaft, Preis, Pokal, Turnier, Festspiele, Gipfel, Spiele, Olympia), or it is one of
the few awards named by a single word (Oscar, Grammy, Emmy, Bafta) used as an award: one of its mentions has a
determiner before it ("an Oscar", "the Oscars", "einen Oscar") or an award word after it ("Oscar nomination",
"Oscar-Verleihung" is a compound and no mention), which a person's name does not ("Oscar scored": the
footballer). Such entities become MISC, kept in the article's entities and its story features, out of the
person, organisation and place facets.

Not heads: "League" (the Premier League and the NFL are organisations as well as competitions), "Games" (also
companies: "Rockstar Games"), "Nations" (the United Nations), "Tour" (the PGA European Tour is an organisation).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from newsingest.models import Entity, EntityType

_ENGLISH_HEADS = frozenset({
    "award", "awards", "prize", "prizes", "festival", "olympics", "championship", "championships", "cup", "open",
    "marathon", "rally", "contest", "trophy", "summit", "conference", "series", "oscars", "grammys", "emmys",
    "baftas",
})  # fmt: skip
_GERMAN_HEADS = frozenset({"wm", "em", "olympia", "spiele", "spielen", "pokal", "turnier", "gipfel", "rallye"})
_GERMAN_ENDINGS = ("meisterschaft", "meisterschaften", "preis", "pokal", "turnier", "festspiele", "festspielen",
                   "gipfel", "festival", "supercup")  # fmt: skip
_TWO_WORD_HEADS = frozenset({("grand", "prix"), ("golden", "globe"), ("golden", "globes")})
_SINGLE_WORD_AWARDS = frozenset({"oscar", "oscars", "grammy", "grammys", "emmy", "emmys", "bafta", "baftas"})
_BEFORE_AN_AWARD = re.compile(
    r"\b(?:a|an|the|his|her|their|its|first|second|third|best|actor|actress|director|picture|supporting"
    r"|documentary|ein|einen|einem|eines|der|den|dem|des|die|seinen"
    r"|seinem|ihren|ihrem|ersten|zweiten|dritten)\s+$",
    re.IGNORECASE,
)
_AFTER_AN_AWARD = re.compile(
    r"^[\s-]+(?:nominations?|nominees?|nominated|ceremony|ceremonies|awards?|winners?|winning|wins?|race|night"
    r"|statuettes?|glory|voters?|hopefuls?|field|presenters?|contenders?|favou?rites?|success|buzz|campaign|season"
    r"|host|best|Verleihung|Nominierung(?:en)?|Gewinner(?:in)?|Preisträger(?:in)?)\b",
    re.IGNORECASE,
)
_PERSON_NAMES_TOO = frozenset({"oscar", "grammy", "emmy", "bafta"})  # plurals are never a person
_FACET_TYPES = frozenset({EntityType.PERSON, EntityType.ORGANISATION, EntityType.LOCATION})


def is_event_name(name: str, language: str) -> bool:
    """Whether the name's head is a kind of event, competition or award (module docstring); single-word award
    names need :func:`used_as_award` besides."""
    words = name.casefold().split()
    if not words or language not in ("de", "en"):
        return False
    if len(words) == 1 and words[0] in _SINGLE_WORD_AWARDS:
        return True
    if len(words) >= 2 and (words[-2], words[-1]) in _TWO_WORD_HEADS:
        return True
    head = words[-1].rsplit("-", 1)[-1]
    if head in _ENGLISH_HEADS:
        return True
    return language == "de" and (head in _GERMAN_HEADS or head.endswith(_GERMAN_ENDINGS))


def used_as_award(entity: Entity, texts: Mapping[str, str]) -> bool:
    """A mention of the entity with a determiner before it or an award word after it."""
    for mention in entity.mentions:
        text = texts.get(mention.field, "")
        if _BEFORE_AN_AWARD.search(text[max(0, mention.start - 20) : mention.start]):
            return True
        if _AFTER_AN_AWARD.match(text[mention.end : mention.end + 20]):
            return True
    return False


def _is_event(entity: Entity, texts: Mapping[str, str], language: str) -> bool:
    if entity.type not in _FACET_TYPES or not is_event_name(entity.name, language):
        return False
    return entity.name.casefold() not in _PERSON_NAMES_TOO or used_as_award(entity, texts)


def retype_events(entities: list[Entity], texts: Mapping[str, str], language: str) -> list[Entity]:
    """The entities with events, competitions and awards typed MISC."""
    return [e.model_copy(update={"type": EntityType.MISC}) if _is_event(e, texts, language) else e for e in entities]
