"""The alert rules, stored durably and shared by every process: a ``ReplicatedMap`` on a compacted topic.

Key: the rule id; value: the rule's JSON (``AlertRule.stored_json``, secret included — the topic is internal,
protect it with the cluster's ACLs). A write is acknowledged by Kafka before the API answers, so a rule that
was created survives any restart; every process (API, workers) tails the topic and sees it within moments.
A value that does not validate (written by a newer release, damaged) is skipped with a warning.
"""

from __future__ import annotations

from pydantic import ValidationError

from newsingest.alerts.rules import AlertRule, RuleError
from newsingest.config import Settings
from newsingest.log import get_logger
from newsingest.streaming.replicated_map import ReplicatedMap

log = get_logger(__name__)


class RuleStore:
    def __init__(self, settings: Settings, *, role: str = "alerts") -> None:
        self.settings = settings
        self.map = ReplicatedMap(settings.kafka_servers, settings.topic_alert_rules,
                                 client_id=f"{settings.app_id}.{role}.alert-rules",
                                 compression=settings.compression_type)
        self._parsed: dict[str, tuple[str, AlertRule | None]] = {}

    async def start(self) -> None:
        await self.map.start()

    async def stop(self) -> None:
        await self.map.stop()

    def get(self, rule_id: str) -> AlertRule | None:
        value = self.map.get(rule_id)
        if value is None:
            return None
        cached = self._parsed.get(rule_id)
        if cached is not None and cached[0] == value:
            return cached[1]
        try:
            rule: AlertRule | None = AlertRule.model_validate_json(value)
        except ValidationError as exc:
            log.warning("alert rule skipped: not valid", alert_id=rule_id, error=str(exc)[:300])
            rule = None
        self._parsed[rule_id] = (value, rule)
        return rule

    def rules(self) -> list[AlertRule]:
        """Every valid rule, oldest first."""
        found = [rule for key in list(self.map) if (rule := self.get(key)) is not None]
        return sorted(found, key=lambda r: (r.created_at, r.id))

    def enabled(self) -> list[AlertRule]:
        return [rule for rule in self.rules() if rule.enabled]

    async def put(self, rule: AlertRule) -> AlertRule:
        """Store a new or changed rule; returns once Kafka acknowledged it."""
        if rule.id not in self.map and len(self.map) >= self.settings.alerts_max_rules:
            raise RuleError(f"at most {self.settings.alerts_max_rules} alert rules can be stored")
        self.map[rule.id] = rule.stored_json()
        await self.map.flush()
        return rule

    async def put_many(self, rules: list[AlertRule]) -> list[AlertRule]:
        """Store several new rules with one acknowledgement (a watchlist); all or none fit under the limit."""
        new = [rule for rule in rules if rule.id not in self.map]
        if len(self.map) + len(new) > self.settings.alerts_max_rules:
            raise RuleError(f"at most {self.settings.alerts_max_rules} alert rules can be stored "
                            f"({len(self.map)} stored, {len(new)} new)")
        for rule in rules:
            self.map[rule.id] = rule.stored_json()
        await self.map.flush()
        return rules

    async def delete(self, rule_id: str) -> bool:
        if rule_id not in self.map:
            return False
        del self.map[rule_id]
        self._parsed.pop(rule_id, None)
        await self.map.flush()
        return True
