"""Which indexed articles may fire alerts, and what a match says (pure parts of alerts/publisher.py)."""

from __future__ import annotations

import asyncio

from aiokafka import ConsumerRecord, TopicPartition

from newsingest.alerts.publisher import SNIPPET_CHARS, ReplayTracker, alert_match
from newsingest.alerts.rules import AlertRule


def _record(partition: int, offset: int) -> ConsumerRecord[bytes, bytes]:
    return ConsumerRecord("news.enriched", partition, offset, 0, 0, b"k", b"v", None, 1, 1, [])


class EndOffsets:
    def __init__(self, ends: dict[TopicPartition, int]) -> None:
        self.ends = ends

    async def end_offsets(self, partitions: list[TopicPartition]) -> dict[TopicPartition, int]:
        return {tp: self.ends[tp] for tp in partitions}


def test_messages_below_the_end_at_assignment_may_be_replays() -> None:
    zero, one = TopicPartition("news.enriched", 0), TopicPartition("news.enriched", 1)
    tracker = ReplayTracker()
    tracker.consumer = EndOffsets({zero: 10, one: 0})  # type: ignore[assignment]
    asyncio.run(tracker.on_partitions_assigned([zero, one]))
    assert tracker.may_be_replay(_record(0, 9))  # may have been indexed before a crash: match again
    assert not tracker.may_be_replay(_record(0, 10))  # arrived after the assignment: created once, matched once
    assert not tracker.may_be_replay(_record(1, 0))
    asyncio.run(tracker.on_partitions_revoked([zero]))
    assert not tracker.may_be_replay(_record(0, 3))  # not ours any more


def test_a_match_carries_the_facets_and_a_short_snippet() -> None:
    rule = AlertRule(name="Kim")
    document = {"article_id": "a" * 64, "title": "Kim in Russland", "body": "x" * 1000, "language": "de",
                "url": "https://example.org/a", "published_at": "2023-09-12T08:00:00Z",
                "persons": ["Kim Jong Un"], "organisations": [], "places": [{"name": "Wladiwostok"}, {"name": ""}]}
    match = alert_match(rule, document)
    assert (match.alert_id, match.alert_name, match.article_id) == (rule.id, "Kim", "a" * 64)
    assert len(match.snippet) == SNIPPET_CHARS
    assert match.persons == ["Kim Jong Un"]
    assert match.places == ["Wladiwostok"]
    assert match.language == "de"
