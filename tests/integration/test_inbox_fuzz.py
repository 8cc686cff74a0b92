"""File-system fuzz: random trees built in the inbox of one running ``newsingest run`` on the real stack.

Random byte names, nested folders, symlinks (inside, outside, loops, dangling), FIFOs, empty files, files
written slowly, renamed and deleted. After each tree: the process is still up; every regular file that holds
an article is indexed (once: its content-derived id is the document id, and it was moved to ``processed/``
exactly once) or is in ``failed/`` with a reason; nothing outside the inbox was read.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from newsingest.config import Settings
from newsingest.ingest.formats.base import SourceFile
from newsingest.ingest.formats.registry import parse_file
from newsingest.ingest.scan import is_ignored_name
from newsingest_devtools.sandbox import remove_namespace
from tests.integration.harness import PipelineProcess, indexed_ids, isolated_settings, wait_for

KINDS = ("article", "article", "slow", "rename", "delete", "empty", "fifo", "link_inside", "link_file",
         "link_dir", "loop", "dangling")
names = st.binary(min_size=1, max_size=24).filter(lambda b: b"/" not in b and b"\x00" not in b)
operations = st.lists(
    st.tuples(st.sampled_from(KINDS), names, st.lists(names, max_size=2), st.floats(0, 0.3)),
    min_size=2, max_size=8,
)
COUNTER = itertools.count()


@dataclass
class Pipeline:
    settings: Settings
    process: PipelineProcess
    outside: Path
    secret_ids: set[str] = field(default_factory=set)


@pytest.fixture(scope="module")
def fuzz_pipeline(stack: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pipeline]:
    root = tmp_path_factory.mktemp("fuzz")
    # A slow writer must not pause longer than file_stable_s (the documented contract for writing in place);
    # its pauses are at most 0.3 s, the margin is for a loaded machine descheduling the writer.
    isolated = isolated_settings(stack, root, file_stable_s=2.0)
    isolated.inbox_dir.mkdir(parents=True)
    outside = root / "outside"
    outside.mkdir()
    process = PipelineProcess(isolated, root / "pipeline.log").start()
    try:
        wait_for(lambda: "watching inbox" in process.log(), 60, "the watcher to start", process.log)
        yield Pipeline(isolated, process, outside)
    finally:
        process.stop()
        remove_namespace(isolated)


def article(title: str) -> bytes:
    return f"{title}\n\nThe committee reviewed the {title} on Monday and published its findings.\n".encode()


def article_id(data: bytes) -> str:
    (parsed,) = parse_file(SourceFile(name="x.txt", data=data))
    return parsed.article_id


def join(*parts: bytes) -> bytes:
    return b"/".join(parts)


def put(folder: bytes, name: bytes, data: bytes, staging: bytes) -> bytes:
    """Write elsewhere, rename in (the usual way to drop a file)."""
    tmp = join(staging, uuid.uuid4().hex.encode())
    with open(tmp, "wb") as handle:
        handle.write(data)
    target = join(folder, name)
    os.rename(tmp, target)
    return target


@given(ops=operations)
@settings(max_examples=15, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_random_trees_never_stop_the_pipeline(
    fuzz_pipeline: Pipeline, ops: list[tuple[str, bytes, list[bytes], float]]
) -> None:
    pipe = fuzz_pipeline
    inbox = os.fsencode(pipe.settings.inbox_dir)
    staging = os.fsencode(pipe.settings.inbox_dir.parent / "staging")
    os.makedirs(staging, exist_ok=True)
    example = f"x{next(COUNTER)}-{uuid.uuid4().hex[:6]}"
    base = join(inbox, example.encode())
    os.mkdir(base)
    outside = os.fsencode(pipe.outside / example)
    os.makedirs(join(outside, b"dir"))
    secret = article(f"Outside secret {example}")
    pipe.secret_ids.add(article_id(secret))
    with open(join(outside, b"secret.txt"), "wb") as handle:
        handle.write(secret)
    with open(join(outside, b"dir", b"inner.txt"), "wb") as handle:
        handle.write(article(f"Outside inner {example}"))
    pipe.secret_ids.add(article_id(article(f"Outside inner {example}")))

    expected: dict[str, bytes] = {}  # article id -> content, for files that must be indexed or failed
    for n, (kind, raw, folders, pause) in enumerate(ops):
        name = raw + b"-" + str(n).encode()
        parts = [f + b"-d" + str(n).encode() for f in folders]
        folder = join(base, *parts)
        os.makedirs(folder, exist_ok=True)
        hidden = any(is_ignored_name(part) for part in [name, *parts])
        data = article(f"Fuzz {example} item {n}")
        path = join(folder, name)
        if kind == "article":
            put(folder, name, data, staging)
        elif kind == "slow":
            with open(path, "wb") as handle:
                for i in range(0, len(data), len(data) // 3 + 1):
                    handle.write(data[i : i + len(data) // 3 + 1])
                    handle.flush()
                    time.sleep(pause)
        elif kind == "rename":
            put(folder, name, data, staging)
            time.sleep(pause)
            new_name = b"renamed-" + str(n).encode() + b"-" + raw
            try:
                os.rename(path, join(base, new_name))
                hidden = is_ignored_name(new_name)
            except FileNotFoundError:
                pass  # already ingested under its first name
        elif kind == "delete":
            put(folder, name, data, staging)
            time.sleep(pause)
            with contextlib.suppress(FileNotFoundError):  # may be ingested already: either is fine
                os.unlink(path)
            continue
        elif kind == "empty":
            open(path, "wb").close()  # no article in it: failed/ (empty_file) or left alone if hidden
            continue
        elif kind == "fifo":
            os.mkfifo(path)
            continue
        elif kind == "link_inside":
            put(folder, name, data, staging)
            os.symlink(path, join(folder, b"link-" + name))
        elif kind == "link_file":
            os.symlink(join(outside, b"secret.txt"), path)
            continue
        elif kind == "link_dir":
            os.symlink(join(outside, b"dir"), path)
            continue
        elif kind == "loop":
            os.makedirs(path, exist_ok=True)
            os.symlink(b"..", join(path, b"up"))
            continue
        elif kind == "dangling":
            os.symlink(join(outside, b"nowhere"), path)
            continue
        if not hidden:
            expected[article_id(data)] = data

    failed = os.fsencode(pipe.settings.failed_path)

    def failed_contents() -> set[bytes]:
        found = set()
        for dirpath, _, files in os.walk(failed):
            for f in files:
                if f.endswith(b".error.json"):
                    record = json.loads(Path(os.fsdecode(join(dirpath, f))).read_bytes())
                    assert record["stage"]
                    assert record["reason"]
                    with contextlib.suppress(FileNotFoundError):  # the record is written before the file moves
                        found.add(Path(os.fsdecode(join(dirpath, f[: -len(b".error.json")]))).read_bytes())
        return found

    def settled() -> bool:
        indexed = set(indexed_ids(pipe.settings))
        failed_now = failed_contents()
        return all(doc_id in indexed or data in failed_now for doc_id, data in expected.items())

    def missing() -> str:
        indexed = set(indexed_ids(pipe.settings))
        failed_now = failed_contents()
        left = [data for doc_id, data in expected.items() if doc_id not in indexed and data not in failed_now]
        return pipe.process.log()[-3000:] + f"\nnot indexed nor failed: {left}"

    wait_for(settled, 90, f"the articles of {example} indexed or failed", missing)
    assert pipe.process.alive(), pipe.process.log()[-3000:]
    assert not set(indexed_ids(pipe.settings)) & pipe.secret_ids, "a file outside the inbox was read"

    processed = os.fsencode(pipe.settings.processed_path / example)
    moved: list[bytes] = []
    for dirpath, _, files in os.walk(processed):
        for f in files:
            with open(join(dirpath, f), "rb") as handle:
                moved.append(handle.read())
    for data in expected.values():
        assert moved.count(data) <= 1, "a file was produced and moved twice"
