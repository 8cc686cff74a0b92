"""Alert matching beside the indexer, not in its way: the indexer hands over each poll it indexed and goes on
with the next; this stage matches what was handed over and commits the polls' offsets.

- **Coalesced**: a matching round takes every poll waiting at that moment (up to ``alerts_match_max_docs``
  articles), so one refresh and one ``_msearch`` per chunk of rules serve them all. At low load a round is one
  poll (the lowest latency); at high load rounds grow with the backlog, and their cost per article falls.
- **In order, at least once**: polls are matched and committed in the order they were indexed, each poll's
  offsets only after its matches were acknowledged by Kafka. Nothing is committed for a poll whose matches
  were not sent (stopped, crashed): it is replayed, indexed again (idempotent) and matched again.
- **Bounded**: at most ``alerts_pending_polls`` polls wait; the indexer waits when the stage is that far behind.
- **Crash-only**: when the stage fails, the indexer's next hand-over (or its end) raises the same error.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from aiokafka import TopicPartition

from newsingest.index.writer import Stopped
from newsingest.log import get_logger

log = get_logger(__name__)

Commit = Callable[[dict[TopicPartition, int]], Awaitable[None]]


@dataclass
class IndexedPoll:
    """What one indexer poll wrote: documents to match (created ones, or possible replays) and its offsets."""

    documents: dict[str, dict[str, Any]]
    offsets: dict[TopicPartition, int]
    candidates: list[str] = field(default_factory=list)


class Publisher(Protocol):
    """Matches indexed articles and sends the matches: ``publisher.AlertPublisher`` in the alerts process,
    ``remote.RemotePublisher`` in the indexer's process (it asks the alerts process)."""

    async def publish(self, documents: dict[str, dict[str, Any]], candidates: Sequence[str]) -> bool: ...


class AlertStage:
    def __init__(self, publisher: Publisher, commit: Commit, *, max_pending: int, max_docs: int) -> None:
        self.publisher = publisher
        self.commit = commit
        self.max_docs = max_docs
        self.queue: asyncio.Queue[IndexedPoll] = asyncio.Queue(maxsize=max_pending)
        self.task: asyncio.Task[None] | None = None
        self.rounds = 0

    def start(self) -> None:
        self.task = asyncio.create_task(self._run(), name="alert matching")

    async def put(self, poll: IndexedPoll) -> None:
        """Hand over an indexed poll; waits while the stage is ``max_pending`` polls behind; raises what
        ended the stage."""
        self._raise_if_ended()
        put = asyncio.ensure_future(self.queue.put(poll))
        assert self.task is not None
        done, _ = await asyncio.wait({put, self.task}, return_when=asyncio.FIRST_COMPLETED)
        if put not in done:
            put.cancel()
            self._raise_if_ended()

    def check(self) -> None:
        """Raise what ended the stage, if it ended (the indexer calls this after every poll, even an empty one)."""
        self._raise_if_ended()

    async def drain(self) -> None:
        """Wait until every poll handed over is matched and committed (or the stage ended)."""
        assert self.task is not None
        join = asyncio.ensure_future(self.queue.join())
        done, _ = await asyncio.wait({join, self.task}, return_when=asyncio.FIRST_COMPLETED)
        if join not in done:
            join.cancel()
        self._raise_if_ended()

    async def close(self) -> None:
        """Stop the stage; polls not matched yet stay uncommitted (replayed after a restart)."""
        if self.task is None:
            return
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):  # a failure was raised by put/check/drain
            await self.task

    def raise_failure(self) -> None:
        """Raise the error the stage failed with (not a stop): the indexer calls this when its loop ended."""
        with contextlib.suppress(Stopped):
            self._raise_if_ended()

    def _raise_if_ended(self) -> None:
        if self.task is not None and self.task.done():
            exc = None if self.task.cancelled() else self.task.exception()
            raise exc if exc is not None else Stopped("alert matching ended")

    async def _run(self) -> None:
        while True:
            polls = [await self.queue.get()]
            docs = len(polls[0].candidates)
            while not self.queue.empty() and docs < self.max_docs:
                polls.append(self.queue.get_nowait())
                docs += len(polls[-1].candidates)
            documents: dict[str, dict[str, Any]] = {}
            candidates: list[str] = []
            offsets: dict[TopicPartition, int] = {}
            for poll in polls:
                documents.update(poll.documents)
                candidates += poll.candidates
                for tp, offset in poll.offsets.items():
                    offsets[tp] = max(offsets.get(tp, 0), offset)
            if not await self.publisher.publish(documents, list(dict.fromkeys(candidates))):
                raise Stopped("stopped before the alert matches were acknowledged")
            await self.commit(offsets)
            self.rounds += 1
            for _ in polls:
                self.queue.task_done()
