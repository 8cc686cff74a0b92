"""The one retry/backoff policy of newsingest: capped exponential backoff, optionally with jitter.

Every part that retries while a dependency (Kafka, Elasticsearch, the NER server) is unavailable asks this module
how long to wait before attempt ``n`` (1 = the first retry): ``base * 2 ** n``, at most ``cap`` seconds. With
``jitter`` the delay is drawn from ``[delay / 2, delay]`` so many clients do not retry in lockstep;
:func:`full_jitter_delay` draws it from ``[0, delay]`` ("full jitter", for many independent deliveries such as
webhooks).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

DEFAULT_BASE_S = 0.5
DEFAULT_CAP_S = 30.0


@dataclass(frozen=True)
class Backoff:
    base_s: float = DEFAULT_BASE_S
    cap_s: float = DEFAULT_CAP_S
    jitter: bool = False

    def delay(self, attempt: int) -> float:
        """Seconds to wait before retry number ``attempt`` (1-based)."""
        delay = min(self.cap_s, self.base_s * 2.0 ** min(max(0, attempt), 64))
        if self.jitter:
            delay *= 0.5 + random.random() / 2
        return delay


DEFAULT = Backoff()


def backoff_delay(attempt: int, *, cap_s: float = DEFAULT_CAP_S, base_s: float = DEFAULT_BASE_S,
                  jitter: bool = False) -> float:
    """``Backoff(base_s, cap_s, jitter).delay(attempt)``: the policy as a function."""
    return Backoff(base_s, cap_s, jitter).delay(attempt)


def full_jitter_delay(attempt: int, *, cap_s: float = DEFAULT_CAP_S, base_s: float = DEFAULT_BASE_S,
                      rng: random.Random | None = None) -> float:
    """Full jitter: uniform in ``[0, min(cap_s, base_s * 2 ** attempt)]`` (``rng`` for reproducible draws)."""
    return (rng or random).uniform(0, Backoff(base_s, cap_s).delay(attempt))
