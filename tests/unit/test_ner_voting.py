"""VotingEngine: a PER/ORG/LOC mention of the main model is kept only where the second model agrees."""

from __future__ import annotations

import re

from newsingest.config import Settings
from newsingest.enrich.ner import build_engine
from newsingest.enrich.ner.base import EntityType, RawMention
from newsingest.enrich.ner.corenlp import CoreNLPEngine
from newsingest.enrich.ner.voting import ALL_TYPES, VOTER_MODELS, VotingEngine, agreed, vote_in_windows, windows

PER, ORG, LOC, MISC = EntityType.PERSON, EntityType.ORGANISATION, EntityType.LOCATION, EntityType.MISC


def m(start: int, end: int, kind: EntityType, text: str = "x") -> RawMention:
    return RawMention(start, end, text, kind)


def test_agreement_needs_an_overlapping_span_of_the_same_type() -> None:
    main = [m(0, 10, ORG), m(12, 20, PER), m(25, 30, LOC), m(40, 45, MISC)]
    votes = [m(3, 8, ORG), m(12, 20, LOC), m(30, 35, LOC)]
    # ORG overlaps an ORG vote; PER only a LOC vote; LOC's vote starts where it ends; MISC is never voted on
    assert agreed(main, votes, ALL_TYPES) == [m(0, 10, ORG), m(40, 45, MISC)]
    assert agreed(main, votes, {ORG}) == [m(0, 10, ORG), m(12, 20, PER), m(25, 30, LOC), m(40, 45, MISC)]


def test_no_votes_keeps_only_misc() -> None:
    assert agreed([m(0, 4, PER), m(5, 9, MISC)], [], ALL_TYPES) == [m(5, 9, MISC)]


def test_windows_take_whole_words_around_mentions_and_merge() -> None:
    text = "one two three Alpha Beta four five six seven eight nine ten eleven Gamma twelve"
    alpha = text.index("Alpha")
    gamma = text.index("Gamma")
    spans = windows(text, [m(alpha, alpha + 10, ORG), m(gamma, gamma + 5, ORG)], pad=5)
    assert [text[a:b] for a, b in spans] == ["three Alpha Beta four", "eleven Gamma twelve"]
    near = windows(text, [m(alpha, alpha + 5, ORG), m(alpha + 6, alpha + 10, ORG)], pad=5)
    assert [text[a:b] for a, b in near] == ["three Alpha Beta four"]


class Echo:
    """A voter that tags every capitalised word ORG in whatever text it gets."""

    name = "echo"

    def __init__(self) -> None:
        self.seen: list[str] = []

    def supports(self, language: str) -> bool:
        return True

    async def recognise(self, text: str, language: str) -> list[RawMention]:
        self.seen.append(text)
        return [RawMention(x.start(), x.end(), x.group(), ORG) for x in re.finditer(r"[A-Z]\w+", text)]

    async def aclose(self) -> None:
        return None


async def test_votes_come_back_with_offsets_into_the_whole_text() -> None:
    text = "a b c d e f Acme g h i j k l m n o p q\nr s t u v w x y z Globex aa bb cc dd ee"
    acme, globex = text.index("Acme"), text.index("Globex")
    voter = Echo()
    votes = await vote_in_windows(voter, text, "en", [m(acme, acme + 4, ORG), m(globex, globex + 6, ORG)])
    assert [(v.text, text[v.start : v.end]) for v in votes] == [("Acme", "Acme"), ("Globex", "Globex")]
    assert len(voter.seen[-1]) < len(text)  # only windows were sent


class Fixed:
    name = "fixed"

    def __init__(self, mentions: list[RawMention], languages: tuple[str, ...] = ("en", "de")) -> None:
        self.mentions, self.languages, self.closed = mentions, languages, 0

    def supports(self, language: str) -> bool:
        return language in self.languages

    async def recognise(self, text: str, language: str) -> list[RawMention]:
        return list(self.mentions)

    async def aclose(self) -> None:
        self.closed += 1


async def test_only_languages_with_a_voter_are_filtered() -> None:
    main = Fixed([m(0, 4, PER), m(5, 9, ORG)])
    voter = Fixed([m(0, 4, PER)], languages=("en",))
    engine = VotingEngine(main, {"en": voter})
    assert await engine.recognise("text", "en") == [m(0, 4, PER)]
    assert await engine.recognise("text", "de") == [m(0, 4, PER), m(5, 9, ORG)]
    await engine.aclose()
    assert (main.closed, voter.closed) == (1, 1)


def test_on_by_default_and_off_when_disabled() -> None:
    assert isinstance(build_engine(Settings()).inner.inner, VotingEngine)
    assert isinstance(build_engine(Settings(ner_corenlp_voting=False)).inner.inner, CoreNLPEngine)
    engine = build_engine(Settings(ner_corenlp_voting=True, ner_vote_below_confidence=0.8)).inner.inner
    assert isinstance(engine, VotingEngine)
    assert isinstance(engine.main, CoreNLPEngine)
    assert set(engine.voters) == {"en"}
    assert engine.vote_below == 0.8
    assert VOTER_MODELS["en"] in engine.voters["en"]._params["en"]["properties"]
    assert "english.conll.4class" in engine.main._params["en"]["properties"]


def test_a_hand_configured_english_model_is_not_voted_on() -> None:
    own = {"en": {"ner.model": "edu/stanford/nlp/models/ner/english.muc.7class.distsim.crf.ser.gz"}}
    engine = build_engine(Settings(ner_corenlp_voting=True, ner_corenlp_properties=own)).inner.inner
    assert isinstance(engine, CoreNLPEngine)


async def test_only_mentions_the_main_model_is_unsure_of_are_voted_on() -> None:
    text = "Alpha one two three four five six seven eight nine ten Beta Gamma Delta"

    def at(word: str, kind: EntityType, confidence: float) -> RawMention:
        start = text.index(word)
        return RawMention(start, start + len(word), word, kind, confidence)

    sure, voted_away, agreed_on, misc = (
        at("Alpha", ORG, 0.99),
        at("Beta", PER, 0.6),
        at("Gamma", ORG, 0.7),
        at("Delta", MISC, 0.1),
    )
    voter = Echo()  # agrees with every capitalised word as ORG
    engine = VotingEngine(Fixed([sure, voted_away, agreed_on, misc]), {"en": voter}, vote_below=0.95)
    # Beta: the voter says ORG, not PER -> dropped; Gamma: agreed; Alpha is sure and MISC is never voted on
    assert await engine.recognise(text, "en") == [sure, agreed_on, misc]
    assert "Alpha" not in voter.seen[-1]  # the sure mention's words were not sent

    voter.seen.clear()
    engine = VotingEngine(Fixed([sure, misc]), {"en": voter}, vote_below=0.95)
    assert await engine.recognise(text, "en") == [sure, misc]
    assert voter.seen == []  # nothing to vote on: no request at all
