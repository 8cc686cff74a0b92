"""JSON arrays of articles read incrementally: ``[{...}, {...}]`` or a wrapper such as ``{"articles": [...]}``.

Item boundaries come from ``json_scan.JsonCursor`` (bounded memory, byte offsets for checkpoints); each item is
decoded with ``load_json`` and mapped by ``articles_from_items`` exactly as ``jsondoc.JsonParser`` does, so a
file gives the same articles streamed or whole. Differences, by design: a wrapper object is searched for its
*first* container array in document order (the whole-file parser prefers keys by name), nested wrappers are
not streamed (``locate_items`` returns None and the file takes the ordinary path), and a truncated file keeps
the items before the cut (the cut-off rest becomes one failed item) instead of failing as a whole.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from newsingest.ingest.formats.base import MalformedDocument, ParseError, SourceFile
from newsingest.ingest.formats.encoding import decode_text
from newsingest.ingest.formats.json_scan import JsonCursor, Truncated
from newsingest.ingest.formats.jsondoc import _CONTAINER_KEYS, JsonParser, _unwrap, articles_from_items, load_json
from newsingest.ingest.formats.mapping import _norm
from newsingest.ingest.formats.stream_base import StreamItem, StreamPosition, bounded
from newsingest.models import RawArticle


class ItemTooLarge(ParseError):
    code = "item_too_large"


@dataclass(frozen=True, slots=True)
class ItemsArray:
    """Where the array of article objects starts (just after its ``[``) and whether items are search hits."""

    offset: int
    unwrap: bool


def _start(fh: BinaryIO) -> int:
    fh.seek(0)
    return 3 if fh.read(3) == codecs.BOM_UTF8 else 0


def _key(raw: bytes) -> str | None:
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, str) else None


def locate_items(fh: BinaryIO) -> ItemsArray | None:
    """The array of articles in a JSON file, or None when the document is not one we can stream."""
    cursor = JsonCursor(fh, _start(fh))
    first = cursor.peek()
    if first == ord("["):
        cursor.take()
        return ItemsArray(cursor.offset, unwrap=False)
    if first != ord("{"):
        return None
    cursor.take()
    try:
        while cursor.peek() == ord('"'):
            cursor.mark = cursor.i
            cursor.skip_value(limit=4096)
            key = _key(cursor.marked_bytes())
            cursor.mark = None
            if cursor.peek() != ord(":"):
                return None
            cursor.take()
            if cursor.peek() is None:
                return None
            if cursor.buf[cursor.i] == ord("[") and key is not None and _norm(key) in _CONTAINER_KEYS:
                cursor.mark = cursor.i  # keep the buffer from the "[" on, to go back when it holds no objects
                cursor.take()
                after = cursor.offset
                if cursor.peek() == ord("{"):
                    return ItemsArray(after, unwrap=True)
                cursor.i, cursor.mark = cursor.mark, None
            cursor.skip_value()
            if cursor.peek() != ord(","):
                return None
            cursor.take()
    except Truncated:
        return None
    return None


def _article(raw: bytes, source: SourceFile, index: int, unwrap: bool) -> RawArticle | ParseError:
    try:
        try:
            text, encoding = raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = decode_text(raw)
        value: Any = load_json(text)
    except ParseError as error:
        error.detail.setdefault("index_in_file", index)
        return error
    good, bad = articles_from_items(
        [_unwrap(value) if unwrap else value], source, parser=JsonParser.name,
        media_type=JsonParser.media_type, encoding=encoding, first_index=index,
    )
    return good[0] if good else bad[0]


def iter_json_array(
    fh: BinaryIO, source: SourceFile, items: ItemsArray, *, start: StreamPosition | None = None,
    max_item_bytes: int,
) -> Iterator[StreamItem]:
    """The items of the array at ``items``; from ``start`` (just after an item) when resuming."""
    resuming = start is not None and start.offset > items.offset
    cursor = JsonCursor(fh, start.offset if resuming and start else items.offset)
    index = start.index if resuming and start else 0
    expect_comma = resuming
    while True:
        item_start = cursor.offset
        char = cursor.peek()
        if char is None:
            yield StreamItem(index, cursor.offset, MalformedDocument("JSON is truncated: the array is not closed",
                                                                     index_in_file=index))
            return
        if char == ord("]"):
            return
        if expect_comma:
            if char != ord(","):
                yield _garbage(cursor, index, "expected ',' or ']' after an item")
                return
            cursor.take()
            expect_comma = False
            continue
        cursor.mark = cursor.i
        try:
            kept = cursor.skip_value(limit=max_item_bytes)
        except Truncated:
            raw = cursor.marked_bytes()
            yield StreamItem(index, cursor.offset, MalformedDocument(
                "JSON is truncated inside an item", index_in_file=index, offset=item_start), bounded(raw))
            return
        raw, cursor.mark = cursor.marked_bytes(), None
        if not kept:
            error = ItemTooLarge(f"item {index} is longer than the limit of {max_item_bytes} bytes",
                                 index_in_file=index, limit=max_item_bytes, size=cursor.offset - item_start)
            yield StreamItem(index, cursor.offset, error, bounded(raw))
        else:
            result = _article(raw, source, index, items.unwrap)
            yield StreamItem(index, cursor.offset, result, bounded(raw) if isinstance(result, ParseError) else b"")
        index += 1
        expect_comma = True


def _garbage(cursor: JsonCursor, index: int, reason: str) -> StreamItem:
    raw = cursor.buf[cursor.i : cursor.i + 200]
    return StreamItem(index, cursor.offset, MalformedDocument(f"invalid JSON: {reason}", index_in_file=index,
                                                              offset=cursor.offset), raw)
