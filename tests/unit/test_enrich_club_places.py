from __future__ import annotations

import re

import pytest

from newsingest.enrich.club_places import is_sports_report, retype_place_names
from newsingest.enrich.gazetteer import Gazetteer, load_gazetteer
from newsingest.models import Entity, EntityType, Mention

PER, ORG, LOC = EntityType.PERSON, EntityType.ORGANISATION, EntityType.LOCATION

RUGBY = (
    "The World Cup winner missed Wasps' 12-9 loss to Bath on Saturday after injuring his calf. Wasps coach Warren "
    "Gatland said the scrum-half has a fitness test. Gloucester's Andy Hazell and Leicester star Lewis Moody also "
    "received knocks during their league matches, but should be fit for Wales next week. The squad: Fletcher "
    "(Reading), Giggs (Cardiff). The match at Twickenham is a sell-out, the coach said after training in Bath."
)
FUSSBALL = (
    "Wolfsburg feiert spät gegen Berlin. Der Trainer lobte die Mannschaft nach dem 2:1-Sieg, der Tabellenführer "
    "bleibt in der Liga vorne. Das nächste Spiel im Stadion in Hannover ist ausverkauft."
)


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return load_gazetteer()


def entities(text: str, spans: list[tuple[str, EntityType]]) -> list[Entity]:
    """Every occurrence of each name as one entity's mentions."""
    out = []
    for name, kind in spans:
        found = [Mention(start=m.start(), end=m.end(), text=name) for m in re.finditer(re.escape(name), text)]
        out.append(Entity(name=name, type=kind, count=len(found), mentions=found))
    return out


def types(found: list[Entity]) -> dict[str, EntityType]:
    return {e.name: e.type for e in found}


def test_sports_reports_are_told_from_other_news() -> None:
    assert is_sports_report({"body": RUGBY}, "en")
    assert is_sports_report({"body": FUSSBALL}, "de")
    business = "Nokia and Canada-based firms develop the technology; the game console market grew 12% this year."
    assert not is_sports_report({"body": business}, "en")
    assert not is_sports_report({"title": "Wahl in Wien", "body": "Die SPÖ verliert 5 Prozent in Wien."}, "de")
    assert not is_sports_report({"body": RUGBY}, "fr")  # only languages with a word list


def test_towns_used_as_clubs_in_a_sports_report_become_organisations(gazetteer: Gazetteer) -> None:
    found = entities(RUGBY, [("Bath", LOC), ("Gloucester", LOC), ("Leicester", LOC), ("Reading", LOC),
                             ("Wales", LOC), ("Andy Hazell", PER), ("Fletcher", PER), ("Twickenham", LOC)])
    got = types(retype_place_names(found, {"body": RUGBY}, "en", gazetteer))
    assert got["Gloucester"] is ORG  # a person right after its possessive
    assert got["Leicester"] is ORG  # a role noun after it
    assert got["Reading"] is ORG  # in parentheses after a player
    assert got["Wales"] is LOC  # a country is a national team: the place facet keeps it
    assert got["Twickenham"] is LOC  # "at Twickenham": the ground
    # "loss to Bath" (club) and "in Bath" (place) weigh the same: a tie keeps the place
    assert got["Bath"] is LOC


def test_a_result_noun_needs_the_possessive(gazetteer: Gazetteer) -> None:
    text = "Safin slumps to shock Dubai loss. The match went to three sets; the coach blamed the league schedule, " \
           "the fixture list and a shoulder injury before the final."
    found = entities(text, [("Dubai", LOC)])
    assert types(retype_place_names(found, {"body": text}, "en", gazetteer))["Dubai"] is LOC


def test_german_clubs_named_after_towns(gazetteer: Gazetteer) -> None:
    found = entities(FUSSBALL, [("Wolfsburg", LOC), ("Berlin", LOC), ("Hannover", LOC)])
    got = types(retype_place_names(found, {"body": FUSSBALL}, "de", gazetteer))
    assert got["Berlin"] is ORG  # "gegen Berlin"
    assert got["Hannover"] is LOC  # "im Stadion in Hannover"
    assert got["Wolfsburg"] is LOC  # no club use: left as the model typed it


def test_outside_sport_town_names_stay_places(gazetteer: Gazetteer) -> None:
    text = "Leicester star chef Tom Kerridge opened a restaurant; the city's coach station is closed."
    found = entities(text, [("Leicester", LOC)])
    assert types(retype_place_names(found, {"body": text}, "en", gazetteer))["Leicester"] is LOC


def test_an_organisation_in_a_list_of_places_is_a_place(gazetteer: Gazetteer) -> None:
    text = "Riots spread to the Midlands, Merseyside, Bristol and Leeds. Polls at Doncaster, Hartlepool and Derby."
    found = entities(text, [("Midlands", LOC), ("Merseyside", LOC), ("Bristol", LOC), ("Leeds", ORG),
                            ("Doncaster", LOC), ("Hartlepool", ORG), ("Derby", LOC)])
    got = types(retype_place_names(found, {"body": text}, "en", gazetteer))
    assert got["Leeds"] is LOC
    assert got["Hartlepool"] is LOC


def test_companies_named_like_towns_stay_organisations(gazetteer: Gazetteer) -> None:
    compound = "A number of companies are developing the technology. Nokia and Canada-based firms lead."
    assert types(retype_place_names(entities(compound, [("Nokia", ORG), ("Canada", LOC)]), {"body": compound},
                                    "en", gazetteer))["Nokia"] is ORG  # "Canada-based" is no list item
    outside = "O2 is trialling a system in Oxford, UK, and Nokia begins trials. Big players such as Nokia pull back."
    found = entities(outside, [("Oxford", LOC), ("UK", LOC), ("Nokia", ORG)])
    assert types(retype_place_names(found, {"body": outside}, "en", gazetteer))["Nokia"] is ORG  # also named alone
    comma = "In Argentina, Suez's subsidiary was fined."
    found = entities(comma, [("Argentina", LOC), ("Suez", ORG)])
    assert types(retype_place_names(found, {"body": comma}, "en", gazetteer))["Suez"] is ORG  # no list
    firms = "Nokia, Ericsson and Finland's government met."
    found = entities(firms, [("Nokia", ORG), ("Ericsson", ORG), ("Finland", LOC)])
    assert types(retype_place_names(found, {"body": firms}, "en", gazetteer))["Nokia"] is ORG  # listed with a firm
