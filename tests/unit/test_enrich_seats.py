"""Seats of power (enrich/seats.py): one organisation under its canonical name, whatever the model found."""

from __future__ import annotations

from newsingest.enrich.seats import with_seats
from newsingest.models import Entity, EntityType, Mention


def _entity(name: str, kind: EntityType, *spans: tuple[int, int, str]) -> Entity:
    mentions = [Mention(start=s, end=e, text=t, field="body") for s, e, t in spans]
    return Entity(name=name, type=kind, count=len(mentions), mentions=mentions)


def test_an_untagged_seat_becomes_an_organisation_with_every_mention() -> None:
    body = "Kim werde Russland besuchen, sagte der Kreml. Ein Sprecher des Kremls bestätigte das."
    putin = _entity("Russland", EntityType.LOCATION, (10, 18, "Russland"))
    result = with_seats([putin], {"title": "", "body": body}, "de")
    kreml = next(e for e in result if e.name == "Kreml")
    assert kreml.type is EntityType.ORGANISATION
    assert kreml.count == 2
    assert [m.text for m in kreml.mentions] == ["Kreml", "Kremls"]
    assert body[kreml.mentions[1].start:kreml.mentions[1].end] == "Kremls"
    assert result[0] is kreml  # most mentioned first


def test_an_inflected_or_mistyped_model_entity_is_renamed_and_merged() -> None:
    body = "Im Weißen Haus hieß es, das Weiße Haus prüfe den Fall."
    tagged = _entity("Weißen Haus", EntityType.LOCATION, (3, 14, "Weißen Haus"))
    result = with_seats([tagged], {"title": "", "body": body}, "de")
    assert [(e.name, e.type, e.count) for e in result] == [("Weißes Haus", EntityType.ORGANISATION, 2)]


def test_compounds_and_longer_names_are_not_the_seat() -> None:
    assert with_seats([], {"title": "", "body": "Der Kreml-Chef sprach."}, "de") == []
    body = "The Pentagon Papers were published."
    papers = _entity("Pentagon Papers", EntityType.MISC, (4, 19, "Pentagon Papers"))
    assert with_seats([papers], {"title": "", "body": body}, "en") == [papers]
    assert with_seats([], {"title": "", "body": "a Kremlin-backed party"}, "en") == []


def test_english_seats_and_the_title_count_too() -> None:
    texts = {"title": "White House rejects claim", "body": "The White House and Downing Street said no."}
    result = with_seats([], texts, "en")
    assert {(e.name, e.count) for e in result} == {("White House", 2), ("Downing Street", 1)}
    white = next(e for e in result if e.name == "White House")
    assert [m.field for m in white.mentions] == ["title", "body"]


def test_other_languages_are_left_alone() -> None:
    assert with_seats([], {"title": "", "body": "Le Kremlin a dit non."}, "fr") == []
