"""Dead letters: a message that cannot be decoded, enriched or indexed goes to ``news.dlq`` with the reason.

:func:`dead_letter` builds a letter; :class:`DeadLetterSink` (used by enrichment and indexing) delivers letters and
counts each in ``newsingest_dead_letters_total`` once Kafka acknowledged it, not when it was built.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Sequence

from aiokafka import AIOKafkaProducer

from newsingest.kafka.headers import message_headers
from newsingest.kafka.send import Outgoing, deliver_all
from newsingest.log import get_logger
from newsingest.metrics import DEAD_LETTERS
from newsingest.models import DeadLetter, Stage

log = get_logger(__name__)


def dead_letter(
    *,
    stage: Stage,
    error: BaseException | str,
    payload: bytes | None,
    key: bytes | None = None,
    topic: str | None = None,
    partition: int | None = None,
    offset: int | None = None,
    article_id: str | None = None,
) -> DeadLetter:
    if isinstance(error, BaseException):
        error_type, message = type(error).__name__, str(error)
    else:
        error_type, message = "Error", error
    return DeadLetter(
        stage=stage,
        error_type=error_type,
        error_message=message[:4000],
        article_id=article_id,
        source_topic=topic,
        source_partition=partition,
        source_offset=offset,
        key=key.decode("utf-8", "replace") if key is not None else None,
        payload_base64=base64.b64encode(payload or b"").decode("ascii"),
    )


def letter_key(letter: DeadLetter) -> bytes:
    return (letter.article_id or letter.key or "").encode()


def count_delivered(letter: DeadLetter) -> None:
    """Count a letter Kafka acknowledged."""
    DEAD_LETTERS.labels(letter.stage.value).inc()


class DeadLetterSink:
    """Delivers dead letters to ``news.dlq``: each is logged, sent, and counted once Kafka acknowledged it."""

    def __init__(self, producer: AIOKafkaProducer, topic: str, stop: asyncio.Event | None = None) -> None:
        self.producer, self.topic, self.stop = producer, topic, stop

    async def send(self, letters: Sequence[DeadLetter]) -> bool:
        """Send every letter and wait for all acks (retrying while Kafka is unavailable); False if stopped first."""
        if not letters:
            return True
        headers = message_headers("dead-letter")
        for letter in letters:
            log.warning("dead-lettered", stage=letter.stage.value, article_id=letter.article_id,
                        error=f"{letter.error_type}: {letter.error_message[:200]}")
        outgoing = [Outgoing(letter_key(letter), letter.model_dump_json().encode(), headers) for letter in letters]
        if not await deliver_all(self.producer, self.topic, outgoing, what=f"send to {self.topic}", stop=self.stop):
            return False
        for letter in letters:
            count_delivered(letter)
        return True
