from __future__ import annotations

import pytest

from newsingest.enrich.german_case import gender_from_cues, nominative
from newsingest.enrich.normalise import normalise_entities
from tests.fixtures.enrich.fakes import LOC, ORG, PER, mentions


@pytest.mark.parametrize(
    ("form", "cues", "expected"),
    [
        ("Vereinigten Staaten", ["die"], "Vereinigte Staaten"),  # plural head: plural nominative
        ("Deutschen Bahn", ["der"], "Deutsche Bahn"),  # "der" before -en + singular: feminine
        ("Bayerischem Rundfunk", ["vom"], "Bayerischer Rundfunk"),  # no cue between m/n: masculine
        ("Weißen Haus", ["im", "das"], "Weißes Haus"),  # "das" elsewhere in the article: neuter
        ("Islamischen Staates", ["des"], "Islamischer Staat"),  # genitive head noun too
        # no cue right before ("des bis Mittwoch dauernden Östlichen Wirtschaftsforums"): a genitive -s only on
        # a masculine or neuter noun, and "-forum" is neuter
        ("Östlichen Wirtschaftsforums", [], "Östliches Wirtschaftsforum"),
        ("Internationalen Atomenergiebehörde", ["der"], "Internationale Atomenergiebehörde"),
        ("Freien Demokratischen Partei", ["der"], "Freie Demokratische Partei"),  # every adjective
        ("Neuen Zürcher Zeitung", ["der"], "Neue Zürcher Zeitung"),  # invariable place adjective kept
        ("Stuttgarter Kickers", [], "Stuttgarter Kickers"),  # proper names stay
        ("Kim Jong Un", [], "Kim Jong Un"),
        ("Deutsche Bahn", ["die"], "Deutsche Bahn"),  # already nominative
        ("Bank of England", ["der"], "Bank of England"),
    ],
)
def test_nominative(form: str, cues: list[str], expected: str) -> None:
    assert nominative(form, cues) == expected


def test_gender_cues_narrow_and_ignore_contradictions() -> None:
    assert gender_from_cues(["dem", "das"]) == frozenset("n")
    assert gender_from_cues(["zur"]) == frozenset("f")
    assert gender_from_cues(["der", "das"]) == frozenset("f")  # a contradiction does not empty the set
    assert gender_from_cues(["und"]) == frozenset("mfn")


def test_labels_in_the_nominative_in_an_article() -> None:
    body = "Die Deutsche Bahn und Frau Kraus fahren nach Paris. Mit der Deutschen Bahn reist sie in den Niederlanden."
    spans = [("Deutsche Bahn", ORG), ("Kraus", PER), ("Paris", LOC), ("Deutschen Bahn", ORG), ("Niederlanden", LOC)]
    entities = normalise_entities(
        [("body", body, mentions(body, spans))], language="de", known=lambda n: n in {"Paris", "Niederlande"}
    )
    assert {(e.name, e.count) for e in entities} == {
        ("Deutsche Bahn", 2), ("Kraus", 1), ("Paris", 1), ("Niederlande", 1),
    }  # fmt: skip


@pytest.mark.parametrize(
    ("form", "cues", "expected"),
    [
        ("Österreichische Naturschutzbund", ["Der"], "Österreichischer Naturschutzbund"),
        ("Rote Kreuz", ["das"], "Rotes Kreuz"),
        ("Deutsche Bahn", ["die", "der"], "Deutsche Bahn"),  # feminine: -e is already strong
        ("Olympische Spiele", ["die"], "Olympische Spiele"),  # plural
        ("Bayerische Rundfunk", [], "Bayerische Rundfunk"),  # no article: gender unknown, unchanged
    ],
)
def test_weak_nominative_after_an_article_becomes_strong(form: str, cues: list[str], expected: str) -> None:
    assert nominative(form, cues) == expected


@pytest.mark.parametrize(("form", "cues", "expected"), [
    ("Roten Kreuz", ["vom"], "Rotes Kreuz"),  # "vom": masculine or neuter; Wiktionary: "Kreuz" is neuter
    ("Bayerischen Fernsehen", ["im"], "Bayerisches Fernsehen"),
    ("Internationalen Olympischen Komitee", ["dem"], "Internationales Olympisches Komitee"),
    ("Europäischen Zentralbank", ["der"], "Europäische Zentralbank"),  # compound head "Bank": feminine
    ("Ostchinesischen Meer", ["im"], "Ostchinesisches Meer"),
    ("Bayerischem Rundfunk", ["vom"], "Bayerischer Rundfunk"),
    # the phrase before a complement is the name's head; the complement stays as written
    ("Deutschen Zentrums für Luft- und Raumfahrt", ["des"], "Deutsches Zentrum für Luft- und Raumfahrt"),
    ("Deutsche Zentrum für Luft- und Raumfahrt", ["das"], "Deutsches Zentrum für Luft- und Raumfahrt"),
    ("Bank für Internationalen Zahlungsausgleich", ["die"], "Bank für Internationalen Zahlungsausgleich"),
    ("Frankfurt am Main", [], "Frankfurt am Main"),
])  # fmt: skip
def test_noun_genders_from_wiktionary_and_complements(form: str, cues: list[str], expected: str) -> None:
    assert nominative(form, cues) == expected


@pytest.mark.parametrize(("form", "cues", "expected"), [
    ("Schweizer Bundesrats", ["des"], "Schweizer Bundesrat"),  # invariable place adjective, genitive head
    ("Wiener Gemeinderates", ["des", "im"], "Wiener Gemeinderat"),
    ("Wiener Gemeinderates", ["im"], "Wiener Gemeinderates"),  # no genitive article: no evidence
    ("Stuttgarter Kickers", ["des"], "Stuttgarter Kickers"),  # an English plural of a club, not a genitive
    ("New York Times", ["des"], "New York Times"),  # no German noun
])  # fmt: skip
def test_a_genitive_head_after_an_invariable_adjective(form: str, cues: list[str], expected: str) -> None:
    assert nominative(form, cues) == expected
