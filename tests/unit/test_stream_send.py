"""The in-order sender of streamed files: acknowledgements settle strictly in file order.

The producer here is a recording stand-in whose futures the test resolves in any order it likes (a unit test
of the ordering logic; the real broker path is covered by tests/integration/test_large_files.py).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from aiokafka.errors import KafkaTimeoutError, MessageSizeTooLargeError

from newsingest.ingest.formats.base import MalformedDocument
from newsingest.ingest.formats.stream_base import START, StreamItem
from newsingest.ingest.stream_send import BrokerUnavailable, InOrderSender, Tally, decoded_payload
from newsingest.models import DeadLetter, RawArticle


class RecordingProducer:
    """Hands out one unresolved future per message and remembers what was sent."""

    def __init__(self, refuse_at_enqueue: set[bytes] | None = None) -> None:
        self.articles: list[tuple[bytes, asyncio.Future[Any]]] = []
        self.letters: list[tuple[DeadLetter, asyncio.Future[Any]]] = []
        self.refuse_at_enqueue = refuse_at_enqueue or set()

    async def enqueue_article(self, key: bytes, value: bytes) -> asyncio.Future[Any]:
        if key in self.refuse_at_enqueue:
            raise MessageSizeTooLargeError("too large")
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.articles.append((key, future))
        return future

    async def enqueue_dead_letter(self, letter: DeadLetter) -> asyncio.Future[Any]:
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.letters.append((letter, future))
        return future


def _article(n: int) -> RawArticle:
    return RawArticle.model_validate({
        "article_id": f"{n:064x}", "title": f"Title {n}", "body": f"Body of article {n}.",
        "provenance": {"file_name": "feed.jsonl", "file_sha256": "0" * 64, "file_size": 10, "format": "jsonl",
                       "media_type": "application/x-ndjson", "encoding": "utf-8", "index_in_file": n},
    })


def _item(n: int) -> tuple[StreamItem, bytes]:
    article = _article(n)
    return StreamItem(n, (n + 1) * 100, article, line=n + 1, lines=n + 1), article.model_dump_json().encode()


def _sender(producer: RecordingProducer, window: int = 8) -> InOrderSender:
    return InOrderSender(producer, window=window, file="feed.jsonl", tally=Tally(position=START))  # type: ignore[arg-type]


async def test_out_of_order_acks_settle_only_the_acknowledged_prefix() -> None:
    producer = RecordingProducer()
    sender = _sender(producer)
    for n in range(4):
        await sender.send(*_item(n))
    for index in (3, 1, 2):  # the first message is still unacknowledged
        producer.articles[index][1].set_result(None)
    await sender.settle(keep=sender.window)
    assert sender.tally.articles == 0
    assert sender.tally.position == START
    producer.articles[0][1].set_result(None)
    await sender.drain()
    assert sender.tally.articles == 4
    assert sender.tally.position.offset == 400
    assert sender.tally.position.index == 4


async def test_window_bounds_the_messages_in_flight() -> None:
    producer = RecordingProducer()
    sender = _sender(producer, window=2)
    await sender.send(*_item(0))
    await sender.send(*_item(1))
    third = asyncio.create_task(sender.send(*_item(2)))
    await asyncio.sleep(0.01)
    assert not third.done()  # three in flight would exceed the window: it waits for the oldest
    producer.articles[0][1].set_result(None)
    await asyncio.wait_for(third, 1)
    assert len(sender) == 2
    assert sender.tally.articles == 1


async def test_a_bad_item_becomes_a_dead_letter_in_its_place() -> None:
    producer = RecordingProducer()
    sender = _sender(producer)
    await sender.send(*_item(0))
    bad = StreamItem(1, 250, MalformedDocument("line 2: not JSON"), raw=b"{oops", line=2, lines=2)
    await sender.send(bad, None)
    await sender.send(*_item(2))
    (letter, letter_future), = producer.letters
    assert decoded_payload(letter) == b"{oops"
    assert "line 2" in letter.error_message
    assert letter.stage.value == "parse"
    for _, future in producer.articles:
        future.set_result(None)
    await sender.settle(keep=sender.window)
    assert sender.tally.articles == 1  # the dead letter is not acknowledged yet: item 2 waits behind it
    letter_future.set_result(None)
    await sender.drain()
    assert (sender.tally.articles, sender.tally.dead_letters) == (2, 1)
    assert sender.tally.first_errors[0].reason == "line 2: not JSON"


async def test_an_article_kafka_refuses_for_good_is_dead_lettered() -> None:
    first, value = _item(0)
    assert isinstance(first.result, RawArticle)
    producer = RecordingProducer(refuse_at_enqueue={first.result.article_id.encode()})
    sender = _sender(producer)
    await sender.send(first, value)
    later, later_value = _item(1)
    await sender.send(later, later_value)
    producer.articles[0][1].set_exception(MessageSizeTooLargeError("too large for the broker"))  # refused on ack
    producer.letters[0][1].set_result(None)
    await asyncio.sleep(0)
    await sender.settle(keep=sender.window)
    assert len(producer.letters) == 2  # refused when queued, and refused when acknowledged
    for letter, future in producer.letters:
        assert letter.error_type == "article_refused"
        assert json.loads(decoded_payload(letter))["article_id"] in {f"{0:064x}", f"{1:064x}"}
        if not future.done():
            future.set_result(None)
    await sender.drain()
    assert (sender.tally.articles, sender.tally.dead_letters) == (0, 2)
    assert sender.tally.position.index == 2


async def test_any_other_send_error_is_a_broker_outage_and_keeps_the_position() -> None:
    producer = RecordingProducer()
    sender = _sender(producer)
    await sender.send(*_item(0))
    await sender.send(*_item(1))
    producer.articles[0][1].set_result(None)
    producer.articles[1][1].set_exception(KafkaTimeoutError())
    with pytest.raises(BrokerUnavailable):
        await sender.drain()
    assert sender.tally.articles == 1
    assert sender.tally.position.index == 1
