"""What every format parser shares: the input it gets, the errors it raises, how it builds articles."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any, ClassVar, Protocol

from pydantic import ValidationError

from newsingest.identity import article_id
from newsingest.models import Provenance, RawArticle, utcnow


class ParseError(Exception):
    """An expected failure to read a file: becomes ``failed/<name>.error.json``, never a crash."""

    code: ClassVar[str] = "parse_error"

    def __init__(self, reason: str, **detail: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "reason": self.reason, **self.detail}

    def detached(self) -> ParseError:
        """This error without the tracebacks that keep the frames of the failed item alive (2-3 KB): for the
        errors a file of many items keeps, up to 100,000 of them."""
        for error in (self, self.__cause__, self.__context__):
            if error is not None:
                error.__traceback__ = None
        return self


class EmptyFile(ParseError):
    code = "empty_file"


class BinaryFile(ParseError):
    code = "binary_file"


class UnsupportedFormat(ParseError):
    code = "unsupported_format"


class UndecodableText(ParseError):
    code = "undecodable_text"


class MalformedDocument(ParseError):
    code = "malformed_document"


class MissingContent(ParseError):
    code = "missing_content"


class UnsafeXml(ParseError):
    """XML that declares entities, refers to external resources or would need a DTD fetched: refused."""

    code = "unsafe_xml"


@dataclass(frozen=True)
class ParseResult:
    """What a file yielded: the articles that parsed, and one typed error per item (or file) that did not.

    A multi-article file (JSON array, JSONL, NewsML-G2 message) keeps its good items when some are bad.
    A file that failed as a whole has no articles and exactly one error.
    """

    articles: list[RawArticle] = field(default_factory=list)
    errors: list[ParseError] = field(default_factory=list)
    parser: str | None = None

    def articles_or_raise(self) -> list[RawArticle]:
        """The articles; when there are none, the (first) error is raised instead."""
        if self.articles:
            return self.articles
        if not self.errors:
            raise MissingContent("file holds no article")
        if len(self.errors) == 1:
            raise self.errors[0]
        first = self.errors[0]
        raise type(first)(
            f"all {len(self.errors)} items failed; first: {first.reason}",
            errors=[error.as_dict() for error in self.errors[:20]],
        )


@dataclass(frozen=True)
class SourceFile:
    """The bytes of one dropped file and what is known about it before parsing."""

    name: str
    data: bytes
    received_at: datetime = field(default_factory=utcnow)
    media_type: str | None = None
    """Media type stated by whoever delivered the file (e.g. an HTTP upload), if any."""
    known_sha256: str | None = None
    """The file's SHA-256 when the caller already has it (a streamed file hashed in one pass; ``data`` is
    then only the part being parsed)."""
    known_size: int | None = None
    """The whole file's size when ``data`` is only part of it (streamed files)."""

    @cached_property
    def sha256(self) -> str:
        """Hashed once per file, not per article (a 20,000-article file made this quadratic)."""
        return self.known_sha256 or hashlib.sha256(self.data).hexdigest()

    @property
    def size(self) -> int:
        return len(self.data) if self.known_size is None else self.known_size

    @property
    def suffix(self) -> str:
        dot = self.name.rfind(".")
        return self.name[dot + 1 :].lower() if dot > 0 else ""


class FormatParser(Protocol):
    """One file format. ``score`` says how sure the parser is that it can read the file (0 = not at all)."""

    name: str
    media_type: str

    def score(self, source: SourceFile) -> float: ...

    def parse(self, source: SourceFile) -> list[RawArticle]: ...


class DetailedFormatParser(FormatParser, Protocol):
    """A parser that can report per-item failures next to the articles that did parse."""

    def parse_detailed(self, source: SourceFile) -> ParseResult: ...


def build_article(
    source: SourceFile,
    /,
    *,
    parser: str,
    media_type: str,
    title: str,
    body: str,
    index_in_file: int = 0,
    encoding: str | None = None,
    **fields: Any,
) -> RawArticle:
    """A RawArticle with its content-derived id and provenance filled in.

    ``source`` is positional-only so that the article's own ``source`` field can be passed in ``fields``.
    """
    if not title.strip() and not body.strip():
        raise MissingContent("article has neither title nor body", index_in_file=index_in_file)
    provenance = Provenance(
        file_name=source.name,
        file_sha256=source.sha256,
        file_size=source.size,
        media_type=media_type,
        format=parser,
        encoding=encoding,
        index_in_file=index_in_file,
        received_at=source.received_at,
    )
    try:
        return RawArticle(
            article_id=article_id(title, body),
            title=title.strip(),
            body=body.strip(),
            provenance=provenance,
            **fields,
        )
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[:5])
        raise MalformedDocument(f"article fields are invalid: {problems}", index_in_file=index_in_file) from exc
