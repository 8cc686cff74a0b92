"""Countries under one name per language: the CLDR territory name (``babel``) in the article's language.

The places step (enrich/places.py) already resolves "US", "USA", "America", "Vereinigte Staaten" and
"Vereinigten Staaten" to the same gazetteer country, with its ISO 3166-1 code. Here the article's
entity and place for that country are renamed to CLDR's name of the code in the article's language, so every
spelling reads the same in one language ("United States" in English, "Vereinigte Staaten" in German,
"États-Unis" in French), while the language-independent value is the code (``places.country_code`` and the
``countries`` facet). Languages CLDR does not know fall back to English.

Only whole countries are renamed: a part of a country ("Ostukraine", reported as a region of UA) and cities
keep the name the article uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from babel import Locale, UnknownLocaleError

from newsingest.enrich.folding import fold
from newsingest.models import Entity, EntityType, Place

FALLBACK_LANGUAGE = "en"
VARIANTS: dict[str, dict[str, str]] = {
    "en": {"TR": "Turkey", "CZ": "Czech Republic", "CI": "Ivory Coast", "TL": "East Timor"},
}
"""CLDR's ``alt="variant"`` territory names that news use instead of the standard name ("Turkey", not
"Türkiye"); babel's locale data leaves the alternates out, so the few plain-name ones are listed here."""


@lru_cache(maxsize=256)
def _territories(language: str) -> dict[str, str]:
    try:
        locale = Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        locale = Locale.parse(FALLBACK_LANGUAGE)
    return dict(locale.territories)


def country_name(code: str, language: str) -> str | None:
    """CLDR's name of the ISO 3166-1 alpha-2 ``code`` in ``language`` (English when CLDR has none)."""
    code = code.upper()
    variant = VARIANTS.get(language, {}).get(code)
    if variant:
        return variant
    return _territories(language or FALLBACK_LANGUAGE).get(code) or _territories(FALLBACK_LANGUAGE).get(code)


def merge_same_name(entities: Sequence[Entity]) -> list[Entity]:
    """Entities of one type whose names fold alike become one (counts added, mentions kept in order)."""
    merged: dict[tuple[EntityType, str], Entity] = {}
    for entity in entities:
        key = (entity.type, fold(entity.name))
        first = merged.get(key)
        if first is None:
            merged[key] = entity
            continue
        mentions = sorted([*first.mentions, *entity.mentions], key=lambda m: (m.field != "title", m.start))
        merged[key] = first.model_copy(update={"count": first.count + entity.count, "mentions": mentions})
    return list(merged.values())


def canonical_countries(
    entities: Sequence[Entity], places: Sequence[Place], language: str
) -> tuple[list[Entity], list[Place]]:
    """Countries named by their CLDR name in ``language``: the places, and the location entities they came from."""
    renamed: dict[str, str] = {}  # folded name as the article used it -> CLDR name
    new_places: list[Place] = []
    for place in places:
        display = None
        if place.kind == "country" and place.country_code and place.geonames_id is not None:
            display = country_name(place.country_code, language)
        if display and display != place.name:
            renamed[fold(place.name)] = display
            place = place.model_copy(update={"name": display})
        new_places.append(place)
    if not renamed:
        return list(entities), new_places
    new_entities = [
        entity.model_copy(update={"name": renamed[fold(entity.name)]})
        if entity.type is EntityType.LOCATION and fold(entity.name) in renamed
        else entity
        for entity in entities
    ]
    return merge_same_name(new_entities), new_places
