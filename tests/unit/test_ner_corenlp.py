"""The CoreNLP engine against a fake CoreNLP server: chunking, offsets, tags, concurrency, time limits."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from aiohttp import web

from newsingest.config import Settings
from newsingest.enrich.ner.base import EntityType, RawMention, split_chunks
from newsingest.enrich.ner.corenlp import (
    CoreNLPEngine,
    CoreNLPError,
    corenlp_languages,
    mentions_from_tokens,
    pipeline_properties,
)

TAGS = {
    "Putin": "PERSON",
    "Wladimir": "PERSON",
    "Kim": "I-PER",
    "Jong": "I-PER",
    "Un": "I-PER",
    "Wladiwostok": "LOCATION",
    "Siemens": "ORGANIZATION",
    "Deutsche": "B-ORG",
    "Bank": "I-ORG",
    "Commerzbank": "B-ORG",
    "Montag": "DATE",
    "Olympia": "MISC",
}


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass
class FakeServer:
    """Tokenises on whitespace and tags known words, like CoreNLP's JSON output (UTF-16 offsets)."""

    delay: float = 0.0
    requests: list[tuple[dict[str, str], str]] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    status: int = 200
    split_sentences: bool = False  # every token its own sentence
    disconnects: int = 0  # drop this many connections without an answer
    fail_on: str | None = None  # answer 500 to texts containing this

    async def handle(self, request: web.Request) -> web.Response:
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            text = (await request.read()).decode("utf-8")
            self.requests.append((json.loads(request.query["properties"]), text))
            if self.disconnects:
                self.disconnects -= 1
                assert request.transport is not None
                request.transport.close()
                return web.Response()
            if self.fail_on and self.fail_on in text:
                return web.Response(status=500, text="bad chunk")
            if self.delay:
                await asyncio.sleep(self.delay)
            if self.status != 200:
                return web.Response(status=self.status, text="boom")
            tokens = []
            for match in re.finditer(r"[^\s.,]+|[.,]", text):
                begin = utf16_len(text[: match.start()])
                tokens.append(
                    {
                        "word": match.group(),
                        "characterOffsetBegin": begin,
                        "characterOffsetEnd": begin + utf16_len(match.group()),
                        "ner": TAGS.get(match.group(), "O"),
                    }
                )
            groups = [[token] for token in tokens] if self.split_sentences else [tokens]
            return web.json_response({"sentences": [{"index": i, "tokens": g} for i, g in enumerate(groups)]})
        finally:
            self.in_flight -= 1


