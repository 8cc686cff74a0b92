"""Webhook delivery of alert matches: the body, its signature, and what a response means.

Body: ``{alert_id, alert_name, article_id, title, url, published_at, language, matched_at, snippet, persons,
organisations, places}`` as JSON. Headers: ``X-Newsingest-Signature: sha256=<hex HMAC-SHA256 of the raw body
keyed with the rule's secret>`` (only when the rule has a secret) and ``X-Newsingest-Delivery:
<alert_id>:<article_id>`` (the receiver's idempotency key: a redelivery after a crash carries the same one).

A 2xx is delivered; a timeout, a connection error, a 429 or a 5xx is retried with exponential backoff and
full jitter until ``webhook_retry_max_s`` has passed since the first attempt; any other 4xx is final. Final
failures become dead letters (stage ``alert``) with the reason.
"""

from __future__ import annotations

import hashlib
import hmac
import random
from dataclasses import dataclass
from enum import StrEnum

import aiohttp

from newsingest.backoff import full_jitter_delay

SIGNATURE_HEADER = "X-Newsingest-Signature"
DELIVERY_HEADER = "X-Newsingest-Delivery"
BACKOFF_BASE_S = 1.0
BACKOFF_CAP_S = 600.0


def signature(secret: str, body: bytes) -> str:
    """``sha256=<hex>``: HMAC-SHA256 of the raw body keyed with the secret (what receivers recompute)."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, header: str) -> bool:
    """The receiver's check, in constant time (used by the tests and documented for users)."""
    return hmac.compare_digest(signature(secret, body), header)


def delivery_headers(alert_id: str, article_id: str, body: bytes, secret: str | None) -> dict[str, str]:
    headers = {"Content-Type": "application/json", DELIVERY_HEADER: f"{alert_id}:{article_id}",
               "User-Agent": "newsingest-alerts"}
    if secret:
        headers[SIGNATURE_HEADER] = signature(secret, body)
    return headers


class Verdict(StrEnum):
    DELIVERED = "delivered"
    RETRY = "retry"
    FAILED = "failed"


@dataclass(frozen=True)
class Outcome:
    verdict: Verdict
    reason: str


def judge(status: int | None, text: str = "", error: BaseException | None = None) -> Outcome:
    """What one attempt's HTTP status (with the start of the body) or transport error means for the delivery."""
    if error is not None:
        if isinstance(error, TimeoutError | aiohttp.ClientConnectionError | aiohttp.ClientPayloadError | OSError):
            return Outcome(Verdict.RETRY, f"{type(error).__name__}: {error}"[:300])
        return Outcome(Verdict.FAILED, f"{type(error).__name__}: {error}"[:300])
    assert status is not None
    if 200 <= status < 300:
        return Outcome(Verdict.DELIVERED, f"HTTP {status}")
    if status == 429 or status >= 500 or status == 408:
        return Outcome(Verdict.RETRY, f"HTTP {status}")
    return Outcome(Verdict.FAILED, f"HTTP {status}: {text[:200]}")


def retry_delay(attempt: int, rng: random.Random | None = None) -> float:
    """Exponential backoff with full jitter (AWS architecture blog): uniform in [0, min(cap, base * 2^n)]
    (the one policy, :func:`newsingest.backoff.full_jitter_delay`, with the webhook's base and cap)."""
    return full_jitter_delay(attempt, cap_s=BACKOFF_CAP_S, base_s=BACKOFF_BASE_S, rng=rng)
