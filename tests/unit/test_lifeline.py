"""The lifeline between the pipeline and its alerts process: frames, answers by request id, the end of either side."""

from __future__ import annotations

import asyncio
import os
import socket

import orjson
import pytest

from newsingest.alerts.remote import RemotePublisher
from newsingest.config import Settings
from newsingest.runtime.child import ChildProcess, ChildProcessEnded, Lifeline, read_frame, write_frame
from newsingest.runtime.supervisor import Supervisor


async def _pair() -> tuple[ChildProcess, Lifeline]:
    """The parent's end (a ChildProcess whose process is not started) and the child's Lifeline, connected."""
    parent_end, child_end = socket.socketpair()
    child = ChildProcess("notifier", ("notify",), Settings(), Supervisor("test", arm_exit=False))
    child.reader, child.writer = await asyncio.open_connection(sock=parent_end)
    lifeline = Lifeline(os.dup(child_end.fileno()))
    child_end.close()
    await lifeline.open()
    return child, lifeline


def test_frames_round_trip_and_the_end_of_the_stream_is_none() -> None:
    async def main() -> list[bytes | None]:
        child, lifeline = await _pair()
        assert child.writer is not None
        assert lifeline.reader is not None
        for payload in (b"", b"x", os.urandom(100_000)):
            write_frame(child.writer, payload)
        child.writer.close()
        return [await read_frame(lifeline.reader) for _ in range(4)]

    got = asyncio.run(main())
    assert [len(f) if f is not None else None for f in got] == [0, 1, 100_000, None]


def test_requests_are_answered_in_order_and_a_stale_answer_is_skipped() -> None:
    async def main() -> tuple[list[bool], list[list[str]]]:
        child, lifeline = await _pair()
        asked: list[list[str]] = []

        async def answer(request: bytes) -> bytes:
            body = orjson.loads(request)
            asked.append(body["candidates"])
            assert set(body["documents"]) == set(body["candidates"])  # only the candidates' documents travel
            return orjson.dumps({"id": body["id"], "ok": body["candidates"] != ["b"]})

        serving = asyncio.ensure_future(lifeline.serve(answer))
        assert lifeline.writer is not None
        write_frame(lifeline.writer, orjson.dumps({"id": 0, "ok": True}))  # an answer to a request cancelled before
        publisher = RemotePublisher(child, asyncio.Event())
        docs = {"a": {"title": "A"}, "b": {"title": "B"}, "c": {"title": "C"}}
        results = [await publisher.publish(docs, ["a"]), await publisher.publish(docs, ["b"]),
                   await publisher.publish(docs, ["c", "a"])]
        assert child.writer is not None
        child.writer.close()
        await asyncio.wait_for(serving, timeout=5)  # the parent's end closed: serve returns
        return results, asked

    results, asked = asyncio.run(main())
    assert results == [True, False, True]
    assert asked == [["a"], ["b"], ["c", "a"]]


@pytest.mark.parametrize("stopping", [False, True])
def test_an_alerts_process_that_goes_away_mid_request(stopping: bool) -> None:
    """While stopping: not acknowledged (the poll is replayed); otherwise the indexer fails (crash-only)."""

    async def main() -> bool:
        child, lifeline = await _pair()
        stop = asyncio.Event()
        if stopping:
            stop.set()

        async def die(_: bytes) -> bytes:
            lifeline.close()
            raise asyncio.CancelledError

        serving = asyncio.ensure_future(lifeline.serve(die))
        try:
            return await RemotePublisher(child, stop).publish({"a": {}}, ["a"])
        finally:
            serving.cancel()

    if stopping:
        assert asyncio.run(main()) is False
    else:
        with pytest.raises(ChildProcessEnded):
            asyncio.run(main())
