"""English "X of Y" organisation names: joined when the model tagged head and place apart, cut before a person,
and the head named alone completed when it fits exactly one such name of the article."""

from __future__ import annotations

from newsingest.enrich.normalise import normalise_entities
from newsingest.models import Entity, EntityType
from tests.fixtures.enrich.fakes import LOC, ORG, PER, mentions

PLACES = {"England", "America", "South Africa", "Australia"}


def entities(body: str, spans: list[tuple[str, EntityType]], known_places: set[str] = PLACES) -> dict[str, Entity]:
    found = normalise_entities([("body", body, mentions(body, spans))], language="en",
                               known=lambda name: name in known_places)
    return {e.name: e for e in found}


def test_an_organisation_head_and_its_place_are_one_name_and_the_head_alone_refers_to_it() -> None:
    body = "Growth, said Bank of England deputy governor Rachel Lomax. The Bank has shown that."
    found = entities(body, [("Bank", ORG), ("England", LOC), ("Rachel Lomax", PER), ("Bank", ORG)])
    assert set(found) == {"Bank of England", "Rachel Lomax"}
    bank = found["Bank of England"]
    assert bank.type is EntityType.ORGANISATION
    assert bank.count == 2
    assert [body[m.start : m.end] for m in bank.mentions] == ["Bank of England", "Bank"]


def test_the_place_may_be_missing_from_the_mentions_when_the_gazetteer_knows_it() -> None:
    body = "The National Association of Automobile Manufacturers of South Africa said so."
    found = entities(body, [("National Association of Automobile Manufacturers", ORG)])
    assert set(found) == {"National Association of Automobile Manufacturers of South Africa"}


def test_a_head_shared_by_two_names_stays_itself_and_unknown_complements_are_not_joined() -> None:
    body = "Bank of America and the Bank of England met; the Bank said. Friends of Nobody replied."
    spans = [("Bank of America", ORG), ("Bank of England", ORG), ("Bank", ORG), ("Friends", ORG)]
    found = entities(body, spans)
    assert {"Bank of America", "Bank of England", "Bank", "Friends"} == set(found)


def test_a_span_run_over_of_into_a_person_is_cut_into_the_organisation_and_the_person() -> None:
    body = "It was the defection to Labour of Robert Jackson. Bank of America Capital Management agreed."
    found = entities(body, [("Labour of Robert Jackson", ORG), ("Bank of America Capital Management", ORG)])
    assert found["Labour"].type is EntityType.ORGANISATION
    assert found["Robert Jackson"].type is EntityType.PERSON
    assert "Bank of America Capital Management" in found  # "America" is a place, not a given name here


def test_german_is_left_alone() -> None:
    body = "Die Bank of England und die Bank."
    found = normalise_entities([("body", body, mentions(body, [("Bank", ORG), ("England", LOC), ("Bank", ORG)]))],
                               language="de", known=lambda name: name in PLACES)
    assert {e.name for e in found} == {"Bank", "England"}


def test_a_full_stop_ends_the_place() -> None:
    body = "He met the governor of the Bank of England. The Bank said so."
    found = entities(body, [("Bank", ORG), ("Bank", ORG)])
    assert [(name, e.count) for name, e in found.items()] == [("Bank of England", 2)]


def test_a_place_named_by_a_kind_of_place_and_of_is_one_place() -> None:
    body = "Contracts in the Gulf of Suez. Paris of all places, and the Sea of Japan. London of England fame."
    found = entities(body, [("Gulf", LOC), ("Paris", LOC), ("Sea", LOC), ("Japan", LOC), ("London", LOC)],
                     known_places={"Suez", "England", "Japan"})
    # only a kind-of-place head joins its complement; a city followed by "of" stays itself
    assert {name: e.type for name, e in found.items()} == {"Gulf of Suez": LOC, "Paris": LOC, "Sea of Japan": LOC,
                                                           "London": LOC, }  # fmt: skip
