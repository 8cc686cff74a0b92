"""Display and lossless forms of file names; error classification; failed/ records for any name."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from aiokafka.errors import (
    KafkaConnectionError,
    KafkaTimeoutError,
    MessageSizeTooLargeError,
    NotEnoughReplicasError,
    RequestTimedOutError,
    UnknownTopicOrPartitionError,
)
from hypothesis import given
from hypothesis import strategies as st
from pydantic_core import PydanticSerializationError

from newsingest.ingest.filing import Failure, file_failed
from newsingest.ingest.formats.base import SourceFile
from newsingest.ingest.formats.registry import parse_file
from newsingest.ingest.names import display_name, is_plain, lossless_name, name_bytes, with_lossless_name
from newsingest.ingest.outage import is_broker_outage, produce_error_code
from newsingest.models import RawArticle

names = st.binary(min_size=1, max_size=64).filter(lambda b: b"/" not in b and b"\x00" not in b)


@given(names)
def test_lossless_form_round_trips_and_display_form_is_printable_utf8(raw: bytes) -> None:
    path = Path(os.fsdecode(raw))
    assert name_bytes(lossless_name(path)) == raw
    assert name_bytes(lossless_name(raw)) == raw
    shown = display_name(path)
    shown.encode("utf-8")  # never raises
    assert shown.isprintable()


def test_display_forms() -> None:
    assert display_name("plain name.txt") == "plain name.txt"
    assert display_name(b"caf\xc3\xa9.txt") == "café.txt"
    assert display_name(os.fsdecode(b"\xff\xfe.txt")) == "\\xff\\xfe.txt"
    assert display_name("two\nlines\x7f") == "two\\x0alines\\x7f"
    assert display_name("a\u2028b") == "a\\u2028b"
    assert is_plain("ok.txt")
    assert not is_plain(b"\xff.txt")


def test_an_article_from_a_non_utf8_name_serialises_with_its_lossless_name() -> None:
    raw_name = b"\xff\xfe-report.txt"
    source = SourceFile(name=display_name(raw_name), data=b"Headline\n\nSome body text of the article.\n")
    (article,) = with_lossless_name(parse_file(source), os.fsdecode(raw_name))
    back = RawArticle.model_validate_json(article.model_dump_json())
    assert back.provenance.file_name == "\\xff\\xfe-report.txt"
    assert back.provenance.file_name_b64 is not None
    assert name_bytes(back.provenance.file_name_b64) == raw_name


def test_the_failed_record_of_a_non_utf8_name_has_both_forms_and_the_file_keeps_its_bytes(tmp_path: Path) -> None:
    inbox, failed = tmp_path / "inbox", tmp_path / "failed"
    inbox.mkdir()
    raw = os.fsencode(inbox) + b"/\xff\xfe.bin"
    with open(raw, "wb") as handle:
        handle.write(b"\x00\x01")
    path = Path(os.fsdecode(raw))
    reason = f"cannot read file: {path}"  # an OS message quoting the name, surrogates and all
    target = file_failed(path, inbox, failed, Failure("read", "unreadable", reason, {"path": str(path)}))
    assert os.fsencode(target) == os.fsencode(failed) + b"/\xff\xfe.bin"
    record = json.loads(Path(os.fsdecode(os.fsencode(target) + b".error.json")).read_text(encoding="utf-8"))
    assert record["file"] == "\\xff\\xfe.bin"
    assert name_bytes(record["file_name_b64"]) == b"\xff\xfe.bin"
    assert "\\xff\\xfe.bin" in record["reason"]


@pytest.mark.parametrize(
    "exc",
    [
        KafkaConnectionError("no broker"),
        KafkaTimeoutError(),
        RequestTimedOutError(),
        NotEnoughReplicasError(),
        UnknownTopicOrPartitionError(),
        TimeoutError(),
        ConnectionResetError(),
    ],
)
def test_broker_outages_are_retried(exc: Exception) -> None:
    assert is_broker_outage(exc)


@pytest.mark.parametrize(
    ("exc", "code"),
    [
        (MessageSizeTooLargeError(), "record_too_large"),
        (PydanticSerializationError("surrogates not allowed"), "unserialisable"),
        (UnicodeEncodeError("utf-8", "\udcff", 0, 1, "surrogates not allowed"), "unserialisable"),
        (RuntimeError("bug"), "produce_error"),
    ],
)
def test_deterministic_errors_are_not_outages_and_get_a_code(exc: Exception, code: str) -> None:
    assert not is_broker_outage(exc)
    assert produce_error_code(exc) == code
