"""Texts that wait for the NER server at the same moment go to it in one request.

A CoreNLP request has a fixed cost on the server besides the tagging itself (the HTTP exchange, setting up the
annotation pipeline, the JSON answer): about a millisecond of its CPU, as much as tagging a short paragraph. Each
article used to cost at least two requests (title and body, and with model voting one or two more for the
windows to vote on), so the fixed cost was a large share of the server's work per article (docs/ner.md, "Round
10"). The enrichment asks for all articles of a batch at once, so many texts wait together.

:class:`RequestPacker` collects the texts asked for in one turn of the event loop, per language, and sends them
joined by a blank line, up to ``max_chars`` per request, and in at least ``spread`` requests where the texts
allow it (the requests a worker keeps in flight): a lone article's title and body still go as two requests that
the server tags in parallel, while a batch's hundreds of texts go as a few dozen full ones.

A blank line ends a sentence on the server (``ssplit.newlineIsSentenceBreak=two``) and a mention never runs
across one, so each text is tagged exactly as if it had been sent alone; the mentions go back to their texts by
offset. When a packed request fails, every text in it is sent again alone, so one text the server cannot take
fails alone and the others still get their answer.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from newsingest.enrich.ner.base import RawMention

SEPARATOR = "\n\n"

Send = Callable[[str, str], Awaitable[list[RawMention]]]


@dataclass(frozen=True)
class _Waiting:
    text: str
    future: asyncio.Future[list[RawMention]]


def pack(lengths: Sequence[int], max_chars: int) -> list[list[int]]:
    """Indices of consecutive texts grouped so that each group joined by :data:`SEPARATOR` stays within
    ``max_chars`` (a longer text makes a group of its own)."""
    groups: list[list[int]] = []
    size = 0
    for i, length in enumerate(lengths):
        if groups and size + len(SEPARATOR) + length <= max_chars:
            groups[-1].append(i)
            size += len(SEPARATOR) + length
        else:
            groups.append([i])
            size = length
    return groups


def unpack(mentions: Sequence[RawMention], lengths: Sequence[int]) -> list[list[RawMention]]:
    """The mentions of a packed text, per original text, with offsets into that text."""
    result: list[list[RawMention]] = [[] for _ in lengths]
    bases = []
    base = 0
    for length in lengths:
        bases.append(base)
        base += length + len(SEPARATOR)
    for m in mentions:
        for i, (start, length) in enumerate(zip(bases, lengths, strict=True)):
            if start <= m.start and m.end <= start + length:
                result[i].append(RawMention(m.start - start, m.end - start, m.text, m.type, m.confidence))
                break
    return result


class RequestPacker:
    """Packs the texts waiting in one turn of the event loop into requests of at most ``max_chars``.

    ``send(text, language)`` makes one request and returns the mentions of ``text``."""

    def __init__(self, send: Send, max_chars: int, spread: int = 1) -> None:
        self._send = send
        self.max_chars = max_chars
        self.spread = max(1, spread)
        self._waiting: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, list[_Waiting]]] = (
            weakref.WeakKeyDictionary()
        )
        self._tasks: set[asyncio.Task[None]] = set()

    async def recognise(self, text: str, language: str) -> list[RawMention]:
        loop = asyncio.get_running_loop()
        queues = self._waiting.setdefault(loop, {})
        queue = queues.setdefault(language, [])
        if not queue:
            loop.call_soon(self._flush, loop, language)  # after the texts asked for in this turn
        future: asyncio.Future[list[RawMention]] = loop.create_future()
        queue.append(_Waiting(text, future))
        return await future

    def _flush(self, loop: asyncio.AbstractEventLoop, language: str) -> None:
        waiting = [w for w in self._waiting.get(loop, {}).pop(language, []) if not w.future.done()]
        lengths = [len(w.text) for w in waiting]
        joined = sum(lengths) + len(SEPARATOR) * (len(lengths) - 1)
        limit = min(self.max_chars, -(-joined // self.spread))  # about ``spread`` requests at least, where possible
        for group in pack(lengths, limit):
            task = loop.create_task(self._run([waiting[i] for i in group], language))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _run(self, group: list[_Waiting], language: str) -> None:
        try:
            if len(group) == 1:
                await self._alone(group[0], language)
                return
            try:
                found = await self._send(SEPARATOR.join(w.text for w in group), language)
            except Exception:  # one of the texts may be what the server cannot take: each alone, apart
                await asyncio.gather(*(self._alone(w, language) for w in group))
                return
            for w, mentions in zip(group, unpack(found, [len(w.text) for w in group]), strict=True):
                if not w.future.done():
                    w.future.set_result(mentions)
        finally:
            for w in group:  # cancelled before an answer (the worker stops): nobody waits forever
                if not w.future.done():
                    w.future.cancel()

    async def _alone(self, waiting: _Waiting, language: str) -> None:
        try:
            mentions = await self._send(waiting.text, language)
        except Exception as exc:
            if not waiting.future.done():
                waiting.future.set_exception(exc)
        else:
            if not waiting.future.done():
                waiting.future.set_result(mentions)
