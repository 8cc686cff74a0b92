"""The entity registry's resolution rules, learning, eviction, and countries under their CLDR names."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pytest

from newsingest.config import Settings
from newsingest.enrich.countries import canonical_countries, country_name
from newsingest.enrich.gazetteer import Gazetteer, load_gazetteer
from newsingest.enrich.places import resolve_places
from newsingest.enrich.registry import EntityRegistry, entity_key
from newsingest.enrich.registry_record import is_initialism
from newsingest.models import Entity, EntityType, Mention, Place

PER, ORG, LOC = EntityType.PERSON, EntityType.ORGANISATION, EntityType.LOCATION


@dataclass(frozen=True)
class Analysis:
    entities: list[Entity]
    places: list[Place] = field(default_factory=list)


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def entity(name: str, kind: EntityType = PER, *mentions: str) -> Entity:
    found = [Mention(start=i * 10, end=i * 10 + len(m), text=m) for i, m in enumerate(mentions or (name,))]
    return Entity(name=name, type=kind, count=len(found), mentions=found)


def registry(store: dict[str, str] | None = None, clock: Clock | None = None, **settings: object) -> EntityRegistry:
    return EntityRegistry({} if store is None else store, Settings(**settings),  # type: ignore[arg-type]
                          clock=clock or Clock())


def names(reg: EntityRegistry, *entities: Entity, language: str = "en") -> list[str]:
    return [e.name for e in reg.resolve(Analysis(list(entities)), language).entities]


CHENEY = entity("Dick Cheney")
RUSSIA = entity("Sergej Lawrow")


def test_a_surname_gets_the_one_known_full_name_in_context() -> None:
    reg = registry()
    names(reg, entity("George W. Bush"), CHENEY)
    assert names(reg, entity("Bush"), CHENEY) == ["George W. Bush", "Dick Cheney"]
    assert names(reg, entity("George W Bush")) == ["George W. Bush"]  # punctuation variant: the same entity


def test_a_surname_without_shared_context_stays() -> None:
    reg = registry()
    names(reg, entity("Julia Roberts"), entity("Hollywood", LOC))
    assert names(reg, entity("Roberts"), entity("Six Nations", ORG)) == ["Roberts", "Six Nations"]
    assert names(reg, entity("Roberts")) == ["Roberts"]
    # one shared one-word name is too weak ("Newcastle": the football or the rugby club?), two are enough
    names(reg, entity("Jason Robinson"), entity("Newcastle", ORG), entity("Leicester", ORG))
    assert names(reg, entity("Robinson"), entity("Newcastle", ORG))[0] == "Robinson"
    assert names(reg, entity("Robinson"), entity("Newcastle", ORG), entity("Leicester", ORG))[0] == "Jason Robinson"
    # a place is no context: "Wales" names too many people; also when tagged as an organisation
    names(reg, entity("Stephen Jones"), entity("Wales", ORG))
    wales = Place(name="Wales", resolved_name="Wales", kind="region", country_code="GB")
    article = Analysis([entity("Jones"), entity("Wales", ORG)], [wales])
    assert [e.name for e in reg.resolve(article, "en").entities] == ["Jones", "Wales"]


def test_a_german_genitive_gets_its_registered_base() -> None:
    reg = registry()
    names(reg, entity("Angela Merkel"), language="de")
    assert names(reg, entity("Angela Merkels"), language="de") == ["Angela Merkel"]
    assert names(reg, entity("Angela Merkels"), language="en") == ["Angela Merkels"]  # no -s genitive in English
    names(reg, entity("Tom Hanks"), language="de")
    assert names(reg, entity("Tom Hanks"), language="de") == ["Tom Hanks"]  # no "Tom Hank": stays
    # a genitive learned before its base gives way once the base is used at least as often
    names(reg, entity("Steven Spielbergs"), language="de")
    names(reg, entity("Steven Spielberg"), language="de")
    assert names(reg, entity("Steven Spielbergs"), language="de") == ["Steven Spielberg"]
    assert names(reg, entity("Hans Strauss"), language="de") == ["Hans Strauss"]


def test_two_full_names_in_context_leave_it_as_it_is() -> None:
    reg = registry()
    names(reg, entity("George W. Bush"), entity("George H. W. Bush"), CHENEY)
    assert names(reg, entity("Bush"), CHENEY) == ["Bush", "Dick Cheney"]
    assert names(reg, entity("W. Bush"), CHENEY) == ["W. Bush", "Dick Cheney"]  # part of both
    assert names(reg, entity("H. W. Bush"), CHENEY) == ["George H. W. Bush", "Dick Cheney"]  # part of one only


def test_the_context_picks_one_of_two_full_names() -> None:
    reg = registry()
    names(reg, entity("George W. Bush"), CHENEY)
    names(reg, entity("George H. W. Bush"), entity("James Baker"))
    assert names(reg, entity("Bush"), CHENEY) == ["George W. Bush", "Dick Cheney"]
    assert names(reg, entity("Bush"), entity("James Baker")) == ["George H. W. Bush", "James Baker"]
    assert names(reg, entity("Bush"), CHENEY, entity("James Baker")) == ["Bush", "Dick Cheney", "James Baker"]


def test_leading_words_of_a_full_name_need_two_words() -> None:
    reg = registry()
    names(reg, entity("Kim Jong Un"), RUSSIA)
    assert names(reg, entity("Kim Jong"), RUSSIA)[0] == "Kim Jong Un"
    assert names(reg, entity("Kim"), RUSSIA)[0] == "Kim"  # one word that is not the surname: too weak


def test_partials_match_whole_words_of_the_same_type_only() -> None:
    reg = registry()
    names(reg, entity("George W. Bush"), entity("Deutsche Bank", ORG), CHENEY)
    assert names(reg, entity("Bus"), CHENEY)[0] == "Bus"
    assert names(reg, entity("Laura Bush"), CHENEY)[0] == "Laura Bush"  # another person, not a part
    assert names(reg, entity("Bush", ORG), CHENEY)[0] == "Bush"  # organisations are not persons
    assert names(reg, entity("Bank", ORG), CHENEY)[0] == "Bank"  # no partial rule for organisations


def test_one_word_persons_are_not_learned() -> None:
    store: dict[str, str] = {}
    reg = registry(store)
    names(reg, entity("Bush"))
    assert store == {}
    names(reg, entity("George W. Bush"), CHENEY)
    assert names(reg, entity("Bush"), CHENEY)[0] == "George W. Bush"


def test_an_organisations_abbreviation_becomes_its_alias() -> None:
    reg = registry()
    names(reg, entity("Internationale Atomenergiebehörde", ORG, "Internationale Atomenergiebehörde", "IAEA"))
    assert names(reg, entity("IAEA", ORG)) == ["IAEA"]  # one article is no evidence yet
    names(reg, entity("Internationale Atomenergiebehörde", ORG, "IAEA", "Internationale Atomenergiebehörde"))
    assert names(reg, entity("IAEA", ORG), language="de") == ["Internationale Atomenergiebehörde"]
    assert names(reg, entity("Iaea", ORG)) == ["Internationale Atomenergiebehörde"]  # folded like any name
    assert names(reg, entity("IAEA", PER)) == ["IAEA"]  # aliases are per type


def test_an_alias_of_two_organisations_is_ambiguous() -> None:
    reg = registry()
    for _ in range(2):
        names(reg, entity("Christlich Demokratische Union", ORG, "CDU"))
        names(reg, entity("Christian Democratic Union", ORG, "CDU"))
    assert names(reg, entity("CDU", ORG)) == ["CDU"]


def test_one_wrong_pairing_never_renames_an_acronym() -> None:
    """A person the model typed as an organisation, followed by a party in parentheses, is one article's mistake:
    the party keeps its name in later articles; the alias only counts once a second article pairs it again."""
    store: dict[str, str] = {}
    reg = registry(store)
    names(reg, entity("Bürgermeister Thomas Steiner", ORG, "Bürgermeister Thomas Steiner", "ÖVP"))
    for _ in range(3):
        assert names(reg, entity("ÖVP", ORG), language="de") == ["ÖVP"]
    record = json.loads(store[entity_key(ORG, "Bürgermeister Thomas Steiner")])
    assert (record["a"], record["p"]) == ([], ["ÖVP"])
    names(reg, entity("Bürgermeister Thomas Steiner", ORG, "Bürgermeister Thomas Steiner", "ÖVP"))
    assert "p" not in json.loads(store[entity_key(ORG, "Bürgermeister Thomas Steiner")])  # confirmed now, but
    assert names(reg, entity("ÖVP", ORG), language="de") == ["ÖVP"]  # the party is named alone more often


@pytest.mark.parametrize(("acronym", "name", "expected"), [
    ("CIA", "Central Intelligence Agency", True),
    ("DFB", "Deutscher Fußball-Bund", True),
    ("IHS", "Institut für Höhere Studien", True),
    ("FAZ", "Frankfurter Allgemeine Zeitung", True),
    ("IWF", "Internationaler Währungsfonds", False),  # a compound's inner word: evidence, not proof
    ("ÖVP", "Bürgermeister Thomas Steiner", False),
    ("UN", "Vereinte Nationen", False),
    ("VN", "Vereinte", False),
])
def test_an_initialism_is_an_alias_at_once(acronym: str, name: str, expected: bool) -> None:
    assert is_initialism(acronym, name) is expected
    reg = registry()
    names(reg, entity(name, ORG, name, acronym))
    assert names(reg, entity(acronym, ORG)) == [name if expected else acronym]


def test_pending_aliases_are_bounded() -> None:
    store: dict[str, str] = {}
    reg = registry(store)
    for n in range(20):
        names(reg, entity("Vereinte Nationen", ORG, "Vereinte Nationen", f"UN{n:02d}"))
    record = json.loads(store[entity_key(ORG, "Vereinte Nationen")])
    assert record["a"] == []
    assert record["p"] == [f"UN{n:02d}" for n in range(12, 20)]


def test_full_and_partial_in_one_article_become_one_entity() -> None:
    reg = registry()
    names(reg, entity("George W. Bush"), CHENEY)
    article = Analysis([entity("George W. Bush"), entity("Bush", PER, "Bush", "Bush"), CHENEY])
    result = reg.resolve(article, "en").entities
    assert [(e.name, e.count, len(e.mentions)) for e in result] == [("George W. Bush", 3, 3), ("Dick Cheney", 1, 1)]


def test_the_setting_turns_it_off() -> None:
    store: dict[str, str] = {}
    reg = registry(store, entity_registry=False)
    names(reg, entity("George W. Bush"), CHENEY)
    assert names(reg, entity("Bush"), CHENEY) == ["Bush", "Dick Cheney"]
    assert store == {}


def test_records_are_json_with_decayed_use_counts() -> None:
    store: dict[str, str] = {}
    clock = Clock()
    reg = registry(store, clock, entity_registry_half_life_days=1.0)
    names(reg, entity("Angela Merkel"))
    clock.now += 86400.0
    names(reg, entity("Angela Merkel"))
    record = json.loads(store[entity_key(PER, "angela merkel")])
    assert record["n"] == "Angela Merkel"
    assert record["u"] == pytest.approx(1.5)
    assert record["s"] == clock.now
    names(reg, entity("Angela Merkel"), entity("CDU", ORG), entity("Olaf Scholz"), entity("Berlin", LOC))
    assert json.loads(store[entity_key(PER, "angela merkel")])["c"] == ["cdu", "olaf scholz"]


def test_eviction_keeps_the_most_used_recent_entities() -> None:
    store: dict[str, str] = {}
    clock = Clock()
    reg = registry(store, clock, entity_registry_max=100, entity_registry_half_life_days=1.0)
    names(reg, entity("Old Person"))
    clock.now += 86400.0  # one half-life: "Old Person" now counts 0.5
    for _ in range(3):
        names(reg, entity("Frequent Person"))
    for number in range(110):
        names(reg, entity(f"Person Number{number}"))
    assert 100 <= len(store) <= 105
    assert entity_key(PER, "Frequent Person") in store
    assert entity_key(PER, "Old Person") not in store
    assert reg.canonical(PER, "Old Person") is None
    assert reg.canonical(PER, "Frequent Person") == "Frequent Person"


def test_a_second_registry_on_the_same_store_sees_the_first_ones_entities() -> None:
    store: dict[str, str] = {}
    first, second = registry(store), registry(store)
    assert names(second, entity("Putin"), RUSSIA)[0] == "Putin"
    names(first, entity("Wladimir Putin"), RUSSIA)
    second._index.built = 0.0  # as after REFRESH_MIN_S
    assert names(second, entity("Putin"), RUSSIA)[0] == "Wladimir Putin"


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return load_gazetteer()


@pytest.mark.parametrize(
    ("language", "spellings", "expected"),
    [
        ("en", ["US", "USA", "America", "United States"], "United States"),
        ("de", ["USA", "Vereinigte Staaten", "Vereinigten Staaten", "Amerika"], "Vereinigte Staaten"),
        ("en", ["UK", "Britain"], "United Kingdom"),
        ("en", ["Turkey", "Türkei"], "Turkey"),  # CLDR's alt="variant", not "Türkiye"
        ("de", ["Turkey", "Türkei"], "Türkei"),
        ("de", ["Nordkorea"], "Nordkorea"),
        ("fr", ["USA"], "États-Unis"),
    ],
)
def test_every_spelling_of_a_country_gets_its_cldr_name(
    gaz: Gazetteer, language: str, spellings: list[str], expected: str
) -> None:
    for spelling in spellings:
        locations = [entity(spelling, LOC)]
        places, countries = resolve_places(locations, [], gaz)
        new_entities, new_places = canonical_countries(locations, places, language)
        assert [e.name for e in new_entities] == [expected], spelling
        assert [p.name for p in new_places] == [expected], spelling
        assert new_places[0].country_code == countries[0]


def test_cities_and_parts_of_countries_keep_their_names(gaz: Gazetteer) -> None:
    locations = [entity("Wladiwostok", LOC), entity("Ostukraine", LOC)]
    places, _ = resolve_places(locations, [], gaz)
    new_entities, new_places = canonical_countries(locations, places, "de")
    assert sorted(e.name for e in new_entities) == ["Ostukraine", "Wladiwostok"]
    assert sorted(p.name for p in new_places) == ["Ostukraine", "Wladiwostok"]


def test_country_names_fall_back_to_english() -> None:
    assert country_name("DE", "xx") == "Germany"
    assert country_name("de", "de") == "Deutschland"
    assert country_name("ZZZ", "en") is None


def test_another_name_of_a_country_of_the_article_joins_it(gaz: Gazetteer) -> None:
    locations = [Entity(name="US", type=LOC, count=3), Entity(name="America", type=LOC, count=1),
                 Entity(name="Washington", type=LOC, count=1)]
    places, _ = resolve_places(locations, [], gaz)
    new_entities, _ = canonical_countries(locations, places, "en")
    assert [(e.name, e.count) for e in new_entities] == [("United States", 4), ("Washington", 1)]
    # a name of a country the article does not name is left alone
    only_france = [Entity(name="Frankreich", type=LOC, count=1), Entity(name="Fantasia", type=LOC, count=1)]
    places, _ = resolve_places(only_france, [], gaz)
    assert [e.name for e in canonical_countries(only_france, places, "de")[0]] == ["Frankreich", "Fantasia"]
