"""The pure parts of `newsingest reenrich`: scope, the raw scan's bookkeeping, progress, --since, topic config."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import click
import orjson
import pytest

from newsingest.cli.reenrich import parse_since
from newsingest.config import Settings
from newsingest.index.reenrich_progress import ProgressMeter, duration
from newsingest.index.reenrich_scan import RawScan, _note, in_scope, parse_time, scope_query
from newsingest.kafka.topics import raw_topic_config, topic_specs

SINCE = datetime(2026, 1, 1, tzinfo=UTC)
BEFORE = SINCE - timedelta(days=1)


def _value(article_id: str, published: datetime | None, received: datetime) -> bytes:
    return orjson.dumps({"article_id": article_id, "published_at": published.isoformat() if published else None,
                         "provenance": {"received_at": received.isoformat()}})


@pytest.mark.parametrize(("published", "received", "expected"), [
    (SINCE, BEFORE, True), (BEFORE, SINCE, True), (None, SINCE, True), (BEFORE, BEFORE, False), (None, BEFORE, False),
])  # fmt: skip
def test_scope_is_published_or_ingested_since(published: datetime | None, received: datetime,
                                              expected: bool) -> None:
    assert in_scope(published, received, SINCE) is expected
    assert in_scope(published, received, None) is True


def test_scan_keeps_the_latest_version_and_forgets_tombstoned_articles() -> None:
    scan = RawScan(begin={}, end={})
    _note(scan, b"a", _value("a", BEFORE, BEFORE), (0, 0), SINCE)
    _note(scan, b"b", _value("b", SINCE, SINCE), (1, 0), SINCE)
    _note(scan, b"a", _value("a", SINCE, SINCE), (0, 1), SINCE)  # a newer version of a, now in scope
    _note(scan, b"c", _value("c", SINCE, SINCE), (2, 0), SINCE)
    _note(scan, b"c", None, (2, 1), SINCE)  # tombstone
    _note(scan, b"d", b"{not json", (2, 2), SINCE)
    scan.freeze()
    assert (scan.records, scan.tombstones, scan.unreadable, scan.articles, scan.in_scope) == (6, 1, 1, 2, 2)
    assert scan.replays(0, 1)
    assert not scan.replays(0, 0)  # the older version of a is never enriched
    assert not scan.replays(2, 0)
    assert list(scan.latest) == ["b", "a"]  # in the order of their latest versions


def test_an_out_of_scope_latest_version_is_not_replayed() -> None:
    scan = RawScan(begin={}, end={})
    _note(scan, b"a", _value("a", BEFORE, BEFORE), (0, 0), SINCE)
    scan.freeze()
    assert scan.articles == 1
    assert scan.in_scope == 0
    assert not scan.replays(0, 0)


def test_naive_times_are_utc_and_garbage_is_none() -> None:
    assert parse_time("2026-01-01T00:00:00") == SINCE
    assert parse_time("2026-01-01T01:00:00+01:00") == SINCE
    assert parse_time("yesterday") is None
    assert parse_time(None) is None


def test_scope_query_matches_the_same_rule_on_indexed_dates() -> None:
    assert scope_query(None) == {"match_all": {}}
    should = scope_query(SINCE)["bool"]["should"]
    assert {next(iter(c["range"])) for c in should} == {"date", "ingested_at"}


def test_since_option() -> None:
    assert parse_since("2026-01-01") == SINCE
    assert parse_since("2026-01-01T02:00:00+02:00") == SINCE
    assert parse_since(None) is None
    with pytest.raises(click.BadParameter):
        parse_since("last week")


def test_progress_reports_rate_and_eta() -> None:
    now = [100.0]
    lines: list[str] = []
    meter = ProgressMeter(100, lines.append, every_s=2.0, clock=lambda: now[0])
    now[0] = 101.0
    meter.advance(10)
    assert lines == []  # not yet two seconds
    now[0] = 104.0
    meter.advance(30, failed=2)
    assert lines == ["reenrich 42/100 articles (42%), 10.5/s, ETA 6s, 2 failed"]  # failed ones are processed too
    now[0] = 114.0
    meter.advance(58)
    assert lines[-1] == "reenrich 100/100 articles (100%), 7.1/s, ETA 0s, 2 failed"
    meter.advance(0)
    meter.finish()
    assert len(lines) == 2  # the final figures are shown once
    assert duration(3725) == "1h02m"
    assert duration(245) == "4m05s"


def test_raw_topic_is_compacted_and_kept_forever_by_default() -> None:
    settings = Settings()
    raw = next(s for s in topic_specs(settings) if s.name == settings.topic_raw)
    assert raw.config == {"cleanup.policy": "compact", "retention.ms": "-1"}
    finite = settings.model_copy(update={"raw_retention_ms": 86_400_000})
    assert raw_topic_config(finite) == {"cleanup.policy": "compact,delete", "retention.ms": "86400000"}
