"""Named entities from a Stanford CoreNLP server (CRF models for German and English).

CoreNLP is GPL-3.0 and runs as a separate server process (``newsingest stack`` starts one); this module only
talks HTTP to it. Each request carries its pipeline properties, so one server serves every language (the server
keeps the loaded classifiers in a global cache and rebuilds only the light pipeline object when the language changes).
"""

from __future__ import annotations

import asyncio
import json
import re
import unicodedata
import weakref
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import aiohttp
import orjson

from newsingest.config import Settings
from newsingest.enrich.ner.base import EntityType, RawMention, entity_type, split_chunks, split_tag, utf16_to_index
from newsingest.enrich.ner.request_packing import RequestPacker
from newsingest.log import get_logger

log = get_logger(__name__)

# Only what NER needs: no POS, lemmas, SUTime, numeric or fine-grained classifiers or regexner. Mentions are built
# here from the token tags; CoreNLP's entity mentions are asked for only for their ``nerConfidences`` (the CRF's
# probability of the mention's type; no extra server CPU measured, docs/ner.md "Round 3").
# ``enforceRequirements=false`` stops the server from adding the POS tagger and lemmatiser in front of ``ner``
# (the CRF classifiers do not use them: same F1, 4-10x faster). ``ssplit.newlineIsSentenceBreak=two``: paragraphs
# end sentences.
_COMMON: dict[str, str] = {
    "annotators": "tokenize,ssplit,ner",
    "enforceRequirements": "false",
    "outputFormat": "json",
    "ssplit.newlineIsSentenceBreak": "two",
    "ner.applyNumericClassifiers": "false",
    "ner.useSUTime": "false",
    "ner.applyFineGrained": "false",
    "ner.buildEntityMentions": "true",
    "ner.fine.regexner.mapping": "",
    "ner.additionalTokensRegexRules": "",
    "ner.docdate.usePresent": "false",
}

# Per language: the tokenizer and the CRF classifier (chosen by measurement, docs/ner.md). The models ship in the
# stanford-corenlp ``models`` / ``models-<language>`` jars. ``settings.ner_corenlp_properties`` overrides these.
LANGUAGE_PROPERTIES: dict[str, dict[str, str]] = {
    "en": {
        "tokenize.language": "en",
        "ner.model": "edu/stanford/nlp/models/ner/english.conll.4class.distsim.crf.ser.gz",
    },
    "de": {
        "tokenize.language": "de",
        "tokenize.postProcessor": "edu.stanford.nlp.international.german.process.GermanTokenizerPostProcessor",
        "ner.model": "edu/stanford/nlp/models/ner/german.distsim.crf.ser.gz",
    },
    "fr": {
        "tokenize.language": "fr",
        "ner.model": "edu/stanford/nlp/models/ner/french-wikiner-4class.crf.ser.gz",
    },
    "es": {
        "tokenize.language": "es",
        "ner.model": "edu/stanford/nlp/models/ner/spanish.ancora.distsim.s512.crf.ser.gz",
    },
}


class CoreNLPError(RuntimeError):
    """The CoreNLP server did not answer, answered with an error, or took longer than ``ner_timeout_s``."""


def pipeline_properties(language: str, overrides: Mapping[str, Mapping[str, str]] | None = None) -> dict[str, str]:
    """The properties sent with every request for ``language``: the built-in ones, then ``overrides[language]``.
    KeyError for a language with neither."""
    extra = dict((overrides or {}).get(language, {}))
    if language not in LANGUAGE_PROPERTIES and "ner.model" not in extra:
        raise KeyError(language)
    return {**_COMMON, **LANGUAGE_PROPERTIES.get(language, {}), **extra}


def corenlp_languages(settings: Settings) -> list[str]:
    """The languages of ``settings.ner_languages`` that have a CoreNLP model (built in or configured)."""
    configured = {lang for lang, props in settings.ner_corenlp_properties.items() if "ner.model" in props}
    return [lang for lang in settings.ner_languages if lang in LANGUAGE_PROPERTIES or lang in configured]


