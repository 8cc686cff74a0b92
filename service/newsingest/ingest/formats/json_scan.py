"""A bounded scanner that finds where JSON values begin and end in a file, without decoding them.

Why not an incremental JSON parser such as ``ijson``: a checkpoint needs the byte offset just after each
acknowledged item (to resume there after a crash), and ijson does not report positions; it also decodes
numbers differently (``Decimal``) than ``json.loads``. This scanner only tracks strings, escapes and bracket
depth with two regular expressions (C speed between structural characters), hands each item's exact bytes to
``json.loads`` like the whole-file parser does, and keeps at most one item (up to a limit) in memory: a longer
value is skipped without being held.
"""

from __future__ import annotations

import re
from typing import BinaryIO

_IN_STRING = re.compile(rb'["\\]')
_STRUCTURE = re.compile(rb'["\[\]{}]')
_SCALAR_END = re.compile(rb"[,\]}\s]")
_NOT_SPACE = re.compile(rb"[^ \t\r\n]")
CHUNK_BYTES = 1 << 20


class Truncated(Exception):
    """The file ended inside a value."""


class JsonCursor:
    """A read position in a JSON file with a sliding buffer; ``mark`` keeps bytes from there on."""

    def __init__(self, fh: BinaryIO, offset: int, *, chunk: int = CHUNK_BYTES) -> None:
        fh.seek(offset)
        self.fh = fh
        self.chunk = chunk
        self.buf = b""
        self.base = offset  # file offset of buf[0]
        self.i = 0  # index into buf
        self.mark: int | None = None

    @property
    def offset(self) -> int:
        return self.base + self.i

    def _more(self) -> bool:
        data = self.fh.read(self.chunk)
        if not data:
            return False
        keep = min(self.i if self.mark is None else self.mark, len(self.buf))
        self.buf = self.buf[keep:] + data
        self.base += keep
        self.i -= keep
        if self.mark is not None:
            self.mark -= keep
        return True

    def peek(self) -> int | None:
        """The next byte that is not JSON whitespace (the cursor stops on it), or None at the end."""
        while True:
            found = _NOT_SPACE.search(self.buf, self.i)
            if found:
                self.i = found.start()
                return self.buf[self.i]
            self.i = len(self.buf)
            if not self._more():
                return None

    def take(self) -> None:
        self.i += 1

    def marked_bytes(self) -> bytes:
        return b"" if self.mark is None else self.buf[self.mark : self.i]

    def drop_mark_if_longer(self, limit: int) -> bool:
        """Stop keeping the marked bytes once they exceed ``limit``; True when they did."""
        if self.mark is not None and self.i - self.mark > limit:
            self.mark = None
            return True
        return False

    def skip_value(self, limit: int | None = None) -> bool:
        """Move past the value starting at the cursor (after ``peek``); False when it grew beyond ``limit``
        (its bytes are then no longer kept). Raises Truncated at the end of the file."""
        first = self.buf[self.i]
        too_long = False
        if first not in b'{["':
            while not (found := _SCALAR_END.search(self.buf, self.i)):
                self.i = len(self.buf)
                if not self._more():
                    return True  # a scalar may end the file
            self.i = found.start()
            return True
        depth, in_string = 0, False
        while True:
            if limit is not None and not too_long:
                too_long = self.drop_mark_if_longer(limit)
            pattern = _IN_STRING if in_string else _STRUCTURE
            found = pattern.search(self.buf, self.i) if self.i < len(self.buf) else None
            if found is None:
                self.i = max(self.i, len(self.buf))
                if not self._more():
                    raise Truncated
                continue
            char = self.buf[found.start()]
            self.i = found.end()
            if in_string:
                if char == 0x5C:  # backslash: the next byte is escaped (it may still be unread)
                    self.i += 1
                    continue
                in_string = False
                if depth == 0:
                    return not too_long
            elif char == 0x22:
                in_string = True
            elif char in b"[{":
                depth += 1
            else:
                depth -= 1
                if depth == 0:
                    return not too_long
