"""Organisation names that end in a number keep it; scores and amounts do not join a name."""

from __future__ import annotations

from newsingest.enrich.normalise import normalise_entities
from tests.fixtures.enrich.fakes import ORG, PER, mentions


def names(body: str, spans: list, language: str = "en") -> set[str]:
    return {e.name for e in normalise_entities([("body", body, mentions(body, spans))], language=language)}


def test_broadcasters_keep_their_number() -> None:
    body = "George Michael plays a BBC Radio 2 special. Housewives lift Channel 4 ratings (ORF 2)."
    spans = [("George Michael", PER), ("BBC Radio", ORG), ("Channel", ORG), ("ORF", ORG)]
    assert names(body, spans) == {"George Michael", "BBC Radio 2", "Channel 4", "ORF 2"}


def test_scores_counts_and_amounts_do_not_join() -> None:
    body = "Arsenal 2 Chelsea 1. Rapid 2:0 Sturm. Shares in Sony 3% lower. Chelsea 1 after extra time, Chelsea won."
    spans = [("Arsenal", ORG), ("Chelsea", ORG), ("Rapid", ORG), ("Sturm", ORG), ("Sony", ORG), ("Chelsea", ORG),
             ("Chelsea", ORG)]  # fmt: skip
    assert names(body, spans) == {"Arsenal", "Chelsea", "Rapid", "Sturm", "Sony"}


def test_a_comma_or_full_stop_after_the_number_is_no_score_unless_a_result_goes_on() -> None:
    body = "Speaking on BBC Radio 4, Mr Varley declined. He was on Channel 4. Hull 2, Leeds 1. Derby 3 Wigan 1."
    spans = [("BBC Radio", ORG), ("Varley", PER), ("Channel", ORG), ("Hull", ORG), ("Leeds", ORG), ("Derby", ORG),
             ("Wigan", ORG)]  # fmt: skip
    assert names(body, spans) == {"BBC Radio 4", "Varley", "Channel 4", "Hull", "Leeds", "Derby", "Wigan"}


def test_a_german_full_stop_after_the_number_is_an_ordinal() -> None:
    body = "Gruppenphase – EL oder CL 77. Minute: Tor. Von der ÖVP 50. Dazu sagte der Sender Rossija 24, es sei so."
    spans = [("EL", ORG), ("CL", ORG), ("ÖVP", ORG), ("Rossija", ORG)]
    assert names(body, spans, "de") == {"EL", "CL", "ÖVP", "Rossija 24"}
