"""German one-word person mentions that HanTa reads as common nouns are no entities; names stay."""

from __future__ import annotations

from newsingest.enrich.normalise import normalise_entities
from newsingest.models import EntityType
from tests.fixtures.enrich.fakes import LOC, ORG, PER, mentions


def names(body: str, spans: list[tuple[str, EntityType]], language: str = "de") -> set[str]:
    found = normalise_entities([("body", body, mentions(body, spans))], language=language)
    return {e.name for e in found}


def test_common_nouns_taken_for_persons_go() -> None:
    body = "Er isst am liebsten Maggi-Fertignudeln mit Anna Berger, sagt meine Mama in Wien."
    spans = [("Maggi-Fertignudeln", PER), ("Anna Berger", PER), ("Mama", PER), ("Wien", LOC)]
    assert names(body, spans) == {"Anna Berger", "Wien"}


def test_surnames_places_and_organisations_stay() -> None:
    body = "Laut Strache sei das falsch, sagte Kern. Die Alpen und das Olympiastadion. Der Spiegel berichtet."
    spans = [("Strache", PER), ("Kern", PER), ("Alpen", LOC), ("Olympiastadion", LOC), ("Spiegel", ORG)]
    assert names(body, spans) == {"Strache", "Kern", "Alpen", "Olympiastadion", "Spiegel"}


def test_english_is_not_touched() -> None:
    body = "He said my Mama was right."
    assert names(body, [("Mama", PER)], language="en") == {"Mama"}


def test_a_common_noun_before_a_full_name_is_cut_off() -> None:
    body = ("Laut Chefentwickler Shigeru Miyamoto kommt das Spiel. Stürmer Marko Arnautovic traf. Mark Rutte und "
            "Finn Müller kamen, die Universität Wien auch.")
    spans = [("Chefentwickler Shigeru Miyamoto", PER), ("Stürmer Marko Arnautovic", PER), ("Mark Rutte", PER),
             ("Finn Müller", PER), ("Universität Wien", ORG)]  # fmt: skip
    # a census given name ("Mark") and a one-word rest ("Finn Müller") keep the span; organisations stay
    assert names(body, spans) == {"Shigeru Miyamoto", "Marko Arnautovic", "Mark Rutte", "Finn Müller",
                                  "Universität Wien"}  # fmt: skip
    assert names(body, spans[:1], language="en") == {"Chefentwickler Shigeru Miyamoto"}
