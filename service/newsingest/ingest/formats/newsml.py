"""IPTC NewsML-G2: newsItem, newsMessage (several items) and packageItem. Text items become articles;
pictures and other non-text items in a message are skipped. A bad item fails alone."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from newsingest.ingest.formats.base import (
    MalformedDocument,
    MissingContent,
    ParseError,
    ParseResult,
    SourceFile,
)
from newsingest.ingest.formats.blocks import local_name, paragraphs_from
from newsingest.ingest.formats.bylines import parse_author_value
from newsingest.ingest.formats.cleaning import split_paragraphs
from newsingest.ingest.formats.dates import DateValue
from newsingest.ingest.formats.draft import ArticleDraft
from newsingest.ingest.formats.htmltext import html_fragment_paragraphs
from newsingest.ingest.formats.languages import normalise_language
from newsingest.ingest.formats.mapping import read_date
from newsingest.ingest.formats.nitf import body_paragraphs as nitf_body_paragraphs
from newsingest.ingest.formats.nitf import nitf_draft
from newsingest.ingest.formats.refine import finish_article
from newsingest.ingest.formats.sniffing import Kind, declared_kind, sniff
from newsingest.ingest.formats.xmlsafe import parse_xml
from newsingest.ingest.formats.xmltree import (
    attribute,
    child,
    children,
    descendants,
    first_descendant,
    language_of,
    text_of,
)
from newsingest.models import RawArticle
from newsingest.text.agencies import canonical_source

_ROOTS = {"newsitem", "packageitem", "newsmessage"}
_TEXT_CLASSES = {"text", "composite"}
_MEDIA_TYPES = {
    "newsitem": "application/vnd.iptc.g2.newsitem+xml",
    "newsmessage": "application/vnd.iptc.g2.newsmessage+xml",
    "packageitem": "application/vnd.iptc.g2.packageitem+xml",
}


def _name(element: ET.Element | None) -> str | None:
    """A G2 concept's name: <name> child, @literal, or the code of its @qcode ("nprov:REUTERS" -> "REUTERS")."""
    if element is None:
        return None
    if name := text_of(child(element, "name")):
        return name
    if literal := attribute(element, "literal"):
        return literal
    qcode = attribute(element, "qcode")
    return qcode.split(":", 1)[-1] if qcode else None


def _is_text(item: ET.Element) -> bool:
    qcode = attribute(child(item, "itemMeta", "itemClass"), "qcode")
    return qcode is None or qcode.split(":", 1)[-1].lower() in _TEXT_CLASSES


def _content(item: ET.Element) -> tuple[list[str], ArticleDraft | None]:
    """Body paragraphs from the content set, and the NITF draft when the content is NITF."""
    content_set = child(item, "contentSet")
    if content_set is None:
        return [], None
    for content in content_set:
        kind = local_name(content.tag)
        contenttype = (attribute(content, "contenttype") or "").lower()
        if kind == "inlinexml":
            nitf = first_descendant(content, "nitf")
            if nitf is not None:
                draft = nitf_draft(nitf)
                if draft.paragraphs:
                    return draft.paragraphs, draft
            if paragraphs := nitf_body_paragraphs(content):
                return paragraphs, None
            body = first_descendant(content, "body")
            if paragraphs := paragraphs_from(body if body is not None else content):
                return paragraphs, None
        elif kind == "inlinedata":
            raw = content.text or ""
            paragraphs = html_fragment_paragraphs(raw) if "html" in contenttype else split_paragraphs(raw)
            if paragraphs:
                return paragraphs, None
    return [], None


def _headline(content_meta: ET.Element | None, item: ET.Element) -> str:
    headlines = children(content_meta, "headline") if content_meta is not None else []
    main = [h for h in headlines if (attribute(h, "role") or "").endswith("main")] or headlines
    for headline in main:
        if text := text_of(headline):
            return text
    return text_of(child(item, "itemMeta", "title"))


def _authors(content_meta: ET.Element | None) -> list[str]:
    if content_meta is None:
        return []
    authors: list[str] = []
    for creator in children(content_meta, "creator"):
        if name := text_of(child(creator, "name")) or attribute(creator, "literal"):
            authors.extend(a for a in parse_author_value(name) if a not in authors)
    if not authors:
        for by in children(content_meta, "by"):
            authors.extend(a for a in parse_author_value(text_of(by)) if a not in authors)
    return authors


def _published(item: ET.Element) -> DateValue | None:
    for path in (
        ("itemMeta", "firstCreated"),
        ("contentMeta", "contentCreated"),
        ("itemMeta", "versionCreated"),
    ):
        if (found := read_date(text_of(child(item, *path)))) is not None:
            return found
    return None


def _keywords(content_meta: ET.Element | None) -> list[str]:
    if content_meta is None:
        return []
    keywords = [text_of(k) for k in children(content_meta, "keyword") if text_of(k)]
    for subject in children(content_meta, "subject"):
        if name := text_of(child(subject, "name")):
            keywords.append(name)
    return keywords


def _source(item: ET.Element, content_meta: ET.Element | None) -> str | None:
    candidates = [
        _name(child(item, "itemMeta", "provider")),
        _name(child(content_meta, "infoSource")),
        _name(child(item, "rightsInfo", "copyrightHolder")),
    ]
    for candidate in candidates:
        if candidate and (found := canonical_source(candidate)):
            return found
    return None


