"""NewsML-G2 newsMessage and packageItem read incrementally: one newsItem at a time, cleared when done.

Library: ``defusedxml.ElementTree.iterparse`` rather than lxml's iterparse, for two reasons. It applies the
very rules ``xmlsafe.parse_xml`` uses for whole files (entity declarations and external references refused,
no DTD ever fetched), and it yields the same ``xml.etree`` elements the whole-file parser navigates (lxml's
also yield comments and processing instructions as children), so each item goes through ``newsml.item_draft``
and ``finish_article`` unchanged and gives the same article as ``NewsMLParser``. Memory stays bounded because
every finished newsItem is removed from its ``itemSet``.

Positions: ``StreamItem.index`` counts the items yielded (news items, then package references), so a resumed
read skips that many without building articles; ``end`` is the number of bytes handed to the parser so far.
Package references (packageItem ``itemRef`` with a title and description) become articles only when the
message holds no newsItem, as in the whole-file parser; inside a message they are held (at most
``MAX_HELD_REFERENCES``) until that is known.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import BinaryIO

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from newsingest.ingest.formats.base import MalformedDocument, ParseError, SourceFile, UnsafeXml
from newsingest.ingest.formats.blocks import local_name
from newsingest.ingest.formats.cleaning import split_paragraphs
from newsingest.ingest.formats.draft import ArticleDraft
from newsingest.ingest.formats.languages import normalise_language
from newsingest.ingest.formats.newsml import _MEDIA_TYPES, NewsMLParser, _is_text, item_draft
from newsingest.ingest.formats.refine import finish_article
from newsingest.ingest.formats.stream_base import StreamItem, bounded
from newsingest.ingest.formats.xmlsafe import _encoding_name, _malformed
from newsingest.ingest.formats.xmltree import child, language_of, text_of
from newsingest.models import RawArticle

MAX_HELD_REFERENCES = 10000
STREAM_ROOTS = {"newsmessage", "packageitem"}


class _CountingReader:
    """A binary file that counts the bytes read from it (the parser's progress)."""

    def __init__(self, fh: BinaryIO) -> None:
        self.fh = fh
        self.count = 0
        self.head = b""

    def read(self, size: int = -1) -> bytes:
        data = self.fh.read(size)
        if len(self.head) < 512:
            self.head += data[: 512 - len(self.head)]
        self.count += len(data)
        return data


def _article(draft: ArticleDraft, source: SourceFile, encoding: str, index: int, media: str) -> RawArticle:
    return finish_article(draft, source, parser=NewsMLParser.name, media_type=media, encoding=encoding,
                          index_in_file=index)


def _item_result(item: ET.Element, language: str | None, source: SourceFile, encoding: str, index: int,
                 media: str) -> RawArticle | ParseError | None:
    """As ``NewsMLParser._parse_root`` treats a news item inside a message."""
    if not _is_text(item) and child(item, "contentSet") is None:
        return None
    try:
        return _article(item_draft(item, language), source, encoding, index, media)
    except ParseError as error:
        if not _is_text(item):
            return None
        error.detail.setdefault("index_in_file", index)
        return error
    except RecursionError:
        return MalformedDocument("XML is nested too deeply", index_in_file=index)


def _reference_draft(ref: ET.Element, language: str | None) -> ArticleDraft | None:
    paragraphs = split_paragraphs(text_of(child(ref, "description")))
    if not paragraphs:
        return None
    return ArticleDraft(title=text_of(child(ref, "title")), paragraphs=paragraphs,
                        language=normalise_language(language))


class _UnusableEncoding(Exception):
    """The XML declaration names an encoding expat cannot read ("bogus", "utf-7", "rot13")."""


def _events(reader: _CountingReader) -> Iterator[tuple[str, ET.Element]]:
    """``iterparse``'s (event, element) pairs; a LookupError or ValueError of expat (an encoding it cannot use;
    defusedxml's refusals excepted) as ``_UnusableEncoding``, so that it is not taken for a bug of the caller."""
    events = SafeET.iterparse(reader, events=("start", "end"), forbid_dtd=False)
    while True:
        try:
            event = next(events)
        except StopIteration:
            return
        except DefusedXmlException:  # a ValueError too: refused XML, reported as such
            raise
        except (LookupError, ValueError) as exc:
            raise _UnusableEncoding(f"XML declares an encoding that cannot be read: {str(exc)[:200]}") from exc
        yield event


def iter_newsml(fh: BinaryIO, source: SourceFile, *, skip: int = 0) -> Iterator[StreamItem]:
    """The items of a NewsML-G2 newsMessage or packageItem; the first ``skip`` are passed over."""
    fh.seek(0)
    reader = _CountingReader(fh)
    encoding = "utf-8"
    stack: list[ET.Element] = []
    names: list[str] = []
    media = _MEDIA_TYPES["newsmessage"]
    message_language: str | None = None
    package_language: str | None = None
    seen = news_items = references = 0
    held: list[ArticleDraft] = []
    in_message = False
    try:
        for event, element in _events(reader):
            name = local_name(element.tag)
            if event == "start":
                if not stack:
                    encoding = _encoding_name(reader.head)
                    if name not in STREAM_ROOTS:
                        reason = f"root element is <{name}>, not a NewsML-G2 message or package"
                        yield StreamItem(seen, reader.count, MalformedDocument(reason))
                        return
                    in_message = name == "newsmessage"
                    media = _MEDIA_TYPES[name]
                    message_language = language_of(element)
                if name == "packageitem":
                    package_language = language_of(element)
                stack.append(element)
                names.append(name)
                continue
            stack.pop()
            names.pop()
            parent = stack[-1] if stack else None
            if name == "newsitem" and in_message and names[-1:] == ["itemset"]:
                held.clear()
                if seen >= skip:
                    result = _item_result(element, message_language, source, encoding, news_items, media)
                    raw = bounded(ET.tostring(element)) if isinstance(result, ParseError) else b""
                    yield StreamItem(seen, reader.count, result, raw)
                seen += 1
                news_items += 1
                parent.remove(element)  # type: ignore[union-attr]
            elif name == "itemref" and "packageitem" in names and not news_items:
                draft = _reference_draft(element, package_language)
                if draft is not None and not in_message:
                    if seen >= skip:
                        yield _reference_item(draft, source, encoding, references, seen, reader.count, media)
                    seen += 1
                    references += 1
                elif draft is not None and len(held) < MAX_HELD_REFERENCES:
                    held.append(draft)
                element.clear()
    except DefusedXmlException as exc:
        yield StreamItem(seen, reader.count, UnsafeXml(
            f"XML refused: {type(exc).__name__} (entity declarations and external references are not allowed)",
            refused=type(exc).__name__))
        return
    except ET.ParseError as exc:
        yield StreamItem(seen, reader.count, _malformed(exc))
        return
    except _UnusableEncoding as exc:
        yield StreamItem(seen, reader.count, MalformedDocument(str(exc), encoding=_encoding_name(reader.head)))
        return
    for draft in held:  # a message of packages only: their references are the articles
        if seen >= skip:
            yield _reference_item(draft, source, encoding, references, seen, reader.count, media)
        seen += 1
        references += 1


def _reference_item(draft: ArticleDraft, source: SourceFile, encoding: str, index: int, seen: int, end: int,
                    media: str) -> StreamItem:
    try:
        return StreamItem(seen, end, _article(draft, source, encoding, index, media))
    except ParseError as error:
        return StreamItem(seen, end, error)