def mentions_from_tokens(
    text: str, tokens: Iterable[Mapping[str, Any]], entity_mentions: Iterable[Mapping[str, Any]] = ()
) -> list[RawMention]:
    """Turn CoreNLP's tagged tokens into mentions of ``text``.

    Adjacent tokens of one type form one mention (IO tags, as the CoreNLP models produce) unless a token's tag
    starts a new one (``B-``/``S-``, as IOB models produce); a mention never runs across a paragraph break.
    Call it once per sentence: mentions end with their sentence. Tokens made only of emoji or other pictographs at
    the edges of a mention are not part of it. Offsets come as UTF-16 code units and are converted to ``str``
    indices. A mention's confidence is the lowest ``nerConfidences`` of CoreNLP's ``entity_mentions`` (same
    sentence) that overlap it, 1.0 where none does.
    """
    to_index = utf16_to_index(text)
    confidences = _confidences(entity_mentions, to_index)
    mentions: list[RawMention] = []
    spans: list[tuple[int, int]] = []  # the current mention's tokens
    kind: EntityType | None = None

    def close() -> None:
        while spans and not _has_word(text, *spans[-1]):
            spans.pop()
        while spans and not _has_word(text, *spans[0]):
            spans.pop(0)
        if spans and kind is not None:
            start, end = spans[0][0], spans[-1][1]
            sure = [c for s, e, c in confidences if s < end and start < e]
            mentions.append(RawMention(start, end, text[start:end], kind, min(sure, default=1.0)))
        spans.clear()

    for token in tokens:
        tag = str(token.get("ner") or "O")
        token_kind = entity_type(tag)
        if token_kind is None:
            close()
            kind = None
            continue
        begin, end = int(token["characterOffsetBegin"]), int(token["characterOffsetEnd"])
        if to_index is not None:
            begin, end = to_index[begin], to_index[end]
        if (
            token_kind != kind
            or split_tag(tag)[0] in ("B", "S")
            or (spans and _paragraph_break(text, spans[-1][1], begin))
        ):
            close()
            kind = token_kind
        spans.append((begin, end))
    close()
    return mentions


def _confidences(
    entity_mentions: Iterable[Mapping[str, Any]], to_index: list[int] | None
) -> list[tuple[int, int, float]]:
    """(start, end, confidence) of CoreNLP's entity mentions: the probability of the type it gave the mention."""
    found = []
    for em in entity_mentions:
        scores = em.get("nerConfidences")
        if not isinstance(scores, Mapping) or not scores:
            continue
        try:
            begin, end = int(em["characterOffsetBegin"]), int(em["characterOffsetEnd"])
            confidence = float(scores.get(em.get("ner"), max(scores.values())))
        except (KeyError, TypeError, ValueError):
            continue
        if to_index is not None:
            if not (0 <= begin <= end < len(to_index)):
                continue
            begin, end = to_index[begin], to_index[end]
        found.append((begin, end, min(max(confidence, 0.0), 1.0)))
    return found


# Emoji, pictographs, modifiers, joiners: tokens made only of these never end a name ("Yahoo!" and "$" may).
_LINE_BREAK = re.compile(r"\r\n|\r|\n|\u2029")
_DECORATION = frozenset({"So", "Sk", "Cf", "Mn", "Me", "Co", "Cn", "Cs"})


def _payload(text: str) -> bytes:
    """The request body. Same length as ``text``, so offsets hold: CR LF -> space LF and CR -> LF (CoreNLP ends
    sentences at blank lines of LF only); a lone surrogate becomes "?"."""
    return text.replace("\r\n", " \n").replace("\r", "\n").encode("utf-8", "replace")


def _paragraph_break(text: str, start: int, end: int) -> bool:
    return len(_LINE_BREAK.findall(text, start, end)) >= 2


def _has_word(text: str, start: int, end: int) -> bool:
    return not all(unicodedata.category(char) in _DECORATION for char in text[start:end])


