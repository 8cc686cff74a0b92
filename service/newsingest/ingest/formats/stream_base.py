"""What the incremental readers of multi-article files share: the item they yield and where to resume.

A streamed reader (``jsonl_stream``, ``json_stream``, ``newsml_stream``) never holds the whole file: it yields
one ``StreamItem`` per article-sized item, with the byte offset just after it, so the caller can checkpoint
"acknowledged up to here" and a restarted reader can continue from there (``StreamPosition``).
"""

from __future__ import annotations

from dataclasses import dataclass

from newsingest.ingest.formats.base import ParseError
from newsingest.models import RawArticle

DLQ_PAYLOAD_MAX_BYTES = 256 * 1024
"""At most this much of a bad item's bytes goes into its dead letter (Kafka's default message limit is 1 MB)."""


@dataclass(frozen=True, slots=True)
class StreamPosition:
    """Where a reader starts: byte offset, index of the next item, lines consumed (JSONL line numbers)."""

    offset: int = 0
    index: int = 0
    lines: int = 0


@dataclass(frozen=True, slots=True)
class ArticleRef:
    """An article parsed in a parser process (``ingest/stream_parse.py``): its JSON travels beside the item,
    and the sender needs nothing of it but the id."""

    article_id: str


@dataclass(frozen=True, slots=True)
class StreamItem:
    """One item of a streamed file and what it became."""

    index: int
    """position of the item in the file (``index_in_file`` of its article)"""
    end: int
    """byte offset just after the item (for NewsML: bytes handed to the parser so far): the resume point"""
    result: RawArticle | ArticleRef | ParseError | None
    """the article, the reason it is none, or None for an item that is not meant to be one (a picture)"""
    raw: bytes = b""
    """the item's bytes (at most ``DLQ_PAYLOAD_MAX_BYTES``) when it failed, for the dead letter"""
    line: int | None = None
    """line number of the item (JSONL), 1-based"""
    lines: int = 0
    """lines consumed up to ``end`` (JSONL), so a resumed reader keeps numbering lines correctly"""

    @property
    def position(self) -> StreamPosition:
        """Where to resume after this item."""
        return StreamPosition(self.end, self.index + 1, self.lines)


def bounded(raw: bytes) -> bytes:
    return raw[:DLQ_PAYLOAD_MAX_BYTES]


START = StreamPosition()
"""The beginning of a file."""
