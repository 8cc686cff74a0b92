"""Which large files are streamed, and the reader for each: JSONL, a JSON array of articles, NewsML-G2.

Judged from the first 64 KiB (the same content sniffing as the whole-file parsers) and, for JSON, from where
the array of articles is (``json_stream.locate_items``). UTF-16/32 files are not streamed (the readers work
on UTF-8 bytes): they take the ordinary path, within ``max_file_bytes``.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from newsingest.ingest.formats.base import SourceFile
from newsingest.ingest.formats.json_stream import ItemsArray, iter_json_array, locate_items
from newsingest.ingest.formats.jsonl_stream import iter_jsonl
from newsingest.ingest.formats.newsml_stream import STREAM_ROOTS, iter_newsml
from newsingest.ingest.formats.sniffing import Kind, declared_kind, sniff
from newsingest.ingest.formats.stream_base import StreamItem, StreamPosition

HEAD_BYTES = 65536
_WIDE_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)


@dataclass(frozen=True)
class StreamFormat:
    name: str  # "jsonl", "json", "newsml"
    items: ItemsArray | None = None  # where a JSON file's array of articles starts


def stream_format(fh: BinaryIO, name: str) -> StreamFormat | None:
    """How to stream the open file called ``name``, or None when it is not a multi-article file we stream."""
    fh.seek(0)
    head = fh.read(HEAD_BYTES)
    if head.startswith(_WIDE_BOMS) or b"\x00" in head[:4096]:
        return None
    source = SourceFile(name=name, data=head)
    sniffed = sniff(source)
    first = head.lstrip(codecs.BOM_UTF8 + b" \t\r\n")[:1]
    if sniffed.kind is Kind.JSONL or (declared_kind(source) is Kind.JSONL and first == b"{"):
        return StreamFormat("jsonl")
    if sniffed.kind is Kind.JSON:
        items = locate_items(fh)
        return StreamFormat("json", items) if items is not None else None
    if sniffed.kind is Kind.NEWSML and (sniffed.root or "").lower() in STREAM_ROOTS:
        return StreamFormat("newsml")
    return None


def open_items(fmt: StreamFormat, fh: BinaryIO, source: SourceFile, start: StreamPosition,
               max_item_bytes: int) -> Iterator[StreamItem]:
    """The reader of ``fmt`` over the open file, from ``start`` on."""
    if fmt.name == "jsonl":
        return iter_jsonl(fh, source, start=start, max_line_bytes=max_item_bytes)
    if fmt.name == "json" and fmt.items is not None:
        return iter_json_array(fh, source, fmt.items, start=start, max_item_bytes=max_item_bytes)
    return iter_newsml(fh, source, skip=start.index)
