"""The local copy that keeps bulky keys on disk (streaming/spilling_map.py) and its private scratch database
(streaming/local_db.py): a MutableMapping like a dict, values of the spilled keys off the heap, no file left."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsingest.streaming.local_db import LocalDatabase
from newsingest.streaming.spilling_map import SpillingMap

KEYS = st.sampled_from(["d:a", "d:b", "d:ü", "s:x", "m", "x:1", "x:1:1", "d:", ""])
OPS = st.lists(st.tuples(st.sampled_from(["set", "del", "pop"]), KEYS, st.text(max_size=20)), max_size=60)


@settings(max_examples=150, deadline=None)
@given(OPS)
def test_behaves_like_a_dict(ops: list[tuple[str, str, str]]) -> None:
    spilled, plain = SpillingMap(("d:", "s:")), {}
    for op, key, value in ops:
        if op == "set":
            spilled[key] = plain[key] = value
        elif op == "pop":
            assert spilled.pop(key, None) == plain.pop(key, None)
        elif key in plain:
            del spilled[key], plain[key]
        else:
            with pytest.raises(KeyError):
                del spilled[key]
        assert len(spilled) == len(plain)
    assert dict(spilled) == plain
    assert sorted(spilled) == sorted(plain)
    for key in ("d:a", "m", "nope", "s:x"):
        assert (key in spilled) == (key in plain)
        assert spilled.get(key) == plain.get(key)
        if key not in plain:
            with pytest.raises(KeyError):
                spilled[key]


def test_spilled_values_are_in_the_database_and_the_others_in_memory() -> None:
    m = SpillingMap(("d:",))
    m["d:1"] = "record"
    m["m"] = "meta"
    assert m._memory == {"m": "meta"}
    assert m._disk.all("SELECT k, v FROM kv") == [("d:1", "record")]
    with pytest.raises(TypeError):
        m["d:2"] = b"bytes"  # type: ignore[assignment]
    with pytest.raises(ValueError, match="at least one prefix"):
        SpillingMap(())


def test_iterating_while_writing_is_a_snapshot() -> None:
    m = SpillingMap(("d:",))
    for n in range(50):
        m[f"d:{n}"] = "v"
    for key in m:  # deleting what is iterated: no "changed size during iteration"
        del m[key]
    assert len(m) == 0


def test_memory_stays_flat_while_the_spilled_values_grow() -> None:
    m = SpillingMap(("d:",), cache_mb=2)
    rng = random.Random(1)
    value = "".join(rng.choice("abcdefghij") for _ in range(8000))

    def rss_mb() -> float:
        return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20

    for n in range(2000):
        m[f"d:{n}"] = value
    before = rss_mb()
    for n in range(2000, 12000):  # 80 MB more of values
        m[f"d:{n}"] = value
    assert rss_mb() - before < 30
    assert m.get("d:11999") == value
    assert len(m) == 12000


_HOLDER = """
import os, sys
from newsingest.streaming.local_db import LocalDatabase
db = LocalDatabase(("CREATE TABLE t (v TEXT)",), cache_mb=1)
db.run_many("INSERT INTO t VALUES (?)", [("x" * 4000,) for _ in range(2000)])  # 8 MB: beyond the cache
assert db.one("SELECT count(*) FROM t") == (2000,)
fds = []
for fd in os.listdir("/proc/self/fd"):
    try:
        fds.append(os.readlink(f"/proc/self/fd/{fd}"))
    except OSError:  # the directory's own descriptor
        pass
print("\\n".join(fds), flush=True)
print("ready", flush=True)
sys.stdin.read()
"""


def test_the_scratch_file_is_private_and_gone_with_the_process(tmp_path: Path) -> None:
    """SQLite makes the file in ``SQLITE_TMPDIR`` (read at process start) and unlinks it at once: the
    directory stays empty while the process writes, and after ``kill -9`` nothing is left behind."""
    env = {**os.environ, "SQLITE_TMPDIR": str(tmp_path), "PYTHONPATH": str(Path(__file__).parents[2] / "service")}
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER], env=env, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None
        held = []
        for line in holder.stdout:
            if line.strip() == "ready":
                break
            held.append(line.strip())
        assert any(link.startswith(str(tmp_path)) and link.endswith("(deleted)") for link in held), held
        assert list(tmp_path.iterdir()) == []
    finally:
        holder.kill()
        holder.wait(timeout=30)
    assert list(tmp_path.iterdir()) == []


def test_units_of_work_commit_in_groups() -> None:
    db = LocalDatabase(("CREATE TABLE t (v INTEGER)",), commit_every=3)
    for n in range(7):
        with db.transaction():
            db.run("INSERT INTO t VALUES (?)", (n,))
    assert db.connection.in_transaction  # always in one: the next group
    assert db.one("SELECT count(*) FROM t") == (7,)


def test_recent_spilled_values_are_served_from_memory_and_never_stale() -> None:
    """The last values read or written are kept in memory (the same str object on every read), bounded, and
    replaced or dropped by every write and delete that goes through the map."""
    spilled = SpillingMap(("s:",), recent=2)
    spilled["s:a"] = "one"
    first = spilled.get("s:a")
    assert first == "one"
    assert spilled.get("s:a") is first
    spilled["s:a"] = "two"
    assert spilled.get("s:a") == "two"
    del spilled["s:a"]
    assert spilled.get("s:a") is None
    assert "s:a" not in spilled
    for key in ("s:b", "s:c", "s:d"):
        spilled[key] = key.upper()
    assert len(spilled._recent) == 2  # bounded: the oldest left memory, not the map
    assert spilled.get("s:b") == "S:B"
    assert spilled.pop("s:c") == "S:C"
    assert spilled.get("s:c") is None