class CoreNLPEngine:
    """:class:`~newsingest.enrich.ner.base.NerEngine` backed by a CoreNLP server over HTTP.

    Long texts are sent in chunks of at most ``ner_chunk_chars``; texts and chunks asked for together are packed
    into requests of up to ``ner_pack_chars`` (``request_packing.py``); at most ``ner_concurrency`` requests are in
    flight (per event loop); each request is limited to ``ner_timeout_s``.
    """

    name = "corenlp"

    def __init__(
        self,
        settings: Settings,
        *,
        url: str | None = None,
        languages: Sequence[str] | None = None,
    ) -> None:
        self.url = (url or settings.corenlp_server).rstrip("/") + "/"
        available = corenlp_languages(settings)
        self.languages = frozenset(
            available if languages is None else [lang for lang in languages if lang in available]
        )
        self.chunk_chars = settings.ner_chunk_chars
        self.concurrency = settings.ner_concurrency
        self.timeout_s = settings.ner_timeout_s
        pack = settings.ner_pack_chars
        self._packer = RequestPacker(self._recognise_chunk, pack, spread=self.concurrency) if pack else None
        self._params = {
            lang: {"properties": json.dumps(pipeline_properties(lang, settings.ner_corenlp_properties))}
            for lang in self.languages
        }
        # aiohttp sessions and asyncio semaphores belong to the event loop they were made in
        self._clients: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, tuple[aiohttp.ClientSession, asyncio.Semaphore]
        ] = weakref.WeakKeyDictionary()

    def supports(self, language: str) -> bool:
        return language in self.languages

    async def recognise(self, text: str, language: str) -> list[RawMention]:
        if not self.supports(language) or not text.strip():
            return []
        chunks = split_chunks(text, self.chunk_chars)
        send = self._recognise_chunk if self._packer is None else self._packer.recognise
        tasks = [asyncio.ensure_future(send(chunk.text, language)) for chunk in chunks]
        try:
            results = await asyncio.gather(*tasks)
        except BaseException as exc:
            for task in tasks:  # one chunk failed: the others are not worth waiting for
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            if isinstance(exc, CoreNLPError):
                log.warning("ner.corenlp.failed", url=self.url, language=language, chars=len(text), error=str(exc))
            raise
        mentions: list[RawMention] = []
        for chunk, found in zip(chunks, results, strict=True):
            mentions.extend(
                RawMention(m.start + chunk.start, m.end + chunk.start, m.text, m.type, m.confidence) for m in found
            )
        return mentions

    async def _recognise_chunk(self, text: str, language: str) -> list[RawMention]:
        body = await self._post(text, language)
        try:
            document = orjson.loads(body)
        except ValueError as exc:
            raise CoreNLPError(f"CoreNLP at {self.url} sent no JSON: {body[:200]!r}") from exc
        mentions: list[RawMention] = []
        for sentence in document.get("sentences", []):
            mentions.extend(
                mentions_from_tokens(text, sentence.get("tokens", []), sentence.get("entitymentions", ()))
            )
        return mentions

    async def _post(self, text: str, language: str) -> bytes:
        """POST one chunk; one retry when a kept-alive connection was closed under us (requests are idempotent)."""
        session, semaphore = self._client()
        async with semaphore:
            for attempt in (1, 2):
                try:
                    async with session.post(
                        self.url,
                        params=self._params[language],
                        data=_payload(text),
                        headers={"Content-Type": "text/plain; charset=utf-8"},
                        timeout=aiohttp.ClientTimeout(total=self.timeout_s),
                    ) as response:
                        body = await response.read()
                        if response.status != 200:
                            detail = body[:300].decode("utf-8", "replace")
                            raise CoreNLPError(f"CoreNLP at {self.url} answered {response.status}: {detail}")
                        return body
                except TimeoutError as exc:
                    raise CoreNLPError(
                        f"CoreNLP at {self.url} took longer than {self.timeout_s}s for {len(text)} chars"
                    ) from exc
                except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError) as exc:
                    if attempt == 1:
                        log.debug("ner.corenlp.retry", url=self.url, error=str(exc))
                        continue
                    raise CoreNLPError(f"CoreNLP at {self.url} unreachable: {exc}") from exc
                except aiohttp.ClientError as exc:
                    raise CoreNLPError(f"CoreNLP at {self.url} unreachable: {exc}") from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _client(self) -> tuple[aiohttp.ClientSession, asyncio.Semaphore]:
        """Session and semaphore of the running event loop."""
        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None or client[0].closed:
            session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=self.concurrency))
            client = (session, asyncio.Semaphore(self.concurrency))
            self._clients[loop] = client
        return client

    async def aclose(self) -> None:
        """Close the session of the running event loop (those of other loops close with their loop)."""
        client = self._clients.pop(asyncio.get_running_loop(), None)
        if client is not None and not client[0].closed:
            await client[0].close()
