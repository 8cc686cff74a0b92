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
from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class _Line:
    """One line as ``iter_jsonl`` consumes it: its bytes (at most the limit + 1), where it ends, its number."""

    raw: bytes
    begin: int
    end: int
    number: int
    too_long: bool

    @property
    def is_item(self) -> bool:
        """Whether the line becomes an item (blank lines do not; a line over the limit always does)."""
        return self.too_long or bool(self.raw.strip())


def _lines(fh: BinaryIO, start: StreamPosition, max_line_bytes: int) -> Iterator[_Line]:
    """The lines from ``start`` on (after a UTF-8 BOM at the start of the file); a line over the limit is
    skipped without being held."""
    offset, number = start.offset, start.lines
    fh.seek(offset)
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
            yield _Line(raw, offset, end, number, True)
        else:
            end = offset + len(raw)
            yield _Line(raw.rstrip(b"\r\n"), offset, end, number, False)
        offset = end


def iter_jsonl(
    fh: BinaryIO, source: SourceFile, *, start: StreamPosition = START, max_line_bytes: int
) -> Iterator[StreamItem]:
    """The items of a JSONL file opened in binary mode, from ``start`` on (blank lines are skipped)."""
    index = start.index
    for line in _lines(fh, start, max_line_bytes):
        if line.too_long:
            error = LineTooLong(
                f"line {line.number}: longer than the limit of {max_line_bytes} bytes",
                line=line.number, index_in_file=index, limit=max_line_bytes, size=line.end - line.begin,
            )
            yield StreamItem(index, line.end, error, bounded(line.raw), line.number, line.number)
            index += 1
        elif line.is_item:
            result = _item(line.raw, source, index, line.number)
            failed = isinstance(result, ParseError)
            yield StreamItem(index, line.end, result, bounded(line.raw) if failed else b"", line.number,
                             line.number)
            index += 1


@dataclass(frozen=True, slots=True)
class JsonlChunk:
    """A run of consecutive items of a JSONL file: where it starts and how many items it holds."""

    start: StreamPosition
    items: int


def jsonl_chunks(fh: BinaryIO, *, start: StreamPosition = START, max_line_bytes: int,
                 items_per_chunk: int) -> Iterator[JsonlChunk]:
    """The file cut into chunks of ``items_per_chunk`` items without parsing them (``iter_jsonl`` from a chunk's
    start, ``items`` items long, gives exactly the items a reader from ``start`` gives there), so several
    processes can parse the chunks of one file at once."""
    begin, index, count = start, start.index, 0
    for line in _lines(fh, start, max_line_bytes):
        if line.is_item:
            index, count = index + 1, count + 1
            if count == items_per_chunk:
                yield JsonlChunk(begin, count)
                begin, count = StreamPosition(line.end, index, line.number), 0
    if count:
        yield JsonlChunk(begin, count)
