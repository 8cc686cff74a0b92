"""Which errors mean "the broker is unavailable, try again later" and which are deterministic.

Only an outage is worth waiting for: a file whose articles cannot be serialised, fail validation or are too
large for the broker would fail the same way on every retry, so it goes to ``failed/`` at once. The test is
aiokafka's own ``retriable`` flag (connection lost, request timed out, not enough replicas, no leader, ...)
plus the few non-retriable-flagged errors that still only say "no broker reached in time".
"""

from __future__ import annotations

from aiokafka.errors import (
    BrokerNotAvailableError,
    KafkaError,
    KafkaTimeoutError,
    KafkaUnavailableError,
    ProducerClosed,
    ReplicaNotAvailableError,
)

_OUTAGE_TYPES: tuple[type[BaseException], ...] = (
    BrokerNotAvailableError,
    KafkaTimeoutError,
    KafkaUnavailableError,
    ProducerClosed,  # the producer was stopped (shutdown): the file stays and is produced after the restart
    ReplicaNotAvailableError,
    TimeoutError,
    ConnectionError,
)


def is_broker_outage(exc: BaseException) -> bool:
    """True when ``exc`` (raised while producing) means the broker could not be reached or could not accept."""
    if isinstance(exc, _OUTAGE_TYPES):
        return True
    return isinstance(exc, KafkaError) and bool(getattr(exc, "retriable", False))


def describe(exc: BaseException) -> str:
    """``Type: message`` (the message may be empty)."""
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def produce_error_code(exc: BaseException) -> str:
    """The ``failed/`` code of a deterministic error raised while producing a file's articles."""
    kind = type(exc).__name__
    if kind in ("MessageSizeTooLargeError", "RecordTooLargeError", "RecordListTooLargeError"):
        return "record_too_large"
    if isinstance(exc, UnicodeError | ValueError | TypeError):  # incl. pydantic's serialisation errors
        return "unserialisable"
    return "produce_error"
