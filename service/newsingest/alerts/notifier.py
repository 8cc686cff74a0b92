"""The webhook notifier: consumes ``news.alerts`` and POSTs every match to its rule's webhook.

A plain aiokafka consumer (group ``<app_id>.notifier``, manual commits). Up to ``webhook_in_flight``
deliveries run at once, each on its own (a receiver that hangs holds one slot for ``webhook_timeout_s`` per
attempt, never the others), and offsets are committed strictly in order (``InOrderCompleter``) once a match
was delivered or dead-lettered: a crash redelivers the uncommitted matches (at-least-once; the receiver
deduplicates by ``X-Newsingest-Delivery``). Retries: timeouts, connection errors, 408/429/5xx with backoff
and full jitter until ``webhook_retry_max_s`` after the match; then, or at once for any other answer, the
match goes to ``news.dlq`` (stage ``alert``) with the reason. Redirects are not followed (a redirect could
lead to an internal service); the webhook's host is checked again before every attempt, after resolving it.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import time
from collections.abc import Awaitable, Callable

import aiohttp
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.errors import KafkaError
from pydantic import ValidationError

from newsingest.alerts.rules import AlertRule, RuleError, check_webhook_host
from newsingest.alerts.store import RuleStore
from newsingest.alerts.webhook import Verdict, delivery_headers, judge, retry_delay
from newsingest.config import Settings
from newsingest.kafka.dlq import dead_letter
from newsingest.log import get_logger
from newsingest.models import AlertMatch, DeadLetter, Stage
from newsingest.streaming.ordered import InOrderCompleter

log = get_logger(__name__)

COMMIT_EVERY_S = 1.0
SendLetter = Callable[[DeadLetter], Awaitable[None]]


def notifier_consumer(settings: Settings) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(
        settings.topic_alerts, bootstrap_servers=settings.kafka_servers, group_id=f"{settings.app_id}.notifier",
        client_id=f"{settings.app_id}.notifier", enable_auto_commit=False, auto_offset_reset="earliest",
        max_poll_interval_ms=3_600_000,
    )


async def resolved_host_allowed(host: str, allowed_hosts: list[str]) -> str | None:
    """Why a webhook host may not be called right now (None: it may). Without an allow-list, a name that
    resolves to a loopback, link-local, unspecified or multicast address is refused (DNS rebinding)."""
    if allowed_hosts:
        return None if host.lower() in {h.lower() for h in allowed_hosts} else f"host {host} is not allowed"
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, None)
    except OSError as exc:
        return f"cannot resolve {host}: {exc}"
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if address.is_loopback or address.is_link_local or address.is_unspecified or address.is_multicast:
            return f"host {host} resolves to {address}, which webhooks may not reach"
    return None


async def _commit(consumer: AIOKafkaConsumer, done: dict[TopicPartition, int]) -> None:
    """Commit what completed; a failed commit (broker restarting, partitions moved) is tried again with the
    next one, and at worst the matches are delivered again (at-least-once).

    Deliveries go on while the commit is awaited: an offset that moved on meanwhile stays in ``done``."""
    offsets = dict(done)
    try:
        await consumer.commit(offsets)
    except KafkaError as exc:
        log.warning("notifier offset commit failed; will retry", error=f"{type(exc).__name__}: {exc}")
        for tp in [tp for tp in done if tp not in consumer.assignment()]:
            del done[tp]  # moved to another notifier, which delivers from its own committed offset
        return
    for tp, offset in offsets.items():
        if done.get(tp) == offset:
            del done[tp]


class Notifier:
    def __init__(self, settings: Settings, rules: RuleStore, send_letter: SendLetter) -> None:
        self.settings = settings
        self.rules = rules
        self.send_letter = send_letter
        self._session: aiohttp.ClientSession | None = None
        self.stopping = asyncio.Event()
        self.delivered = 0

    @property
    def session(self) -> aiohttp.ClientSession:
        """aiohttp (about a third of httpx's CPU per request, measured in the alerts benchmark's profile): one
        pool of at most ``webhook_in_flight`` connections, kept alive; created inside the running loop."""
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self.settings.webhook_in_flight),
                timeout=aiohttp.ClientTimeout(total=self.settings.webhook_timeout_s),
                headers={"User-Agent": "newsingest-alerts"}, trust_env=False,
            )
        return self._session

    async def run(self, consumer: AIOKafkaConsumer, started: Callable[[], None] | None = None) -> None:
        """Consume and deliver until ``stopping`` is set; uncommitted matches are redelivered after a restart."""
        done: dict[TopicPartition, int] = {}

        def completed(record: ConsumerRecord[bytes, bytes]) -> None:
            done[TopicPartition(record.topic, record.partition)] = record.offset + 1

        await consumer.start()
        if started is not None:
            started()
        last_commit = time.monotonic()
        try:
            async with InOrderCompleter[ConsumerRecord[bytes, bytes]](self.settings.webhook_in_flight,
                                                                      on_done=completed) as completer:
                while not self.stopping.is_set():
                    batches = await consumer.getmany(timeout_ms=200, max_records=500)
                    for records in batches.values():
                        for record in records:
                            await completer.submit(record, self.deliver(record))
                    if done and time.monotonic() - last_commit >= COMMIT_EVERY_S:
                        await _commit(consumer, done)
                        last_commit = time.monotonic()
                await completer.drain()
            if done:
                await _commit(consumer, done)
        finally:
            with contextlib.suppress(Exception):
                await consumer.stop()

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def deliver(self, record: ConsumerRecord[bytes, bytes]) -> None:
        """One match, until delivered, dead-lettered, or the notifier stops (then it is redelivered later)."""
        try:
            match = AlertMatch.model_validate_json(record.value or b"")
        except ValidationError as exc:
            await self._letter(record, exc, None)
            return
        rule = self.rules.get(match.alert_id)
        if rule is None or rule.webhook_url is None or not rule.enabled:
            return  # no webhook (news.alerts is the delivery), or the rule was deleted or disabled since
        body = match.model_dump_json(exclude={"schema_version"}).encode()
        headers = delivery_headers(match.alert_id, match.article_id, body,
                                   rule.secret.get_secret_value() if rule.secret else None)
        deadline = match.matched_at.timestamp() + self.settings.webhook_retry_max_s
        attempt = 0
        while True:
            verdict, reason = await self._attempt(rule, body, headers)
            if verdict is Verdict.DELIVERED:
                self.delivered += 1
                log.debug("webhook delivered", alert_id=rule.id, article_id=match.article_id)
                return
            delay = retry_delay(attempt)
            if verdict is Verdict.FAILED or time.time() + delay > deadline:
                await self._letter(record, f"webhook {verdict.value}: {reason}", match.article_id)
                return
            attempt += 1
            log.warning("webhook failed; retrying", alert_id=rule.id, article_id=match.article_id, attempt=attempt,
                        retry_in_s=round(delay, 1), reason=reason)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stopping.wait(), timeout=delay)
            if self.stopping.is_set():
                raise asyncio.CancelledError  # not completed: redelivered after the restart

    async def _attempt(self, rule: AlertRule, body: bytes, headers: dict[str, str]) -> tuple[Verdict, str]:
        url = rule.webhook_url
        assert url is not None
        try:
            check_webhook_host(url, self.settings.webhook_allowed_hosts)
        except RuleError as exc:
            return Verdict.FAILED, str(exc)
        refused = await resolved_host_allowed(url.host or "", self.settings.webhook_allowed_hosts)
        if refused is not None:
            return Verdict.FAILED, refused
        try:
            async with self.session.post(str(url), data=body, headers=headers, allow_redirects=False) as response:
                # at most a few KB of the body (the reason of a refusal); the rest is never read
                text = "" if 200 <= response.status < 300 else (await response.content.read(4096)).decode(
                    "utf-8", "replace")
                outcome = judge(response.status, text)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            outcome = judge(None, error=exc)
        return outcome.verdict, outcome.reason

    async def _letter(self, record: ConsumerRecord[bytes, bytes], error: BaseException | str,
                      article_id: str | None) -> None:
        letter = dead_letter(stage=Stage.ALERT, error=error, payload=record.value, key=record.key,
                             topic=record.topic, partition=record.partition, offset=record.offset,
                             article_id=article_id)
        log.warning("alert match dead-lettered", key=(record.key or b"").decode("utf-8", "replace"),
                    error=letter.error_message[:300])
        await self.send_letter(letter)
