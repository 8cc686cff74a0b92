"""JSON Lines read incrementally: one line at a time from the open file, never the whole file in memory.

Each line is mapped by the same code as the whole-file parser (``jsonl.JsonlParser``: ``load_json`` and
``articles_from_items``), so a file gives the same articles either way. A line longer than ``max_line_bytes``
is skipped without being held (its first bytes go into the item for the dead letter). Lines are UTF-8 (a BOM
at the start is skipped, CRLF endings are fine); a line that is not UTF-8 is decoded on its own by
``decode_text`` (Windows-1252 and the like), so one mis-encoded line does not decide for the whole file.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from typing import BinaryIO

from newsingest.ingest.formats.base import MalformedDocument, ParseError, SourceFile
from newsingest.ingest.formats.encoding import decode_text
from newsingest.ingest.formats.jsondoc import articles_from_items, load_json
from newsingest.ingest.formats.jsonl import JsonlParser, _at_line
from newsingest.ingest.formats.stream_base import START, StreamItem, StreamPosition, bounded
from newsingest.models import RawArticle

_SKIP_CHUNK = 1 << 20


class LineTooLong(ParseError):
    code = "item_too_large"


def _skip_rest_of_line(fh: BinaryIO) -> int:
    """Read up to and including the next newline without keeping it; returns the bytes skipped."""
    skipped = 0
    while True:
        chunk = fh.readline(_SKIP_CHUNK)
        skipped += len(chunk)
        if not chunk or chunk.endswith(b"\n"):
            return skipped


def _decode_line(raw: bytes) -> tuple[str, str]:
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return decode_text(raw)


def _item(raw: bytes, source: SourceFile, index: int, number: int) -> RawArticle | ParseError:
    try:
        text, encoding = _decode_line(raw)
        value = load_json(text)
    except MalformedDocument as error:
        error.detail.pop("line", None)
        return _at_line(error, number, index)
    except ParseError as error:
        return _at_line(error, number, index)
    good, bad = articles_from_items(
        [value], source, parser=JsonlParser.name, media_type=JsonlParser.media_type, encoding=encoding,
        first_index=index,
    )
    return good[0] if good else _at_line(bad[0], number, index)


def iter_jsonl(
    fh: BinaryIO, source: SourceFile, *, start: StreamPosition = START, max_line_bytes: int
) -> Iterator[StreamItem]:
    """The items of a JSONL file opened in binary mode, from ``start`` on (blank lines are skipped)."""
    fh.seek(start.offset)
    offset, index, number = start.offset, start.index, start.lines
    if offset == 0 and fh.read(3) == codecs.BOM_UTF8:
        offset = 3
    fh.seek(offset)
    while True:
        raw = fh.readline(max_line_bytes + 1)
        if not raw:
            return
        number += 1
        if len(raw) > max_line_bytes and not raw.endswith(b"\n"):
            end = offset + len(raw) + _skip_rest_of_line(fh)
            error = LineTooLong(
                f"line {number}: longer than the limit of {max_line_bytes} bytes",
                line=number, index_in_file=index, limit=max_line_bytes, size=end - offset,
            )
            yield StreamItem(index, end, error, bounded(raw), number, number)
            offset, index = end, index + 1
            continue
        end = offset + len(raw)
        line = raw.rstrip(b"\r\n")
        if line.strip():
            result = _item(line, source, index, number)
            failed = isinstance(result, ParseError)
            yield StreamItem(index, end, result, bounded(line) if failed else b"", number, number)
            index += 1
        offset = end

