"""Places: location entities and dateline places resolved to a country and coordinates.

Ambiguous names are resolved by the article's other places: every candidate starts from its prior
(:func:`~newsingest.enrich.gazetteer.base_score`: population, country before city before region) and gains when
its country is named or holds another place of the article, more when its first-level region does (so "Paris"
is Paris, Texas in an article naming Texas or Dallas, and the French capital otherwise).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from newsingest.enrich.gazetteer import Candidate, Gazetteer, GeoPlace, base_score
from newsingest.models import Entity, EntityType, Place

COUNTRY_BONUS = 1.5
REGION_BONUS = 2.0
CONFIDENT_MARGIN = 1.0
FAR_MIN_POPULATION = 100_000
FAR_ALTERNATE_MIN_POPULATION = 500_000
"""A city or region in a country neither named in the article nor bordering one named must be this big (by its
own name / by an alternate name or as a region): "Wladiwostok" and "Mailand" are found anywhere, but in an
article about Russia "Khasan" is not Hassan, India, and in one about Britain "Midlands" is no Zimbabwean
province."""
_GENERIC_PREFIX = re.compile(
    r"^(?:provinz|region|stadt|bundesstaat|bundesland|kanton|bezirk|landkreis|kreis|gemeinde|republik|"
    r"province of|city of|state of|region of|county of|greater|metropolregion|großraum|grossraum)\s+",
    re.IGNORECASE,
)
_COMPASS_PREFIX = re.compile(
    r"^(?:nord|süd|sued|ost|west|zentral|mittel|nordost|nordwest|südost|südwest)-?(?=\w{3,})"
    r"|^(?:northern|southern|eastern|western|central|north|south|east|west)[\s-]+",
    re.IGNORECASE,
)


@dataclass
class _Item:
    name: str
    count: int
    candidates: list[Candidate]
    part_of: bool = False  # "Ostukraine": a part of the place found, so reported as a region
    dateline: bool = False
    choice: Candidate | None = None
    confident: bool = False


def _lookup(gaz: Gazetteer, names: Sequence[str], *, countries_only: bool) -> tuple[list[Candidate], bool]:
    for name in names:
        found = gaz.lookup(name)
        if not found:
            bare = _GENERIC_PREFIX.sub("", name)
            found = gaz.lookup(bare) if bare != name else []
        if found:
            if countries_only:
                found = [c for c in found if c.place.kind == "country"]
            return found, False
        if countries_only:
            continue
        rest = _COMPASS_PREFIX.sub("", name)
        if rest != name:
            part = [c for c in gaz.lookup(rest[:1].upper() + rest[1:]) if c.place.kind in ("country", "region")]
            if part:
                return part, True
    return [], False


def _items(entities: Sequence[Entity], dateline_places: Sequence[str], gaz: Gazetteer) -> list[_Item]:
    items: list[_Item] = []
    for entity in entities:
        is_location = entity.type is EntityType.LOCATION
        surfaces = [entity.name, *sorted({m.text for m in entity.mentions} - {entity.name})]
        # other entity types only count when they are plainly a country ("Russland" tagged ORG)
        found, part_of = _lookup(gaz, surfaces if is_location else [entity.name], countries_only=not is_location)
        if found:
            items.append(_Item(entity.name, entity.count, found, part_of))
    for place_name in dateline_places:
        found, part_of = _lookup(gaz, [place_name], countries_only=False)
        if found:
            items.append(_Item(place_name.strip(), 1, found, part_of, dateline=True))
    return items


def _context(items: Sequence[_Item], exclude: _Item) -> tuple[Counter[str], Counter[str]]:
    countries: Counter[str] = Counter()
    regions: Counter[str] = Counter()
    for item in items:
        if item is exclude or not item.confident or item.choice is None:
            continue
        place = item.choice.place
        if place.country_code:
            countries[place.country_code] += 1
        if place.admin1:
            regions[place.admin1] += 1
    return countries, regions


def _score(candidate: Candidate, countries: Counter[str], regions: Counter[str]) -> float:
    place = candidate.place
    score = base_score(candidate)
    if place.country_code and countries[place.country_code]:
        score += COUNTRY_BONUS
    if place.admin1 and regions[place.admin1]:
        score += REGION_BONUS
    return score


def _implausible(item: _Item, items: Sequence[_Item], gaz: Gazetteer) -> bool:
    choice = item.choice
    if choice is None or choice.place.kind not in ("city", "region") or not choice.place.country_code:
        return False
    by_own_name = choice.primary and choice.place.kind == "city"
    if choice.place.population >= (FAR_MIN_POPULATION if by_own_name else FAR_ALTERNATE_MIN_POPULATION):
        return False
    countries, _ = _context(items, item)
    if not countries:
        return False
    near = set(countries).union(*(gaz.neighbours(code) for code in countries))
    return choice.place.country_code not in near


def _resolve(items: list[_Item], gaz: Gazetteer) -> None:
    for item in items:  # pass 1: priors only; unambiguous or clear-cut names become context
        ranked = sorted(item.candidates, key=base_score, reverse=True)
        item.choice = ranked[0]
        item.confident = len(ranked) == 1 or base_score(ranked[0]) - base_score(ranked[1]) >= CONFIDENT_MARGIN
    for item in items:  # pass 2: with the other places as context
        if len(item.candidates) > 1:
            countries, regions = _context(items, item)
            item.choice = max(item.candidates, key=lambda c: _score(c, countries, regions))
    for item in [i for i in items if _implausible(i, items, gaz)]:
        item.choice = None


def _place(item: _Item, place: GeoPlace, count: int) -> Place:
    part_of = item.part_of and place.kind == "country"  # "Ostukraine": in Ukraine, not Ukraine itself
    return Place(
        name=item.name, resolved_name=place.name, kind="region" if part_of else place.kind,
        country_code=place.country_code, lat=place.lat, lon=place.lon,
        geonames_id=None if part_of else place.geonames_id, count=count,
    )  # fmt: skip


def resolve_places(
    entities: Sequence[Entity], dateline_places: Sequence[str], gaz: Gazetteer
) -> tuple[list[Place], list[str]]:
    """The article's places (most mentioned first; one per resolved place) and its sorted country codes."""
    items = _items(entities, dateline_places, gaz)
    _resolve(items, gaz)
    merged: dict[tuple[str, bool], tuple[_Item, int]] = {}
    for item in items:  # entities first, then dateline places (which add no mention when already named)
        if item.choice is None:
            continue
        key = (item.choice.place.key, item.part_of)
        if key not in merged:
            merged[key] = (item, item.count)
        elif not item.dateline:
            first, count = merged[key]
            merged[key] = (item if item.count > first.count else first, count + item.count)
    places = [_place(item, item.choice.place, count) for item, count in merged.values() if item.choice]
    places.sort(key=lambda p: -p.count)
    countries = sorted({p.country_code for p in places if p.country_code})
    return places, countries
