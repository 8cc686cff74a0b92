"""An article while it is being parsed: what the file states explicitly, before text analysis fills gaps."""

from __future__ import annotations

from dataclasses import dataclass, field

from newsingest.ingest.formats.dates import DateValue


@dataclass
class ArticleDraft:
    """Fields a parser read from a file's structure (JSON keys, XML elements, meta tags).

    Explicit values always win over what ``refine.finish_article`` finds in the text.
    """

    title: str = ""
    paragraphs: list[str] = field(default_factory=list)
    title_derived: bool = False
    published: DateValue | None = None
    authors: list[str] = field(default_factory=list)
    dateline: str | None = None
    dateline_places: list[str] = field(default_factory=list)
    source: str | None = None
    url: str | None = None
    language: str | None = None
    keywords: list[str] = field(default_factory=list)
