from __future__ import annotations

import pytest

from newsingest.enrich.gazetteer import Gazetteer, load_gazetteer, name_variants
from newsingest.enrich.places import resolve_places
from newsingest.models import Entity, EntityType, Place
from tests.fixtures.enrich.fakes import LOC, ORG


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return load_gazetteer()


def loc(name: str, count: int = 1, kind: EntityType = LOC) -> Entity:
    return Entity(name=name, type=kind, count=count)


def resolve(gaz: Gazetteer, *names: str, dateline: tuple[str, ...] = ()) -> dict[str, Place]:
    places, _ = resolve_places([loc(n) for n in names], list(dateline), gaz)
    return {p.name: p for p in places}


@pytest.mark.parametrize(
    ("name", "resolved", "kind", "code", "lat", "lon"),
    [
        ("Russland", "Russia", "country", "RU", 55.75, 37.62),
        ("Nordkorea", "North Korea", "country", "KP", 39.03, 125.75),
        ("Wladiwostok", "Vladivostok", "city", "RU", 43.11, 131.87),
        ("Moskau", "Moscow", "city", "RU", 55.75, 37.62),
        ("Pjöngjang", "Pyongyang", "city", "KP", 39.03, 125.75),
        ("Seoul", "Seoul", "city", "KR", 37.57, 126.98),
        ("Russia", "Russia", "country", "RU", 55.75, 37.62),
        ("North Korea", "North Korea", "country", "KP", 39.03, 125.75),
        ("USA", "United States", "country", "US", 38.9, -77.04),
        ("Vereinigten Staaten", "United States", "country", "US", 38.9, -77.04),
        ("Großbritannien", "United Kingdom", "country", "GB", 51.51, -0.13),
        ("Frankreich", "France", "country", "FR", 48.85, 2.35),
        ("Kiew", "Kyiv", "city", "UA", 50.45, 30.52),
        ("Texas", "Texas", "region", "US", None, None),
        ("Bayern", "Bavaria", "region", "DE", None, None),
    ],
)
def test_names_resolve_to_country_and_coordinates(
    gaz: Gazetteer, name: str, resolved: str, kind: str, code: str, lat: float | None, lon: float | None
) -> None:
    place = resolve(gaz, name)[name]
    assert (place.resolved_name, place.kind, place.country_code) == (resolved, kind, code)
    if lat is not None and lon is not None:
        assert place.lat == pytest.approx(lat, abs=0.05)
        assert place.lon == pytest.approx(lon, abs=0.05)
    if kind in ("city", "country"):
        assert place.geonames_id


def test_every_country_with_cities_has_coordinates(gaz: Gazetteer) -> None:
    names = ["Deutschland", "Japan", "Brasilien", "Südafrika", "Australien", "Kanada", "Indien", "Ägypten",
             "Mexiko", "Argentinien", "Türkei", "Iran", "Israel", "Polen", "Ukraine", "China", "Nigeria"]  # fmt: skip
    for name in names:
        place = gaz.best(name)
        assert place is not None, name
        assert place.kind == "country", name
        assert place.lat is not None, name
        assert place.lon is not None, name


@pytest.mark.parametrize(
    ("others", "code"),
    [
        ((), "FR"),
        (("Frankreich",), "FR"),
        (("Lyon",), "FR"),
        (("Texas",), "US"),
        (("Dallas",), "US"),
    ],
)
def test_ambiguous_names_follow_the_articles_other_places(gaz: Gazetteer, others: tuple[str, ...], code: str) -> None:
    assert resolve(gaz, "Paris", *others)["Paris"].country_code == code


def test_context_then_population(gaz: Gazetteer) -> None:
    assert resolve(gaz, "Birmingham")["Birmingham"].country_code == "GB"
    assert resolve(gaz, "Birmingham", "Alabama")["Birmingham"].country_code == "US"
    assert resolve(gaz, "Georgia")["Georgia"].kind == "country"
    assert resolve(gaz, "Georgia", "Atlanta")["Georgia"].country_code == "US"
    assert resolve(gaz, "Washington")["Washington"].kind == "city"


