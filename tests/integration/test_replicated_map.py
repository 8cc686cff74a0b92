"""The replicated map (same-story state of the enrich workers) against the real broker."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from newsingest.config import Settings
from newsingest.kafka.topics import ensure_topics
from newsingest.streaming.replicated_map import ReplicatedMap
from newsingest.streaming.spilling_map import SpillingMap


def _map(settings: Settings) -> ReplicatedMap:
    return ReplicatedMap(settings.kafka_servers, settings.topic_stories, client_id="test", linger_ms=0)


async def _eventually(check: Callable[[], bool]) -> None:
    async with asyncio.timeout(20):
        while not check():
            await asyncio.sleep(0.1)


def test_writes_survive_a_restart_deletes_included(isolated: Settings) -> None:
    async def scenario() -> None:
        await ensure_topics(isolated)
        first = _map(isolated)
        await first.start()
        assert dict(first) == {}
        for number in range(500):
            first[f"k{number}"] = f"v{number}"
        first["k7"] = "changed"
        del first["k8"]
        await first.flush()
        first["m"] = "meta"  # flushed by stop()
        await first.stop()

        second = _map(isolated)
        await second.start()
        try:
            expected = {f"k{n}": f"v{n}" for n in range(500) if n != 8} | {"k7": "changed", "m": "meta"}
            assert dict(second) == expected
            assert second.recovered_records >= len(expected)
        finally:
            await second.stop()

    asyncio.run(scenario())


def test_two_instances_see_each_others_writes(isolated: Settings) -> None:
    async def scenario() -> None:
        await ensure_topics(isolated)
        a, b = _map(isolated), _map(isolated)
        await asyncio.gather(a.start(), b.start())
        try:
            a["from-a"] = "1"
            b["from-b"] = "2"
            await asyncio.gather(a.flush(), b.flush())
            await _eventually(lambda: a.get("from-b") == "2" and b.get("from-a") == "1")
            del b["from-a"]
            await b.flush()
            await _eventually(lambda: "from-a" not in a)
            # an instance never re-applies its own older values over newer local ones
            for round_ in range(50):
                a["counter"] = str(round_)
                await a.flush()
            await asyncio.sleep(1.5)
            assert a["counter"] == "49"
            await _eventually(lambda: b.get("counter") == "49")
        finally:
            await asyncio.gather(a.stop(), b.stop())

    asyncio.run(scenario())


def test_flush_waits_for_every_earlier_write(isolated: Settings) -> None:
    """Concurrent flushes: each returns only when the writes made before it are on the topic."""

    async def scenario() -> None:
        await ensure_topics(isolated)
        writer = _map(isolated)
        await writer.start()

        async def write(number: int) -> None:
            writer[f"x{number}"] = str(number)
            await writer.flush()

        try:
            await asyncio.gather(*(write(n) for n in range(200)))
            reader = _map(isolated)  # started while the writer still runs: only flushed writes can be there
            await reader.start()
            try:
                assert dict(reader) == {f"x{n}": str(n) for n in range(200)}
            finally:
                await reader.stop()
        finally:
            await writer.stop()

    asyncio.run(scenario())


def test_a_local_copy_on_disk_recovers_and_follows_like_the_dict(isolated: Settings) -> None:
    """The story state's local copy keeps its bulky keys on disk (SpillingMap): recovery, deletes and another
    instance's writes reach it as they reach a dict."""

    def spilling(settings: Settings) -> ReplicatedMap:
        return ReplicatedMap(settings.kafka_servers, settings.topic_stories, client_id="test", linger_ms=0,
                             local=SpillingMap(("d:",)))

    async def scenario() -> None:
        await ensure_topics(isolated)
        writer = spilling(isolated)
        await writer.start()
        for number in range(300):
            writer[f"d:{number}"] = f"record {number}"
        writer["m"] = "meta"
        del writer["d:5"]
        await writer.stop()

        reader, other = spilling(isolated), _map(isolated)
        await asyncio.gather(reader.start(), other.start())
        try:
            expected = {f"d:{n}": f"record {n}" for n in range(300) if n != 5} | {"m": "meta"}
            assert dict(reader) == expected
            assert reader.get("d:5") is None
            other["d:new"] = "from the other instance"
            del other["d:7"]
            await other.flush()
            await _eventually(lambda: reader.get("d:new") == "from the other instance" and "d:7" not in reader)
        finally:
            await asyncio.gather(reader.stop(), other.stop())

    asyncio.run(scenario())
