"""What a hostile inbox holds (non-UTF-8 names, symlink loops, links out of the inbox, dangling links, FIFOs)
must neither stop nor hang a real ``newsingest run``, nor lead it to read anything outside the inbox."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from newsingest.config import Settings
from newsingest.ingest.formats.base import SourceFile
from newsingest.ingest.formats.registry import parse_file
from newsingest.ingest.names import name_bytes
from tests.integration.harness import PipelineProcess, files_in, get_doc, indexed_ids, wait_for


def article(title: str) -> bytes:
    return f"{title}\n\nThe council met on Tuesday to discuss the {title} and agreed on next steps.\n".encode()


def article_id(data: bytes) -> str:
    (parsed,) = parse_file(SourceFile(name="x.txt", data=data))
    return parsed.article_id


def write_raw(folder: Path, raw_name: bytes, data: bytes) -> bytes:
    """Write ``data`` under a name given as bytes, the careful way (elsewhere first, then renamed in)."""
    target = os.fsencode(folder) + b"/" + raw_name
    staging = os.fsencode(folder.parent) + b"/staging-" + uuid.uuid4().hex.encode()
    with open(staging, "wb") as handle:
        handle.write(data)
    os.rename(staging, target)
    return target


def test_hostile_entries_leave_ordinary_files_searchable_and_nothing_outside_is_read(
    isolated: Settings, tmp_path: Path
) -> None:
    inbox = isolated.inbox_dir
    tag = uuid.uuid4().hex[:8]
    outside = tmp_path / "outside"
    (outside / "dir").mkdir(parents=True)
    secret_title = f"Outside secret memo {tag}"
    (outside / "secret.txt").write_bytes(article(secret_title))
    (outside / "dir" / "inner.txt").write_bytes(article(f"Outside inner memo {tag}"))

    # present before start-up: a loop once hung start-up before "watching inbox"
    (inbox / "loop").mkdir()
    (inbox / "loop" / "up").symlink_to("..")
    (inbox / "to-file.txt").symlink_to(outside / "secret.txt")
    (inbox / "to-dir").symlink_to(outside / "dir")
    (inbox / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    os.mkfifo(inbox / "pipe.txt")
    bad_name = b"\xff\xfe report " + tag.encode() + b".txt"
    expected = {}
    data = article(f"Harbour expansion {tag}")
    write_raw(inbox, bad_name, data)
    expected[article_id(data)] = bad_name
    data = article(f"Railway timetable {tag}")
    write_raw(inbox / "loop", b"ordinary.txt", data)
    expected[article_id(data)] = b"ordinary.txt"

    process = PipelineProcess(isolated, tmp_path / "pipeline.log").start()
    try:
        wait_for(lambda: "watching inbox" in process.log(), 60, "the watcher to start", process.log)
        # dropped while it runs: another non-UTF-8 name, a FIFO, a new loop and an ordinary file
        os.mkfifo(inbox / "late-pipe.json")
        (inbox / "late").mkdir()
        (inbox / "late" / "again").symlink_to("../late")
        late_bad = b"late \xe9\x80 " + tag.encode() + b".txt"
        data = article(f"Late night ferry {tag}")
        write_raw(inbox / "late", late_bad, data)
        expected[article_id(data)] = late_bad
        data = article(f"Library opening {tag}")
        write_raw(inbox, b"library.txt", data)
        expected[article_id(data)] = b"library.txt"

        wait_for(lambda: set(indexed_ids(isolated)) >= set(expected), 120, "the ordinary and non-UTF-8 files",
                 process.log)
        assert process.alive(), process.log()[-3000:]
        ids = indexed_ids(isolated)
        assert sorted(ids) == sorted(expected), "something else was indexed (read through a link?)"
        for doc_id, raw_name in expected.items():
            provenance = get_doc(isolated, doc_id)["provenance"]
            assert name_bytes(provenance["file_name_b64"]) == raw_name
            provenance["file_name"].encode("utf-8")
        assert not any(secret_title in get_doc(isolated, doc_id)["title"] for doc_id in ids)

        processed = {os.path.basename(os.fsencode(p)) for p in files_in(isolated.processed_path)}
        assert processed == set(expected.values())
        assert files_in(isolated.failed_path) == []
        # the links and FIFOs were left alone, and what they point to is untouched
        for name in ("to-file.txt", "to-dir", "dangling.txt"):
            assert (inbox / name).is_symlink()
        assert (inbox / "pipe.txt").exists()
        assert (inbox / "late-pipe.json").exists()
        assert (outside / "secret.txt").exists()
        assert (outside / "dir" / "inner.txt").exists()
        assert process.alive()
    finally:
        process.stop()
