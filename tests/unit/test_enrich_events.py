from __future__ import annotations

from newsingest.enrich.events import is_event_name, retype_events
from newsingest.models import Entity, EntityType, Mention

PER, ORG, LOC, MISC = EntityType.PERSON, EntityType.ORGANISATION, EntityType.LOCATION, EntityType.MISC


def test_event_heads_in_english_and_german() -> None:
    for name in ("Venice Film Festival", "Australian Open", "Academy Awards", "Booker Prize", "Davis Cup",
                 "Norwich Union Grand Prix", "Golden Globes", "Game Developers Conference", "Eurovision Song Contest"):
        assert is_event_name(name, "en"), name
    for name in ("Fußball-WM", "U21-EM", "Olympische Spiele", "Leichtathletik-Weltmeisterschaft", "Großer Preis",
                 "Salzburger Festspiele", "Spanischer Supercup", "Olympia", "Australian Open"):
        assert is_event_name(name, "de"), name


def test_organisations_and_persons_are_no_events() -> None:
    for name in ("Premier League", "United Nations", "Rockstar Games", "European Tour", "Conference Board",
                 "Open University", "Dominic Thiem", "Jerusalem", "Dijsselbloem", "Tony Blair", "Marathon Oil"):
        assert not is_event_name(name, "en"), name
        assert not is_event_name(name, "de"), name
    assert not is_event_name("Australian Open", "fr")  # only the languages the heads are known for


def entity(name: str, kind: EntityType, text: str) -> Entity:
    start = text.index(name)
    return Entity(name=name, type=kind, count=1, mentions=[Mention(start=start, end=start + len(name), text=name)])


def test_a_single_word_award_must_be_used_as_one() -> None:
    award = "She won an Oscar at the Golden Globes. Oscar voters agreed."
    footballer = "Oscar scored twice for Chelsea."
    entities = [entity("Oscar", PER, award), entity("Golden Globes", ORG, award)]
    assert [e.type for e in retype_events(entities, {"body": award}, "en")] == [MISC, MISC]
    assert retype_events([entity("Oscar", PER, footballer)], {"body": footballer}, "en")[0].type is PER
    german = "Er bekam den Oscar als bester Nebendarsteller."
    assert retype_events([entity("Oscar", ORG, german)], {"body": german}, "de")[0].type is MISC
    places = "The Film Festival in Venice."
    assert [e.type for e in retype_events([entity("Film Festival", LOC, places), entity("Venice", LOC, places)],
                                          {"body": places}, "en")] == [MISC, LOC]  # fmt: skip
