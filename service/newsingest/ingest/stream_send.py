"""Sending a streamed file's items with many sends in flight, acknowledged strictly in file order.

Each item becomes one message: its article on ``news.raw``, or a dead letter on ``news.dlq`` (stage parse,
the item's bytes, where it was and why). Up to ``window`` messages are in flight; the settled prefix of the
file (every item up to there acknowledged) advances ``tally.position``, which is what a checkpoint may store.
An article Kafka refuses for good (too large) is dead-lettered instead; any other send error is a broker
problem and is raised as ``BrokerUnavailable`` (the caller keeps its checkpoint and retries later).
"""

from __future__ import annotations

import asyncio
import base64
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiokafka.errors import MessageSizeTooLargeError, RecordListTooLargeError, RecordTooLargeError

from newsingest.ingest.formats.base import ParseError
from newsingest.ingest.formats.stream_base import StreamItem, StreamPosition, bounded
from newsingest.ingest.producer import ArticleProducer
from newsingest.kafka.dlq import dead_letter
from newsingest.metrics import ARTICLES_PRODUCED
from newsingest.models import DeadLetter, Stage

REFUSED_FOR_GOOD = (MessageSizeTooLargeError, RecordTooLargeError, RecordListTooLargeError)


class ArticleRefused(ParseError):
    code = "article_refused"


class BrokerUnavailable(Exception):
    """Kafka did not acknowledge a message (outage, timeout): retry the file later from its checkpoint."""


@dataclass(slots=True)
class _Sent:
    item: StreamItem
    future: asyncio.Future[Any] | None  # None: nothing was sent (an item that is no article)
    value: bytes | None = None  # the article's JSON while in flight, to dead-letter it if Kafka refuses it


@dataclass
class Tally:
    """What is settled (acknowledged in file order) so far."""

    position: StreamPosition
    articles: int = 0
    dead_letters: int = 0
    first_errors: list[ParseError] = field(default_factory=list)


def item_dead_letter(item: StreamItem, error: ParseError, file: str) -> DeadLetter:
    """The dead letter of one bad item: its bytes, its place in the file and the reason."""
    where = f"item {item.index}" + (f", line {item.line}" if item.line is not None else "")
    letter = dead_letter(stage=Stage.PARSE, error=f"{file}: {where}: {error.reason}", payload=item.raw,
                         key=file.encode("utf-8", "surrogateescape"))
    return letter.model_copy(update={"error_type": error.code})


class InOrderSender:
    def __init__(self, producer: ArticleProducer, *, window: int, file: str, tally: Tally) -> None:
        self.producer = producer
        self.window = window
        self.file = file
        self.tally = tally
        self._in_flight: deque[_Sent] = deque()

    def __len__(self) -> int:
        return len(self._in_flight)

    async def send(self, item: StreamItem, value: bytes | None) -> None:
        """Queue the item's message (``value``: the article's JSON) and settle whatever is acknowledged."""
        result = item.result
        if isinstance(result, ParseError):
            sent = _Sent(item, await self._dead_letter(item, result))
        elif result is None:
            sent = _Sent(item, None)
        else:
            assert value is not None
            try:
                future = await self.producer.enqueue_article(result.article_id.encode(), value)
            except REFUSED_FOR_GOOD as exc:  # the dead letter carries the article's JSON, as when refused on ack
                item = StreamItem(item.index, item.end, None, bounded(value), item.line, item.lines)
                sent = _Sent(item, await self._refused(item, exc))
            except Exception as exc:  # the client's buffer stayed full (broker down) or it is closing
                raise BrokerUnavailable(f"{type(exc).__name__}: {exc}") from exc
            else:
                sent = _Sent(item, future, value)
        self._in_flight.append(sent)
        await self.settle(keep=self.window)

    async def _dead_letter(self, item: StreamItem, error: ParseError) -> asyncio.Future[Any]:
        if len(self.tally.first_errors) < 20:
            self.tally.first_errors.append(error)
        try:
            return await self.producer.enqueue_dead_letter(item_dead_letter(item, error, self.file))
        except Exception as exc:
            raise BrokerUnavailable(f"{type(exc).__name__}: {exc}") from exc

    async def _refused(self, item: StreamItem, exc: BaseException) -> asyncio.Future[Any]:
        error = ArticleRefused(f"Kafka refused the article: {type(exc).__name__}: {exc}", index_in_file=item.index)
        return await self._dead_letter(item, error)

    async def settle(self, *, keep: int) -> None:
        """Settle acknowledged messages in order; wait for the oldest while more than ``keep`` are in flight."""
        while self._in_flight:
            first = self._in_flight[0]
            if first.future is not None and not first.future.done():
                if len(self._in_flight) <= keep:
                    return
                await asyncio.wait([first.future])
                continue
            self._in_flight.popleft()
            exc = first.future.exception() if first.future is not None else None
            if exc is None:
                self._count(first)
            elif isinstance(exc, REFUSED_FOR_GOOD) and first.value is not None:
                item = StreamItem(first.item.index, first.item.end, None, bounded(first.value), first.item.line,
                                  first.item.lines)
                self._in_flight.appendleft(_Sent(item, await self._refused(item, exc)))
            else:
                raise BrokerUnavailable(f"{type(exc).__name__}: {exc}") from exc

    def _count(self, sent: _Sent) -> None:
        if sent.future is not None:
            if sent.value is not None:
                self.tally.articles += 1
                ARTICLES_PRODUCED.inc()
            else:
                self.tally.dead_letters += 1
        self.tally.position = sent.item.position

    async def drain(self) -> None:
        await self.settle(keep=0)


def decoded_payload(letter: DeadLetter) -> bytes:
    """The item bytes a dead letter carries (for tests and tools)."""
    return base64.b64decode(letter.payload_base64)
