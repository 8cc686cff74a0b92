"""The one backoff policy: exponential from the base, capped, jitter within [delay/2, delay] or full jitter."""

from __future__ import annotations

import random

from newsingest.backoff import Backoff, backoff_delay, full_jitter_delay


def test_delay_doubles_from_the_base_up_to_the_cap() -> None:
    assert [backoff_delay(n) for n in (1, 2, 3)] == [1.0, 2.0, 4.0]
    assert backoff_delay(10) == 30.0
    assert backoff_delay(5, cap_s=60.0) == 16.0
    assert backoff_delay(10_000, cap_s=60.0) == 60.0  # no overflow after a very long outage
    assert Backoff(base_s=0.25).delay(0) == 0.25


def test_jitter_stays_between_half_and_the_full_delay() -> None:
    policy = Backoff(base_s=0.25, cap_s=30.0, jitter=True)
    delays = [policy.delay(3) for _ in range(200)]
    assert all(1.0 <= d <= 2.0 for d in delays)
    assert len(set(delays)) > 1


def test_full_jitter_is_uniform_below_the_capped_delay() -> None:
    rng = random.Random(7)
    delays = [full_jitter_delay(10, base_s=1.0, cap_s=600.0, rng=rng) for _ in range(300)]
    assert all(0 <= d <= 600.0 for d in delays)
    assert min(delays) < 100 < 500 < max(delays)
    assert all(full_jitter_delay(2, base_s=0.5, rng=rng) <= 2.0 for _ in range(50))
