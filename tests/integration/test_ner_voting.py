"""Model voting against the real CoreNLP server: both English models run, only agreed names stay."""

from __future__ import annotations

from newsingest.config import Settings
from newsingest.enrich.ner import build_engine
from newsingest.enrich.ner.base import EntityType
from newsingest.stack.corenlp import CoreNLPStack


async def test_titles_of_works_go_agreed_names_stay() -> None:
    settings = Settings(ner_corenlp_voting=True, ner_vote_below_confidence=2.0, ner_min_confidence=0.0,
                        ner_min_confidence_one_word=0.0)
    if settings.corenlp_is_local:
        CoreNLPStack(settings, progress=print).start()  # idempotent: starts only what is missing
    text = (
        "The film Million Dollar Baby won four awards, and Desperate Housewives star Teri Hatcher thanked "
        "Warner Bros in Los Angeles."
    )
    plain = build_engine(settings.model_copy(update={"ner_corenlp_voting": False}))
    voting = build_engine(settings)  # every mention is voted on
    selective = build_engine(settings.model_copy(update={"ner_vote_below_confidence": 0.95}))
    try:
        mentions = await plain.recognise(text, "en")
        before = {(x.text, x.type) for x in mentions}
        after = {(x.text, x.type) for x in await voting.recognise(text, "en")}
        selected = {(x.text, x.type) for x in await selective.recognise(text, "en")}
    finally:
        for engine in (plain, voting, selective):
            await engine.aclose()
    sure = {(x.text, x.type) for x in mentions if x.confidence >= 0.95}
    assert after <= selected <= before
    assert selected == after | sure  # only the mentions the 4-class model is unsure of were voted on
    assert ("Million Dollar Baby", EntityType.ORGANISATION) in before  # the 4-class model's error
    assert after <= before
    assert ("Teri Hatcher", EntityType.PERSON) in after
    assert ("Los Angeles", EntityType.LOCATION) in after
    assert not any(name in ("Million Dollar Baby", "Desperate Housewives") for name, _ in after)
