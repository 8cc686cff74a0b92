"""Sending a batch of messages with one producer: send all, then wait for all acks; retry what failed.

A message is done only when Kafka acknowledged it (acks=all). Messages that failed (the broker unavailable, a
timeout) are sent again after the one backoff policy's delay until acknowledged or ``stop`` is set: duplicates
are possible after a retry (the consumers are idempotent by article id), losses are not.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from typing import Any, NamedTuple

from aiokafka import AIOKafkaProducer

from newsingest.backoff import backoff_delay
from newsingest.kafka.headers import Headers
from newsingest.log import get_logger

log = get_logger(__name__)

RETRY_MAX_S = 30.0


class Outgoing(NamedTuple):
    key: bytes
    value: bytes
    headers: Headers


async def send_all(producer: AIOKafkaProducer, topic: str, messages: Sequence[Outgoing]) -> list[BaseException | None]:
    """Hand every message to the producer's batches, then wait for all acks; per message None or its error."""
    futures: list[asyncio.Future[Any] | BaseException] = []
    for message in messages:
        try:
            futures.append(await producer.send(topic, key=message.key, value=message.value, headers=message.headers))
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            futures.append(exc)
    waiting = [future for future in futures if not isinstance(future, BaseException)]
    if waiting:
        await asyncio.wait(waiting)
    return [future if isinstance(future, BaseException) else future.exception() for future in futures]


async def deliver_all(producer: AIOKafkaProducer, topic: str, messages: Sequence[Outgoing], *, what: str,
                      stop: asyncio.Event | None = None) -> bool:
    """Every message acknowledged (True), retrying the failed ones with backoff; False if ``stop`` was set first."""
    pending = list(messages)
    attempt = 0
    while pending:
        errors = await send_all(producer, topic, pending)
        failed = [message for message, error in zip(pending, errors, strict=True) if error is not None]
        if not failed:
            return True
        attempt += 1
        error = next(error for error in errors if error is not None)
        delay = backoff_delay(attempt, cap_s=RETRY_MAX_S)
        log.warning("failed; retrying", what=what, messages=len(failed), attempt=attempt, retry_in_s=delay,
                    error=f"{type(error).__name__}: {error}")
        if stop is None:
            await asyncio.sleep(delay)
        else:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=delay)
            if stop.is_set():
                return False
        pending = failed
    return True
