"""Named entities from the real Stanford CoreNLP server that the local stack starts (or NEWSINGEST_CORENLP_URL)."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator

import pytest

from newsingest.config import Settings
from newsingest.enrich.ner.base import EntityType, RawMention
from newsingest.enrich.ner.corenlp import CoreNLPEngine
from newsingest.stack.corenlp import CoreNLPStack


@pytest.fixture(scope="session")
def corenlp_settings() -> Settings:
    settings = Settings()
    if settings.corenlp_is_local:
        CoreNLPStack(settings, progress=print).start()  # idempotent: fetches and starts only what is missing
    return settings


@pytest.fixture
async def engine(corenlp_settings: Settings) -> AsyncIterator[CoreNLPEngine]:
    engine = CoreNLPEngine(corenlp_settings)
    yield engine
    await engine.aclose()


def found(mentions: list[RawMention]) -> set[tuple[str, EntityType]]:
    return {(m.text, m.type) for m in mentions}


def assert_offsets(text: str, mentions: list[RawMention]) -> None:
    for mention in mentions:
        assert text[mention.start : mention.end] == mention.text


async def test_german_people_and_place(engine: CoreNLPEngine) -> None:
    text = "Wladimir Putin traf Kim Jong Un in Wladiwostok."
    mentions = await engine.recognise(text, "de")
    assert_offsets(text, mentions)
    assert ("Wladimir Putin", EntityType.PERSON) in found(mentions)
    assert ("Wladiwostok", EntityType.LOCATION) in found(mentions)
    # the German CRF model tags "Kim Jong" and leaves the final "Un" out: the name is found, as a person
    kim = [m for m in mentions if m.start == text.index("Kim")]
    assert len(kim) == 1
    assert kim[0].type == EntityType.PERSON
    assert kim[0].text in ("Kim Jong Un", "Kim Jong")


async def test_german_organisations(engine: CoreNLPEngine) -> None:
    text = "Die Deutsche Bank und Siemens haben ihren Sitz in München und Frankfurt."
    result = found(await engine.recognise(text, "de"))
    assert ("Deutsche Bank", EntityType.ORGANISATION) in result
    assert ("Siemens", EntityType.ORGANISATION) in result
    assert ("München", EntityType.LOCATION) in result


async def test_english_people_and_place(engine: CoreNLPEngine) -> None:
    text = "Vladimir Putin met Kim Jong Un in Vladivostok on Thursday, the Kremlin said."
    mentions = await engine.recognise(text, "en")
    assert_offsets(text, mentions)
    result = found(mentions)
    assert ("Vladimir Putin", EntityType.PERSON) in result
    assert ("Kim Jong Un", EntityType.PERSON) in result
    assert ("Vladivostok", EntityType.LOCATION) in result
    assert all(m.text != "Thursday" for m in mentions)  # dates are not entities here


async def test_unsupported_language_gives_nothing(engine: CoreNLPEngine) -> None:
    assert not engine.supports("pl")
    assert await engine.recognise("Władimir Putin spotkał Kim Dzong Una we Władywostoku.", "pl") == []


async def test_astral_characters_do_not_shift_offsets(engine: CoreNLPEngine) -> None:
    text = "🚀🚀 Angela Merkel 😀 besuchte 𝔅 den Louvre in 🎉 Paris."
    mentions = await engine.recognise(text, "de")
    assert_offsets(text, mentions)
    assert ("Angela Merkel", EntityType.PERSON) in found(mentions)
    assert ("Paris", EntityType.LOCATION) in found(mentions)


SENTENCES = [
    "Bundeskanzler Olaf Scholz reiste am Montag nach Paris.",
    "Dort traf er den französischen Präsidenten Emmanuel Macron im Élysée-Palast.",
    "Die Europäische Zentralbank in Frankfurt hielt den Leitzins unverändert.",
    "Der Chef von Volkswagen sprach in Wolfsburg über neue Fabriken in China.",
    "Nach Angaben der Vereinten Nationen flohen Tausende Menschen aus dem Sudan.",
    "Angela Merkel sprach in Berlin mit Vertretern der Deutschen Bahn.",
    "Das Wetter blieb trocken, und die Preise für Strom und Gas sanken leicht.",
]


async def test_5000_words_in_chunks_with_right_offsets(engine: CoreNLPEngine, corenlp_settings: Settings) -> None:
    paragraphs, words = [], 0
    while words < 5000:
        paragraph = " ".join(SENTENCES[(len(paragraphs) + i) % len(SENTENCES)] for i in range(5))
        paragraphs.append(paragraph)
        words += len(paragraph.split())
    text = "\n\n".join(paragraphs)
    assert len(text) > 4 * corenlp_settings.ner_chunk_chars  # several requests

    started = time.monotonic()
    mentions = await engine.recognise(text, "de")  # each request is limited to ner_timeout_s
    elapsed = time.monotonic() - started
    chunks = -(-len(text) // corenlp_settings.ner_chunk_chars)
    assert elapsed < chunks * corenlp_settings.ner_timeout_s

    assert_offsets(text, mentions)
    assert mentions == sorted(mentions, key=lambda m: m.start)
    assert mentions[-1].start > len(text) - 1000  # the end of the text was recognised too
    merkel = [m for m in mentions if m.text == "Angela Merkel"]
    occurrences = [match.start() for match in re.finditer("Angela Merkel", text)]
    assert [m.start for m in merkel] == occurrences
    assert all(m.type == EntityType.PERSON for m in merkel)
    frankfurt = [m for m in mentions if m.text == "Frankfurt"]
    assert len(frankfurt) == text.count("Frankfurt")


async def test_languages_in_parallel_match_one_by_one(engine: CoreNLPEngine) -> None:
    texts = [
        ("de", "Angela Merkel traf Emmanuel Macron in Berlin."),
        ("en", "Angela Merkel met Emmanuel Macron in Berlin."),
    ] * 6
    one_by_one = [await engine.recognise(text, lang) for text, lang in texts]
    together = await asyncio.gather(*(engine.recognise(text, lang) for text, lang in texts))
    assert list(together) == one_by_one


async def test_packed_requests_tag_every_text_as_alone(corenlp_settings: Settings) -> None:
    """Titles, bodies and chunks asked for together go in one request (request_packing.py): each text gets the
    same mentions, offsets and confidences as when it is sent alone, even texts without a final stop, with
    astral characters, or ending on a name that the next text begins with."""
    texts = [
        ("de", "Merkel in Berlin"),
        ("de", "Emmanuel Macron traf Angela Merkel 😀 in Paris und sprach mit Siemens."),
        ("de", "Wladimir Putin"),
        ("de", "Putin sprach in Wladiwostok mit Kim Jong Un über die Deutsche Bank\n"),
        ("en", "Tony Blair met George W Bush"),
        ("en", "Bush visited Microsoft in Redmond. The BBC reported from London."),
    ] * 3
    alone = CoreNLPEngine(corenlp_settings.model_copy(update={"ner_pack_chars": 0}))
    packed = CoreNLPEngine(corenlp_settings.model_copy(update={"ner_pack_chars": 8000}))
    try:
        expected = [await alone.recognise(text, lang) for lang, text in texts]
        together = await asyncio.gather(*(packed.recognise(text, lang) for lang, text in texts))
    finally:
        await alone.aclose()
        await packed.aclose()
    assert list(together) == expected
    assert sum(len(mentions) for mentions in expected) >= 30
    for (_, text), mentions in zip(texts, together, strict=True):
        assert_offsets(text, mentions)


async def test_mentions_carry_the_models_confidence_and_the_filter_uses_it(corenlp_settings: Settings) -> None:
    from newsingest.enrich.ner import build_engine

    text = (
        "Tony Blair met George W Bush at the White House in Washington. The film Titanic won an Oscar, "
        "and Desperate Housewives star Teri Hatcher thanked Warner Bros."
    )
    raw = CoreNLPEngine(corenlp_settings)
    no_vote = {"ner_corenlp_voting": False}  # the confidence filter alone
    everything = build_engine(corenlp_settings.model_copy(
        update={**no_vote, "ner_min_confidence": 0.0, "ner_min_confidence_one_word": 0.0}))
    filtered = build_engine(corenlp_settings.model_copy(
        update={**no_vote, "ner_min_confidence": 0.9, "ner_min_confidence_one_word": 0.0}))
    try:
        mentions = await raw.recognise(text, "en")
        unfiltered = await everything.recognise(text, "en")
        kept = await filtered.recognise(text, "en")
    finally:
        for engine in (raw, everything, filtered):
            await engine.aclose()
    assert_offsets(text, mentions)
    assert all(0.0 < m.confidence <= 1.0 for m in mentions)
    confidence = {m.text: m.confidence for m in mentions}
    assert confidence["Tony Blair"] > 0.9  # a clear name
    assert min(confidence.values()) < 0.9  # and at least one the model is unsure of
    assert found(unfiltered) == found(mentions)
    assert found(kept) == {(m.text, m.type) for m in mentions if m.confidence >= 0.9}
    assert ("Tony Blair", EntityType.PERSON) in found(kept)
