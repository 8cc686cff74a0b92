"""The alert prefilter's pure parts: folding, which queries it understands, and which rules a batch keeps."""

from __future__ import annotations

import pytest

from newsingest.alerts.prefilter import RulePrefilter, article_starts, fold, query_words, word_needles
from newsingest.alerts.rules import AlertRule


@pytest.mark.parametrize(("text", "folded"), [
    ("München Muenchen Munchen", "munchen munchen munchen"),
    ("Straße", "strasse"),
    ("a—Wladiwostok", "a wladiwostok"),  # a dash Elasticsearch splits at never joins two words
    ("soft\u00adhyphen", "softhyphen"),
    ("Łódź café", " odz cafe"),
    ("Trump's", "trump s"),
])
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_a_prefix_folds_to_a_prefix() -> None:
    for word in ["Baeumen", "Quelle", "Grüßen", "aee", "Muenchens"]:
        for cut in range(len(word)):
            assert fold(word).startswith(fold(word[:cut]))


@pytest.mark.parametrize(("query", "words"), [
    ("Gipfel Wladiwostok", ["Gipfel", "Wladiwostok"]),
    ('"Kim Jong Un" Gipfel', ["Kim", "Jong", "Un", "Gipfel"]),
    ("Škoda 2024", ["Škoda", "2024"]),
    ("", []),
    ("a AND b", None), ("a OR b", None), ("NOT a", None), ("a*", None), ("title:x", None), ('"a b"~2', None),
    ('x"y"', None), ('"open', None), ("-x", None), ("+x", None), ("(a b)", None), ("a~", None), ("Москва", None),
])
def test_query_words(query: str, words: list[str] | None) -> None:
    assert query_words(query) == words


def test_word_needles() -> None:
    assert word_needles("Wladiwostoks", ["wladiwostok"]) == {"wladiw"}
    assert word_needles("happiness", ["happi"]) == {"happin", "happ"}
    assert word_needles("the", []) == {"the"}  # a stop word: the standard fields still need it
    assert word_needles("a", []) is None  # too short to tell
    assert word_needles("dyed", ["dy"]) is None  # a stem of two letters: no condition
    assert word_needles("Łódź", None) == {"odz"}  # a letter that does not fold is a blank, here a leading one
    assert word_needles("aŁb", None) is None  # in the middle: not one folded word


def test_article_starts() -> None:
    starts = article_starts({"title": "Gipfel", "body": "in Wladiwostok"}, [2, 6])
    assert {"gi", "in", "wl", "wladiw"} <= starts
    assert "gipfel" in starts
    assert "wladiwo" not in starts


def _prefilter() -> RulePrefilter:
    prefilter = RulePrefilter()
    stems = {"Gipfel": "gipfel", "Wladiwostok": "wladiwostok", "Putin": "putin", "happiness": "happi"}
    for analyzer in ("english", "german"):
        for word, stem in stems.items():
            prefilter.stems[(analyzer, word)] = (stem,)
    return prefilter


def test_select_keeps_only_rules_that_may_match() -> None:
    rules = [AlertRule(name="a", query="Gipfel Wladiwostok"), AlertRule(name="b", query="Putin"),
             AlertRule(name="c", query="happiness"), AlertRule(name="d", query="Putin*"),
             AlertRule(name="e", query=""), AlertRule(name="f", query="unlearned")]
    docs = [{"title": "Gipfeltreffen", "body": "in Wladiwostok", "language": "de"},
            {"title": "A happy day", "body": "", "language": "en"}]
    kept = [r.name for r in _prefilter().select(rules, docs)]
    assert kept == ["a", "c", "d", "e", "f"]  # d: not understood, e: no words, f: stems not learned yet
    assert [r.name for r in _prefilter().select(rules, docs[:1])] == ["a", "d", "e", "f"]


def test_select_sends_every_rule_for_an_untrusted_language() -> None:
    rules = [AlertRule(name="a", query="Gipfel")]
    assert _prefilter().select(rules, [{"title": "x", "body": "", "language": "fr"}]) == rules
    assert _prefilter().select(rules, [{"title": "x", "body": "", "language": "hr"}]) == []  # standard only
    assert _prefilter().select(rules, []) == []
