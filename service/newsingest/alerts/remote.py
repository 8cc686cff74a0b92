"""Alert matching in the notifier process, asked for by the indexer over the lifeline (``runtime/child.py``).

The indexer's :class:`~newsingest.alerts.stage.AlertStage` decides what is matched and when, and commits; the
matching itself (prefilter, refresh, ``_msearch``, producing to ``news.alerts``: ``publisher.py``) runs in
the child, so its CPU time is not the pipeline's. One request at a time: ``{"id", "candidates",
"documents"}`` (the candidates' indexed documents, JSON) -> ``{"id", "ok"}``, where ``ok`` is False when the
child was stopped before the matches were acknowledged (the indexer then does not commit). A child that dies
during a request fails the indexer (crash-only); the poll is replayed after the restart.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import orjson

from newsingest.alerts.publisher import AlertPublisher
from newsingest.runtime.child import ChildProcess, ChildProcessEnded, read_frame, write_frame


class RemotePublisher:
    """The indexer's side: :meth:`publish` as :class:`AlertPublisher` has it, run by the child process."""

    def __init__(self, child: ChildProcess, stop: asyncio.Event) -> None:
        assert child.reader is not None
        assert child.writer is not None
        self.reader, self.writer = child.reader, child.writer
        self.stop = stop
        self._lock = asyncio.Lock()
        self._last_id = 0

    async def publish(self, documents: dict[str, dict[str, Any]], candidates: Sequence[str]) -> bool:
        async with self._lock:
            self._last_id += 1
            request_id = self._last_id
            payload = orjson.dumps({"id": request_id, "candidates": list(candidates),
                                    "documents": {c: documents[c] for c in candidates}})
            try:
                write_frame(self.writer, payload)
                await self.writer.drain()
                while (reply := await read_frame(self.reader)) is not None:
                    answer = orjson.loads(reply)
                    if answer.get("id") == request_id:  # an answer to a cancelled request is skipped
                        return bool(answer.get("ok"))
            except ConnectionError:
                pass
            if self.stop.is_set():
                return False
            raise ChildProcessEnded("the notifier process closed the lifeline while matching alert rules")


async def answer_match_request(publisher: AlertPublisher, request: bytes) -> bytes:
    """The child's side of one request."""
    asked = orjson.loads(request)
    ok = await publisher.publish(asked["documents"], asked["candidates"])
    return orjson.dumps({"id": asked["id"], "ok": ok})