def _places(content_meta: ET.Element | None) -> list[str]:
    if content_meta is None:
        return []
    return [name for located in children(content_meta, "located") if (name := _name(located))]


def item_draft(item: ET.Element, message_language: str | None = None) -> ArticleDraft:
    """Everything one newsItem states; MissingContent when it has no inline text."""
    content_meta = child(item, "contentMeta")
    paragraphs, nitf = _content(item)
    if not paragraphs and content_meta is not None:
        for description in children(content_meta, "description"):
            paragraphs = split_paragraphs(text_of(description))
            if paragraphs:
                break
    if not paragraphs:
        remote = first_descendant(item, "remoteContent")
        raise MissingContent(
            "news item has no inline text content",
            guid=attribute(item, "guid"),
            remote=attribute(remote, "href") if remote is not None else None,
        )
    language = attribute(child(content_meta, "language"), "tag") or language_of(item) or message_language
    dateline = text_of(child(content_meta, "dateline")) or None
    return ArticleDraft(
        title=_headline(content_meta, item) or (nitf.title if nitf else ""),
        paragraphs=paragraphs,
        published=_published(item) or (nitf.published if nitf else None),
        authors=_authors(content_meta) or (nitf.authors if nitf else []),
        dateline=dateline or (nitf.dateline if nitf else None),
        dateline_places=[] if dateline else _places(content_meta) or (nitf.dateline_places if nitf else []),
        source=_source(item, content_meta) or (nitf.source if nitf else None),
        language=normalise_language(language) or (nitf.language if nitf else None),
        keywords=_keywords(content_meta) or (nitf.keywords if nitf else []),
    )


def _package_drafts(package: ET.Element) -> list[ArticleDraft]:
    """Articles from a package's item references that carry their own title and description."""
    drafts: list[ArticleDraft] = []
    for ref in descendants(package, "itemRef"):
        title = text_of(child(ref, "title"))
        # an itemRef inside the description is an article of its own (as the streamed reader sees it)
        paragraphs = split_paragraphs(text_of(child(ref, "description"), excluding="itemRef"))
        if paragraphs:
            language = normalise_language(language_of(package))
            drafts.append(ArticleDraft(title=title, paragraphs=paragraphs, language=language))
    return drafts


class NewsMLParser:
    name = "newsml"
    media_type = "application/vnd.iptc.g2.newsitem+xml"

    def score(self, source: SourceFile) -> float:
        kind = sniff(source).kind
        if kind is Kind.NEWSML:
            return 0.95
        if kind in {Kind.EMPTY, Kind.BINARY}:
            return 0.0
        return 0.6 if declared_kind(source) is Kind.NEWSML else 0.0

    def _items(self, root: ET.Element) -> tuple[list[ET.Element], list[ET.Element]]:
        root_name = local_name(root.tag)
        if root_name == "newsitem":
            return [root], []
        if root_name == "packageitem":
            return [], [root]
        item_set = child(root, "itemSet")
        members = list(item_set) if item_set is not None else []
        items = [m for m in members if local_name(m.tag) == "newsitem"]
        packages = [m for m in members if local_name(m.tag) == "packageitem"]
        return items, packages

    def _finish(
        self, draft: ArticleDraft, source: SourceFile, encoding: str, index: int, media_type: str
    ) -> RawArticle:
        return finish_article(
            draft, source, parser=self.name, media_type=media_type, encoding=encoding, index_in_file=index
        )

    def parse_detailed(self, source: SourceFile) -> ParseResult:
        document = parse_xml(source.data)
        root = document.root
        if local_name(root.tag) not in _ROOTS:
            raise MalformedDocument(f"root element is <{local_name(root.tag)}>, not a NewsML-G2 item or message")
        try:
            return self._parse_root(root, source, document.encoding)
        except RecursionError as exc:
            raise MalformedDocument("XML is nested too deeply") from exc

    def _parse_root(self, root: ET.Element, source: SourceFile, encoding: str) -> ParseResult:
        items, packages = self._items(root)
        message_language = language_of(root)
        articles: list[RawArticle] = []
        errors: list[ParseError] = []
        standalone = local_name(root.tag) == "newsitem"
        media_type = _MEDIA_TYPES[local_name(root.tag)]
        for index, item in enumerate(items):
            if not standalone and not _is_text(item) and child(item, "contentSet") is None:
                continue
            try:
                if not _is_text(item) and standalone:
                    qcode = attribute(child(item, "itemMeta", "itemClass"), "qcode")
                    raise MissingContent(f"news item is not text (itemClass {qcode})")
                articles.append(self._finish(item_draft(item, message_language), source, encoding, index, media_type))
            except ParseError as error:
                if standalone or _is_text(item):
                    error.detail.setdefault("index_in_file", index)
                    errors.append(error.detached())
        if not items and packages:
            for index, draft in enumerate(d for package in packages for d in _package_drafts(package)):
                try:
                    articles.append(self._finish(draft, source, encoding, index, media_type))
                except ParseError as error:
                    errors.append(error.detached())
            if not articles and not errors:
                refs = [attribute(r, "residref") for p in packages for r in descendants(p, "itemRef")]
                raise MissingContent("package holds no news item content", residrefs=refs[:20])
        if not articles and not errors:
            raise MissingContent("NewsML-G2 document holds no text item")
        return ParseResult(articles, errors, self.name)

    def parse(self, source: SourceFile) -> list[RawArticle]:
        return self.parse_detailed(source).articles_or_raise()
