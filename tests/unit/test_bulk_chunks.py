"""A poll's documents go to Elasticsearch in bodies of at most bulk_max_bytes, each document once, in order."""

from __future__ import annotations

import orjson

from newsingest.index.writer import BulkItem, chunked


def items(n: int, size: int = 100) -> list[BulkItem]:
    return [BulkItem(f"id-{i}", {"body": "x" * size, "n": i}) for i in range(n)]


def test_chunks_respect_the_byte_limit_and_keep_every_item_once_in_order() -> None:
    docs = items(50)
    chunks = list(chunked(docs, 1000))
    assert len(chunks) > 5
    assert all(sum(len(e.lines) for e in chunk) <= 1000 for chunk in chunks)
    assert [e.doc_id for chunk in chunks for e in chunk] == [d.doc_id for d in docs]


def test_each_item_is_an_action_line_and_its_document() -> None:
    (chunk,) = chunked(items(2), 1_000_000)
    lines = b"".join(e.lines for e in chunk).split(b"\n")
    assert lines[-1] == b""
    assert orjson.loads(lines[0]) == {"index": {"_id": "id-0"}}
    assert orjson.loads(lines[3])["n"] == 1


def test_a_document_bigger_than_the_limit_goes_alone() -> None:
    docs = [*items(1), *items(1, size=5000), *items(1)]
    chunks = list(chunked(docs, 1000))
    assert [len(c) for c in chunks] == [1, 1, 1]
