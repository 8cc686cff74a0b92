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

from newsingest.enrich.gazetteer import COUNTRY_ALIASES, NAME_LANGUAGES, name_variants
from newsingest.models import Entity, EntityType, Place
from newsingest.text.folding import fold

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


@lru_cache(maxsize=1)
def _codes_by_name() -> dict[str, frozenset[str]]:
    """Folded country name (CLDR in the gazetteer's languages, the gazetteer's aliases) -> ISO codes."""
    names: dict[str, set[str]] = {}
    for language in NAME_LANGUAGES:
        for code, name in _territories(language).items():
            if len(code) == 2 and code.isalpha():
                names.setdefault(fold(name), set()).add(code)
    for language_variants in VARIANTS.values():
        for code, name in language_variants.items():
            names.setdefault(fold(name), set()).add(code)
    for code, aliases in COUNTRY_ALIASES.items():
        for alias in aliases:
            names.setdefault(fold(alias), set()).add(code)
    return {name: frozenset(codes) for name, codes in names.items()}


def _country_of(name: str, codes: set[str]) -> str | None:
    """The one code among ``codes`` that ``name`` (or its nominative, "Vereinigten Staaten") names."""
    table = _codes_by_name()
    for variant in name_variants(name):
        found = table.get(fold(variant), frozenset()) & codes
        if len(found) == 1:
            return next(iter(found))
    return None


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
    displays: dict[str, str] = {}  # country code -> CLDR name, for the article's whole countries
    new_places: list[Place] = []
    for place in places:
        display = None
        if place.kind == "country" and place.country_code and place.geonames_id is not None:
            display = country_name(place.country_code, language)
        if display and place.country_code:
            displays[place.country_code] = display
        if display and display != place.name:
            renamed[fold(place.name)] = display
            place = place.model_copy(update={"name": display})
        new_places.append(place)
    if not displays:
        return list(entities), new_places
    new_entities = []
    for entity in entities:
        if entity.type is EntityType.LOCATION:
            # the place's own spelling, or another name of one of the article's countries ("America" beside "US")
            display = renamed.get(fold(entity.name))
            code = None if display else _country_of(entity.name, set(displays))
            display = display or (displays[code] if code else None)
            if display and display != entity.name:
                entity = entity.model_copy(update={"name": display})
        new_entities.append(entity)
    return merge_same_name(new_entities), new_places
