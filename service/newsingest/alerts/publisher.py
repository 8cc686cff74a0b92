"""Matching what the indexer just wrote against the alert rules, and putting the matches on ``news.alerts``.

Runs in the alerts process, asked by the indexer (``remote.py``) after a poll's bulk and before the indexer
commits the poll's offsets, so a match is on ``news.alerts`` (acknowledged by Kafka) before its article counts
as done: a crash replays the poll and matches it again (at-least-once). A rule fires once per article: only
articles Elasticsearch *created* are matched — plus, after a (re)assignment of partitions, every article of a
message that may have been indexed before a crash without its matches being sent (offsets below the
partition's end at assignment: ``ReplayTracker``, in the indexer). A later re-enrichment of an old article
(an update) does not fire again.

Rules that cannot match any article of the batch are left out first (``prefilter.py``: a necessary condition on
the query's words, checked in Python); when any remain, the batch is made searchable with one refresh of the
write index and matched with one ``_msearch`` per chunk of rules (``matcher.py``).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable, Sequence
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.abc import ConsumerRebalanceListener
from elasticsearch import AsyncElasticsearch

from newsingest.alerts.matcher import match_batch
from newsingest.alerts.prefilter import RulePrefilter
from newsingest.alerts.rules import AlertRule
from newsingest.alerts.store import RuleStore
from newsingest.config import Settings
from newsingest.kafka.headers import message_headers
from newsingest.log import get_logger
from newsingest.models import AlertMatch
from newsingest.runtime.retry import retrying

log = get_logger(__name__)

SNIPPET_CHARS = 300
_HEADERS = message_headers("alert-match")


class ReplayTracker(ConsumerRebalanceListener):
    """Which messages may be redeliveries: per assigned partition, offsets below its end at assignment."""

    def __init__(self) -> None:
        self.consumer: AIOKafkaConsumer | None = None
        self.replay_until: dict[TopicPartition, int] = {}

    async def on_partitions_revoked(self, revoked: Iterable[TopicPartition]) -> None:
        for tp in revoked:
            self.replay_until.pop(tp, None)

    async def on_partitions_assigned(self, assigned: Iterable[TopicPartition]) -> None:
        partitions = list(assigned)
        if self.consumer is None or not partitions:
            return
        ends = await self.consumer.end_offsets(partitions)
        self.replay_until.update(ends)

    def may_be_replay(self, record: ConsumerRecord[Any, Any]) -> bool:
        return record.offset < self.replay_until.get(TopicPartition(record.topic, record.partition), 0)


def alert_match(rule: AlertRule, document: dict[str, Any]) -> AlertMatch:
    body = str(document.get("body") or "")
    return AlertMatch(
        alert_id=rule.id, alert_name=rule.name, article_id=document["article_id"], title=document.get("title", ""),
        url=document.get("url"), published_at=document.get("published_at"),
        language=document.get("language") or "und", snippet=body[:SNIPPET_CHARS],
        persons=list(document.get("persons", [])), organisations=list(document.get("organisations", [])),
        places=[p["name"] for p in document.get("places", []) if p.get("name")],
    )


class AlertPublisher:
    def __init__(self, settings: Settings, es: AsyncElasticsearch, producer: AIOKafkaProducer, rules: RuleStore,
                 stop: asyncio.Event) -> None:
        self.settings = settings
        self.es = es
        self.producer = producer
        self.rules = rules
        self.stop = stop
        self.published = 0
        self.prefilter = RulePrefilter()

    async def publish(self, documents: dict[str, dict[str, Any]], candidates: Sequence[str]) -> bool:
        """Match ``candidates`` (ids of ``documents`` just indexed) and send the matches; False when stopped
        before they were acknowledged (the caller must not commit)."""
        rules = self.rules.enabled()
        if not rules or not candidates:
            return True
        found: list[Any] = []
        sent: list[AlertRule] = []
        took = {"select_ms": 0.0, "refresh_ms": 0.0, "search_ms": 0.0, "send_ms": 0.0}
        started = time.perf_counter()

        async def match() -> None:
            began = time.perf_counter()
            await self.prefilter.learn(self.es, self.settings.write_alias, rules)
            sent[:] = self.prefilter.select(rules, [documents[c] for c in candidates])
            selected = time.perf_counter()
            took["select_ms"] = (selected - began) * 1000
            if not sent:  # no rule can match: nothing to make searchable or to search
                found.clear()
                return
            await self.es.indices.refresh(index=self.settings.write_alias)
            refreshed = time.perf_counter()
            languages = {str(documents[c].get("language") or "und") for c in candidates}
            result = await match_batch(self.es, self.settings.write_alias, sent, list(candidates),
                                       languages=languages)
            found[:] = result.pairs
            took["refresh_ms"] = (refreshed - selected) * 1000
            took["search_ms"] = (time.perf_counter() - refreshed) * 1000

        if not await retrying(match, what="match alert rules", stop=self.stop):
            return False
        by_id = {rule.id: rule for rule in rules}
        messages = [alert_match(by_id[rule_id], documents[article_id]) for rule_id, article_id in found]
        sending = time.perf_counter()
        if messages and not await retrying(lambda: self._send(messages), what="send alert matches", stop=self.stop):
            return False
        took["send_ms"] = (time.perf_counter() - sending) * 1000
        self.published += len(messages)
        say = log.info if messages else log.debug
        say("alert round", matches=len(messages), articles=len(candidates), rules=len(rules), rules_searched=len(sent),
            total_ms=round((time.perf_counter() - started) * 1000, 1), **{k: round(v, 1) for k, v in took.items()})
        return True

    async def _send(self, messages: list[AlertMatch]) -> None:
        futures = [
            await self.producer.send(self.settings.topic_alerts, message.model_dump_json().encode(),
                                     key=f"{message.alert_id}:{message.article_id}".encode(), headers=_HEADERS)
            for message in messages
        ]
        await asyncio.gather(*futures)
