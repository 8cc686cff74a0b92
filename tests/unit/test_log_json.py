"""JSON logs carry the whole traceback, for structlog and for standard-library records (faust, aiokafka)."""

from __future__ import annotations

import io
import json
import logging
import sys
from collections.abc import Iterator

import pytest

from newsingest.log import configure_logging, get_logger


@pytest.fixture
def json_logging(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.StringIO]:
    """JSON logging into a buffer (the handler writes to the sys.stderr of the time it was configured)."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    buffer = io.StringIO()
    monkeypatch.setattr(sys, "stderr", buffer)
    configure_logging("INFO", "json")
    yield buffer
    root.handlers[:] = handlers
    root.setLevel(level)


def _last_json_line(buffer: io.StringIO) -> dict[str, object]:
    return dict(json.loads([line for line in buffer.getvalue().splitlines() if line.startswith("{")][-1]))


def _fail_deeply() -> None:
    raise ValueError("the article id is 0123abc")


def test_log_exception_carries_the_traceback(json_logging: io.StringIO) -> None:
    log = get_logger("newsingest.test")
    try:
        _fail_deeply()
    except ValueError:
        log.exception("could not handle file", file="inbox/a.txt")
    record = _last_json_line(json_logging)
    assert record["event"] == "could not handle file"
    assert record["file"] == "inbox/a.txt"
    assert "exc_info" not in record
    exception = str(record["exception"])
    assert exception.startswith("Traceback (most recent call last):")
    assert "_fail_deeply" in exception
    assert "ValueError: the article id is 0123abc" in exception


def test_stdlib_records_carry_the_traceback(json_logging: io.StringIO) -> None:
    try:
        {}["missing"]
    except KeyError:
        logging.getLogger("faust.agents").exception("Agent crashed")
    record = _last_json_line(json_logging)
    assert record["event"] == "Agent crashed"
    assert "Traceback (most recent call last):" in str(record["exception"])
    assert "KeyError: 'missing'" in str(record["exception"])


def test_an_exception_passed_as_exc_info_is_rendered(json_logging: io.StringIO) -> None:
    try:
        _fail_deeply()
    except ValueError as exc:
        error = exc
    get_logger("newsingest.test").error("part crashed", exc_info=(type(error), error, error.__traceback__))
    record = _last_json_line(json_logging)
    assert "_fail_deeply" in str(record["exception"])
