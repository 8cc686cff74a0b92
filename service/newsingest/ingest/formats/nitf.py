"""NITF 3.x: headline (hl1), byline (person/byttl), dateline (location, story.date), dates (date.issue,
date.release, pubdata), language (xml:lang), subjects and keywords, body.content paragraphs."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from newsingest.ingest.formats.base import MalformedDocument, ParseResult, SourceFile
from newsingest.ingest.formats.blocks import local_name, paragraphs_from
from newsingest.ingest.formats.bylines import parse_author_value
from newsingest.ingest.formats.casing import is_all_caps, title_case
from newsingest.ingest.formats.dates import DateValue
from newsingest.ingest.formats.draft import ArticleDraft
from newsingest.ingest.formats.languages import normalise_language
from newsingest.ingest.formats.mapping import read_date
from newsingest.ingest.formats.refine import finish_article, split_keywords
from newsingest.ingest.formats.sniffing import Kind, declared_kind, sniff
from newsingest.ingest.formats.xmlsafe import parse_xml
from newsingest.ingest.formats.xmltree import (
    attribute,
    child,
    children,
    descendants,
    language_of,
    outermost,
    pruned,
    text_of,
)
from newsingest.models import RawArticle
from newsingest.text.agencies import canonical_source, find_agency

_PLACE_TAGS = ("city", "state", "region", "country", "location.name")


def _title(nitf: ET.Element) -> str:
    for hl1 in outermost(nitf, "hl1"):
        if text := text_of(hl1):
            return text
    return text_of(child(nitf, "head", "title"))


def _authors(body_head: ET.Element | None) -> tuple[list[str], str | None]:
    authors: list[str] = []
    source: str | None = None
    for byline in children(body_head, "byline") if body_head is not None else []:
        for title in outermost(byline, "byttl"):
            source = source or find_agency(text_of(title))
        persons = [text for p in outermost(byline, "person") if (text := text_of(p))]
        if not persons:
            without_title = ET.Element("byline")
            without_title.text = byline.text
            for node in byline:
                if local_name(node.tag) != "byttl":
                    without_title.append(node)
            persons = parse_author_value(text_of(without_title))
        for person in persons:
            name = title_case(person) if is_all_caps(person) else person
            if name not in authors:
                authors.append(name)
    return authors, source


def _dateline(body_head: ET.Element | None) -> tuple[str | None, list[str], DateValue | None]:
    dateline = child(body_head, "dateline")
    if dateline is None:
        return None, [], None
    places: list[str] = []
    for location in outermost(dateline, "location"):
        for node in outermost(location, *_PLACE_TAGS):
            if text := text_of(node):
                places.append(title_case(text) if is_all_caps(text) else text)
        if not places and (text := text_of(location)):
            places.append(title_case(text) if is_all_caps(text) else text)
    story_date = next(descendants(dateline, "story.date"), None)
    date = read_date(attribute(story_date, "norm")) if story_date is not None else None
    return text_of(dateline) or None, places, date


def _published(nitf: ET.Element) -> DateValue | None:
    head = child(nitf, "head")
    candidates = [attribute(n, "date.publication") for n in children(head, "pubdata")] if head is not None else []
    docdata = child(head, "docdata")
    for name in ("date.issue", "date.release"):
        candidates.append(attribute(child(docdata, name), "norm"))
    for candidate in candidates:
        if candidate and (found := read_date(candidate)):
            return found
    return None


def _keywords(nitf: ET.Element) -> list[str]:
    keywords: list[str] = []
    for node in pruned(nitf, ("keyword",)):
        name = local_name(node.tag)
        if name == "keyword":
            value = attribute(node, "key") or text_of(node)
        elif name == "tobject.subject":
            value = (
                attribute(node, "tobject.subject.matter")
                or attribute(node, "tobject.subject.detail")
                or attribute(node, "tobject.subject.type")
            )
        elif name == "classifier":
            value = attribute(node, "value")
        elif name == "meta" and (attribute(node, "name") or "").lower() in {"keywords", "subjects", "tags"}:
            keywords.extend(split_keywords(attribute(node, "content") or ""))
            continue
        else:
            continue
        if value:
            keywords.append(value)
    return keywords


def _source(nitf: ET.Element, byline_source: str | None) -> str | None:
    head = child(nitf, "head")
    body_head = child(nitf, "body", "body.head")
    candidates = [
        text_of(child(body_head, "distributor")),
        attribute(child(head, "docdata", "doc.copyright"), "holder"),
        attribute(child(head, "pubdata"), "name"),
        byline_source,
    ]
    for candidate in candidates:
        if candidate and (found := canonical_source(candidate)):
            return found
    return None


def _url(nitf: ET.Element) -> str | None:
    head = child(nitf, "head")
    for pubdata in children(head, "pubdata") if head is not None else []:
        ref = attribute(pubdata, "ex-ref")
        if ref and ref.startswith(("http://", "https://")):
            return ref.strip()
    return None


def body_paragraphs(element: ET.Element) -> list[str]:
    """Paragraphs of a NITF body (body.content, or the abstract when there is no body text)."""
    paragraphs = [p for content in outermost(element, "body.content") for p in paragraphs_from(content)]
    if not paragraphs:
        paragraphs = [p for abstract in outermost(element, "abstract") for p in paragraphs_from(abstract)]
    return paragraphs


def nitf_draft(nitf: ET.Element) -> ArticleDraft:
    """Everything a NITF document states (also used for NITF inside NewsML-G2)."""
    body_head = child(nitf, "body", "body.head")
    authors, byline_source = _authors(body_head)
    dateline, places, story_date = _dateline(body_head)
    body = child(nitf, "body")
    return ArticleDraft(
        title=_title(nitf),
        paragraphs=body_paragraphs(nitf),
        published=_published(nitf) or story_date,
        authors=authors,
        dateline=dateline,
        dateline_places=places,
        source=_source(nitf, byline_source),
        url=_url(nitf),
        language=normalise_language(language_of(nitf, body, child(body, "body.content"))),
        keywords=_keywords(nitf),
    )


class NitfParser:
    name = "nitf"
    media_type = "application/nitf+xml"

    def score(self, source: SourceFile) -> float:
        kind = sniff(source).kind
        if kind is Kind.NITF:
            return 0.95
        if kind in {Kind.EMPTY, Kind.BINARY}:
            return 0.0
        return 0.6 if declared_kind(source) is Kind.NITF else 0.0

    def parse_detailed(self, source: SourceFile) -> ParseResult:
        document = parse_xml(source.data)
        root = document.root
        if local_name(root.tag) != "nitf":
            raise MalformedDocument(f"root element is <{local_name(root.tag)}>, not <nitf>")
        try:
            draft = nitf_draft(root)
        except RecursionError as exc:
            raise MalformedDocument("XML is nested too deeply") from exc
        article = finish_article(
            draft, source, parser=self.name, media_type=self.media_type, encoding=document.encoding
        )
        return ParseResult([article], [], self.name)

    def parse(self, source: SourceFile) -> list[RawArticle]:
        return self.parse_detailed(source).articles_or_raise()