def test_countries_are_a_sorted_unique_facet_and_places_merge(gaz: Gazetteer) -> None:
    entities = [loc("Russland", 5), loc("Moskau", 2), loc("Moscow", 1), loc("Nordkorea", 3), loc("Kreml", 1, ORG)]
    places, countries = resolve_places(entities, [], gaz)
    assert countries == ["KP", "RU"]
    moscow = [p for p in places if p.resolved_name == "Moscow"]
    assert len(moscow) == 1
    assert moscow[0].count == 3
    assert moscow[0].name == "Moskau"
    assert all(p.resolved_name != "Kremlin" for p in places)
    assert [p.count for p in places] == sorted((p.count for p in places), reverse=True)


def test_dateline_places_are_resolved_and_not_double_counted(gaz: Gazetteer) -> None:
    places, countries = resolve_places([loc("Moskau", 2)], ["SEOUL", "MOSKAU"], gaz)
    by_resolved = {p.resolved_name: p for p in places}
    assert by_resolved["Moscow"].count == 2
    assert by_resolved["Seoul"].country_code == "KR"
    assert by_resolved["Seoul"].count == 1
    assert countries == ["KR", "RU"]


def test_countries_tagged_as_organisations_still_count(gaz: Gazetteer) -> None:
    places, countries = resolve_places([loc("Russland", 1, ORG), loc("Gazprom", 1, ORG)], [], gaz)
    assert countries == ["RU"]
    assert len(places) == 1


def test_parts_of_a_country_are_regions(gaz: Gazetteer) -> None:
    place = resolve(gaz, "Ostukraine")["Ostukraine"]
    assert (place.kind, place.country_code, place.geonames_id) == ("region", "UA", None)
    assert place.lat is not None


def test_unknown_places_are_left_out(gaz: Gazetteer) -> None:
    places, countries = resolve_places([loc("Mittelerde"), loc("Ferner Osten")], ["Nirgendwo"], gaz)
    assert places == []
    assert countries == []


def test_name_variants_for_german_oblique_forms() -> None:
    assert "Vereinigte Staaten" in name_variants("Vereinigten Staaten")
    assert "Vereinigte Arabische Emirate" in name_variants("Vereinigten Arabischen Emiraten")
    assert name_variants("Kim Jong Un") == ["Kim Jong Un"]


def test_genitive_evidence_uses_known_names(gaz: Gazetteer) -> None:
    assert gaz.is_known("Nordkorea", min_population=50_000)
    assert gaz.is_known("Paris")
    assert not gaz.is_known("Krau", min_population=50_000)


def test_far_away_small_places_are_implausible(gaz: Gazetteer) -> None:
    assert "Khasan" not in resolve(gaz, "Russland", "Nordkorea", "Khasan")
    assert "Midlands" not in resolve(gaz, "Großbritannien", "Midlands")
    assert resolve(gaz, "Khasan")["Khasan"].country_code == "IN"  # no context: nothing to judge by
    assert resolve(gaz, "Nordkorea", "Wladiwostok")["Wladiwostok"].country_code == "RU"  # a neighbour
    assert resolve(gaz, "Deutschland", "Mailand")["Mailand"].country_code == "IT"  # big enough anywhere
    assert resolve(gaz, "Deutschland", "Texas")["Texas"].country_code == "US"


def test_identity_joins_names_of_one_place_but_not_a_city_alias_that_is_another_citys_name(gaz: Gazetteer) -> None:
    assert gaz.identity("USA") == gaz.identity("Vereinigte Staaten") == gaz.identity("United States") is not None
    assert gaz.identity("Wien") == gaz.identity("Vienna") is not None
    assert gaz.best("Ariel") is not None  # GeoNames lists "Ariel" among the names of Jerusalem ...
    assert gaz.identity("Ariel") is None  # ... and as a town of its own: no merge with "Jerusalem"
    assert gaz.identity("Jerusalem") is not None
