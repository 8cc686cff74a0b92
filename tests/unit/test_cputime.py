"""CPU per step: thread-time deltas; a timed coroutine is charged only for its own slices between awaits."""

from __future__ import annotations

import asyncio
import time

import pytest

from newsingest.cputime import cpu_step, install_task_timing, timed, timed_coroutine
from newsingest.metrics import REGISTRY, STEPS


def step_seconds(step: str) -> float:
    return REGISTRY.get_sample_value("newsingest_step_cpu_seconds_total", {"step": step}) or 0.0


def burn(seconds: float) -> None:
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


def test_every_step_is_exported_from_the_start() -> None:
    for step in STEPS:
        assert REGISTRY.get_sample_value("newsingest_step_cpu_seconds_total", {"step": step}) is not None


def test_cpu_step_and_timed_count_the_cpu_inside() -> None:
    before = step_seconds("parse")
    with cpu_step("parse"):
        burn(0.05)
    timed("parse", burn)(0.05)
    time.sleep(0.1)  # not CPU
    assert 0.09 <= step_seconds("parse") - before < 0.2


async def test_a_timed_coroutine_is_not_charged_for_other_tasks() -> None:
    async def own_work() -> str:
        burn(0.05)
        await asyncio.sleep(0.05)  # meanwhile the other task burns CPU on the same thread
        burn(0.05)
        return "done"

    async def other() -> None:
        await asyncio.sleep(0.01)
        burn(0.15)

    before = step_seconds("ner_client")
    result, _ = await asyncio.gather(timed_coroutine(own_work(), "ner_client"), other())
    assert result == "done"
    assert 0.09 <= step_seconds("ner_client") - before < 0.14


async def test_a_timed_coroutine_passes_errors_and_counts_them_too() -> None:
    async def fails() -> None:
        burn(0.03)
        await asyncio.sleep(0)
        raise ValueError("boom")

    before = step_seconds("language")
    with pytest.raises(ValueError, match="boom"):
        await timed_coroutine(fails(), "language")
    assert step_seconds("language") - before >= 0.025


async def test_tasks_a_timed_coroutine_starts_count_for_its_step_once_installed() -> None:
    async def chunk() -> None:
        burn(0.03)
        await asyncio.sleep(0)
        burn(0.03)

    async def client() -> None:
        await asyncio.gather(*(asyncio.ensure_future(chunk()) for _ in range(2)))

    async def untimed_neighbour() -> None:
        burn(0.05)

    assert install_task_timing(asyncio.get_running_loop())
    try:
        before = step_seconds("ner_client")
        neighbour = asyncio.ensure_future(untimed_neighbour())  # created outside a timed slice: not counted
        await timed_coroutine(client(), "ner_client")
        await neighbour
        assert 0.11 <= step_seconds("ner_client") - before < 0.16
    finally:
        asyncio.get_running_loop().set_task_factory(None)
