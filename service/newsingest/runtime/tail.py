"""Supervision hooks into the story-state map's background tail (``streaming/replicated_map.py``).

The map follows its compacted topic in a task of its own; if that task dies, the enrich workers would silently
stop seeing other workers' story state. The supervisor watches the task (:func:`tail_task`), and the crash drill
can make it fail (:func:`inject_into_tail`, test-only).
"""

from __future__ import annotations

import asyncio
from typing import Any

from newsingest.runtime.faults import Fault
from newsingest.streaming.replicated_map import ReplicatedMap


def tail_task(stories: ReplicatedMap) -> asyncio.Task[None]:
    """The running tail task of a started map."""
    task = stories.tail_task
    if task is None:
        raise RuntimeError("the story-state map is not started; it has no tail task")
    return task


def inject_into_tail(stories: ReplicatedMap, fault: Fault) -> None:
    """Test-only: the tail raises on its ``fault.after``-th poll (the raise happens inside the tail task)."""
    consumer = stories._consumer
    if consumer is None:
        raise RuntimeError("the story-state map is not started")
    getmany = consumer.getmany

    async def counting_getmany(*partitions: Any, **kwargs: Any) -> Any:
        fault.tick()
        return await getmany(*partitions, **kwargs)

    consumer.getmany = counting_getmany  # type: ignore[method-assign]