@pytest.fixture
async def fake() -> AsyncIterator[tuple[FakeServer, str]]:
    server = FakeServer()
    app = web.Application()
    app.router.add_post("/", server.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield server, f"http://127.0.0.1:{port}"
    await runner.cleanup()


def engine_for(url: str, **settings: object) -> CoreNLPEngine:
    return CoreNLPEngine(Settings(corenlp_url=url, **settings))  # type: ignore[arg-type]


def check_offsets(text: str, mentions: list[RawMention]) -> None:
    for mention in mentions:
        assert text[mention.start : mention.end] == mention.text


async def test_recognises_and_maps_types(fake: tuple[FakeServer, str]) -> None:
    server, url = fake
    engine = engine_for(url)
    text = "Wladimir Putin traf Kim Jong Un in Wladiwostok am Montag."
    mentions = await engine.recognise(text, "de")
    await engine.aclose()
    assert [(m.text, m.type) for m in mentions] == [
        ("Wladimir Putin", EntityType.PERSON),
        ("Kim Jong Un", EntityType.PERSON),
        ("Wladiwostok", EntityType.LOCATION),
    ]
    check_offsets(text, mentions)
    properties, sent = server.requests[0]
    assert sent == text
    assert properties["tokenize.language"] == "de"
    assert properties["annotators"] == "tokenize,ssplit,ner"
    assert properties["enforceRequirements"] == "false"


async def test_iob_begin_splits_adjacent_mentions(fake: tuple[FakeServer, str]) -> None:
    _, url = fake
    engine = engine_for(url)
    mentions = await engine.recognise("Deutsche Bank Commerzbank Siemens", "de")
    await engine.aclose()
    # B-ORG starts a new mention; IO tags of one type (ORGANIZATION after I-ORG) continue the current one
    assert [m.text for m in mentions] == ["Deutsche Bank", "Commerzbank Siemens"]


async def test_astral_characters_keep_offsets_right(fake: tuple[FakeServer, str]) -> None:
    _, url = fake
    engine = engine_for(url)
    text = "😀😀 Siemens 𝔘 Wladiwostok"
    mentions = await engine.recognise(text, "de")
    await engine.aclose()
    assert [m.text for m in mentions] == ["Siemens", "Wladiwostok"]
    check_offsets(text, mentions)


async def test_carriage_returns_and_lone_surrogates_keep_offsets(fake: tuple[FakeServer, str]) -> None:
    server, url = fake
    engine = engine_for(url)
    text = "Siemens\r\n\r\nPutin \ud800 Wladiwostok\rOlympia"
    mentions = await engine.recognise(text, "de")
    await engine.aclose()
    assert server.requests[0][1] == "Siemens \n \nPutin ? Wladiwostok\nOlympia"
    assert [m.text for m in mentions] == ["Siemens", "Putin", "Wladiwostok", "Olympia"]
    check_offsets(text, mentions)


async def test_long_text_is_chunked_and_offsets_rebased(fake: tuple[FakeServer, str]) -> None:
    server, url = fake
    engine = engine_for(url, ner_chunk_chars=200, ner_concurrency=2, ner_pack_chars=0)
    sentence = "Putin sprach mit Siemens in Wladiwostok über Olympia."
    text = "\n\n".join(" ".join([sentence] * 3) for _ in range(10))
    mentions = await engine.recognise(text, "de")
    await engine.aclose()
    assert len(server.requests) > 1
    assert all(len(sent) <= 200 for _, sent in server.requests)
    assert "".join(sent for _, sent in server.requests).replace("\n", "").replace(" ", "") == text.replace(
        "\n", ""
    ).replace(" ", "")
    assert len(mentions) == 30 * 4
    check_offsets(text, mentions)
    assert [m.start for m in mentions] == sorted(m.start for m in mentions)
    assert server.max_in_flight <= 2


async def test_requests_in_flight_are_bounded(fake: tuple[FakeServer, str]) -> None:
    server, url = fake
    server.delay = 0.05
    engine = engine_for(url, ner_concurrency=3, ner_pack_chars=0)
    await asyncio.gather(*(engine.recognise(f"Putin {i}", "en") for i in range(12)))
    await engine.aclose()
    assert len(server.requests) == 12
    assert server.max_in_flight == 3


async def test_unsupported_language_sends_nothing(fake: tuple[FakeServer, str]) -> None:
    server, url = fake
    engine = engine_for(url)
    assert not engine.supports("pl")
    assert await engine.recognise("Putin w Warszawie", "pl") == []
    assert await engine.recognise("   ", "de") == []
    await engine.aclose()
    assert server.requests == []


async def test_timeout_and_errors_raise(fake: tuple[FakeServer, str]) -> None:
    server, url = fake
    server.delay = 1.0
    engine = engine_for(url, ner_timeout_s=0.2)
    with pytest.raises(CoreNLPError, match="longer than"):
        await engine.recognise("Putin", "de")
    server.delay, server.status = 0.0, 500
    with pytest.raises(CoreNLPError, match="500"):
        await engine.recognise("Putin", "de")
    await engine.aclose()


async def test_a_dropped_connection_is_retried_once(fake: tuple[FakeServer, str]) -> None:
    server, url = fake
    server.disconnects = 1
    engine = engine_for(url)
    assert [m.text for m in await engine.recognise("Siemens", "de")] == ["Siemens"]
    server.disconnects = 2
    with pytest.raises(CoreNLPError, match="unreachable"):
        await engine.recognise("Siemens", "de")
    await engine.aclose()


async def test_one_failing_chunk_fails_the_text(fake: tuple[FakeServer, str]) -> None:
    server, url = fake
    server.fail_on = "Olympia"
    server.delay = 0.05
    engine = engine_for(url, ner_chunk_chars=200, ner_concurrency=1, ner_pack_chars=0)
    text = "\n\n".join(["Olympia in Wladiwostok."] + ["Putin sprach in Wladiwostok mit Siemens."] * 30)
    assert len(split_chunks(text, 200)) > 5
    with pytest.raises(CoreNLPError, match="500"):  # a CoreNLPError, not an ExceptionGroup
        await engine.recognise(text, "de")
    await asyncio.sleep(0.2)
    assert len(server.requests) <= 2  # the other chunks were cancelled, not sent
    await engine.aclose()


async def test_unreachable_server_raises() -> None:
    engine = engine_for("http://127.0.0.1:9")
    with pytest.raises(CoreNLPError, match="unreachable"):
        await engine.recognise("Putin", "de")
    await engine.aclose()


async def test_engine_works_across_event_loops(fake: tuple[FakeServer, str]) -> None:
    # Faust, the CLI and tests may call one engine from different event loops: each gets its own session
    _, url = fake
    engine = engine_for(url)
    assert [m.text for m in await engine.recognise("Siemens", "en")] == ["Siemens"]

    async def in_other_loop() -> list[str]:
        try:
            return [m.text for m in await engine.recognise("Putin", "en")]
        finally:
            await engine.aclose()

    assert await asyncio.to_thread(asyncio.run, in_other_loop()) == ["Putin"]
    assert [m.text for m in await engine.recognise("Siemens", "en")] == ["Siemens"]
    await engine.aclose()


def test_language_properties_and_overrides() -> None:
    de = pipeline_properties("de")
    assert de["tokenize.language"] == "de"
    assert de["ner.model"].endswith("german.distsim.crf.ser.gz")
    assert de["ner.applyNumericClassifiers"] == "false"
    en = pipeline_properties("en", {"en": {"ner.model": "custom.crf.ser.gz"}})
    assert en["ner.model"] == "custom.crf.ser.gz"
    assert pipeline_properties("nl", {"nl": {"ner.model": "dutch.crf.ser.gz"}})["ner.model"] == "dutch.crf.ser.gz"
    with pytest.raises(KeyError):
        pipeline_properties("nl")


def test_languages_come_from_settings() -> None:
    assert corenlp_languages(Settings(ner_languages=["de", "en", "pl"])) == ["de", "en"]
    assert corenlp_languages(
        Settings(ner_languages=["de", "nl"], ner_corenlp_properties={"nl": {"ner.model": "x.crf.ser.gz"}})
    ) == ["de", "nl"]
    engine = CoreNLPEngine(Settings(ner_languages=["en"]))
    assert engine.supports("en")
    assert not engine.supports("de")


def test_mentions_leave_out_edge_emoji() -> None:
    text = "🎉 Procter & Gamble 😀"
    tokens = [
        {"characterOffsetBegin": 0, "characterOffsetEnd": 2, "ner": "ORGANIZATION"},  # UTF-16: 🎉 is 2 units
        {"characterOffsetBegin": 3, "characterOffsetEnd": 10, "ner": "ORGANIZATION"},
        {"characterOffsetBegin": 11, "characterOffsetEnd": 12, "ner": "ORGANIZATION"},
        {"characterOffsetBegin": 13, "characterOffsetEnd": 19, "ner": "ORGANIZATION"},
        {"characterOffsetBegin": 20, "characterOffsetEnd": 22, "ner": "ORGANIZATION"},
    ]
    assert mentions_from_tokens(text, tokens) == [RawMention(2, 18, "Procter & Gamble", EntityType.ORGANISATION)]
    yahoo = [
        {"characterOffsetBegin": 0, "characterOffsetEnd": 5, "ner": "ORGANIZATION"},
        {"characterOffsetBegin": 5, "characterOffsetEnd": 6, "ner": "ORGANIZATION"},
    ]
    assert [m.text for m in mentions_from_tokens("Yahoo! rose", yahoo)] == ["Yahoo!"]
    assert mentions_from_tokens("😀", [{"characterOffsetBegin": 0, "characterOffsetEnd": 2, "ner": "PERSON"}]) == []


def test_mentions_do_not_run_across_paragraphs() -> None:
    text = "Berlin\r\n\r\nParis Rom"
    tokens = [
        {"characterOffsetBegin": 0, "characterOffsetEnd": 6, "ner": "LOCATION"},
        {"characterOffsetBegin": 10, "characterOffsetEnd": 15, "ner": "LOCATION"},
        {"characterOffsetBegin": 16, "characterOffsetEnd": 19, "ner": "LOCATION"},
    ]
    assert [m.text for m in mentions_from_tokens(text, tokens)] == ["Berlin", "Paris Rom"]


async def test_mentions_end_with_their_sentence(fake: tuple[FakeServer, str]) -> None:
    server, url = fake
    server.split_sentences = True
    engine = engine_for(url)
    mentions = await engine.recognise("Wladiwostok Siemens", "de")
    await engine.aclose()
    assert [m.text for m in mentions] == ["Wladiwostok", "Siemens"]


def test_mentions_from_tokens_drops_other_classes() -> None:
    text = "Merkel am Montag"
    tokens = [
        {"characterOffsetBegin": 0, "characterOffsetEnd": 6, "ner": "PERSON"},
        {"characterOffsetBegin": 7, "characterOffsetEnd": 9, "ner": "O"},
        {"characterOffsetBegin": 10, "characterOffsetEnd": 16, "ner": "DATE"},
    ]
    assert mentions_from_tokens(text, tokens) == [RawMention(0, 6, "Merkel", EntityType.PERSON)]


async def test_texts_asked_for_together_go_in_one_request(fake: tuple[FakeServer, str]) -> None:
    """Titles and bodies of a batch are packed into one request; every text gets its own mentions back, with
    offsets into itself, and no mention runs from one text into the next."""
    server, url = fake
    engine = engine_for(url, ner_pack_chars=4000, ner_concurrency=1)
    texts = ["Putin", "Wladimir Putin bei Siemens in Wladiwostok", "Kim Jong Un\n", "Deutsche Bank Commerzbank",
             "Putin"]
    found = await asyncio.gather(*(engine.recognise(text, "de") for text in texts))
    await engine.aclose()
    assert len(server.requests) == 1
    assert [[m.text for m in mentions] for mentions in found] == [
        ["Putin"], ["Wladimir Putin", "Siemens", "Wladiwostok"], ["Kim Jong Un"], ["Deutsche Bank", "Commerzbank"],
        ["Putin"]]
    for text, mentions in zip(texts, found, strict=True):
        check_offsets(text, mentions)


async def test_a_packed_request_never_exceeds_the_limit(fake: tuple[FakeServer, str]) -> None:
    server, url = fake
    engine = engine_for(url, ner_pack_chars=300, ner_chunk_chars=200)
    texts = [f"Putin sprach {i} mit Siemens in Wladiwostok über Olympia." * (1 + i % 4) for i in range(20)]
    found = await asyncio.gather(*(engine.recognise(text, "de") for text in texts))
    await engine.aclose()
    assert 1 < len(server.requests) < 20
    assert all(len(sent) <= 300 for _, sent in server.requests)
    assert [len(mentions) for mentions in found] == [4 * (1 + i % 4) for i in range(20)]


async def test_a_text_the_server_refuses_fails_alone(fake: tuple[FakeServer, str]) -> None:
    """A packed request that fails is sent again text by text: the bad text fails, the others are answered."""
    server, url = fake
    server.fail_on = "Olympia"
    engine = engine_for(url, ner_pack_chars=4000, ner_concurrency=1)
    texts = ["Putin in Wladiwostok", "Olympia", "Siemens"]
    found = await asyncio.gather(*(engine.recognise(text, "de") for text in texts), return_exceptions=True)
    await engine.aclose()
    assert [m.text for m in found[0]] == ["Putin", "Wladiwostok"]  # type: ignore[union-attr]
    assert isinstance(found[1], CoreNLPError)
    assert [m.text for m in found[2]] == ["Siemens"]  # type: ignore[union-attr]
    assert len(server.requests) == 4  # the packed one, then each text alone


async def test_a_lone_articles_texts_still_go_in_parallel(fake: tuple[FakeServer, str]) -> None:
    """Packing keeps ``ner_concurrency`` requests busy where the texts allow: a lone article's title and body are
    two requests (tagged in parallel), a batch's many short texts a few."""
    server, url = fake
    engine = engine_for(url, ner_pack_chars=8000, ner_concurrency=4)
    await asyncio.gather(engine.recognise("Putin in Wladiwostok", "de"), engine.recognise("Siemens " * 200, "de"))
    assert len(server.requests) == 2
    server.requests.clear()
    await asyncio.gather(*(engine.recognise(f"Putin sprach mit Siemens {i}.", "de") for i in range(100)))
    await engine.aclose()
    assert 4 <= len(server.requests) <= 5  # a quarter each, give or take the text that does not fit
