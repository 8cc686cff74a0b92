"""HTML pages: the main text without navigation and ads (trafilatura, with a plain DOM fallback),
metadata from JSON-LD, Open Graph and meta tags."""

from __future__ import annotations

import logging
import re

import lxml.html
import trafilatura
from lxml import etree

from newsingest.ingest.formats.base import MalformedDocument, ParseResult, SourceFile
from newsingest.ingest.formats.blocks import Element, paragraphs_from
from newsingest.ingest.formats.cleaning import split_paragraphs
from newsingest.ingest.formats.encoding import decode_declared
from newsingest.ingest.formats.htmlmeta import page_metadata
from newsingest.ingest.formats.htmlsize import MAX_ATTRIBUTES, too_large_to_extract, too_many_attributes
from newsingest.ingest.formats.refine import finish_article
from newsingest.ingest.formats.sniffing import Kind, declared_kind, sniff
from newsingest.models import RawArticle

_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([\w.:-]{1,40})""", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([\w.:-]{1,40})["']""")
_NOISE = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|navigation|menu|breadcrumbs?|ad|ads|advert|advertisement|adslot|banner|cookie|"
    r"consent|share|sharing|social|related|recommended|recommendations|comments?|newsletter|promo|sidebar|"
    r"footer|header|paywall|subscribe|teaser-list|outbrain|taboola|skip-link|byline|caption|credit)(?:$|[\s_-])",
    re.IGNORECASE,
)
_MIN_EXTRACTED = 40
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)


def _is_noise(element: Element) -> bool:
    marker = f"{element.get('class', '')} {element.get('id', '')} {element.get('role', '')}"
    return bool(marker.strip()) and bool(_NOISE.search(marker))


def _decode(data: bytes) -> tuple[str, str]:
    head = data[:4096]
    declared = _CHARSET.search(head) or _XML_ENCODING.search(head)
    name = declared.group(1).decode("ascii", errors="ignore") if declared else None
    text, encoding = decode_declared(data, name)
    return _XML_DECLARATION.sub("", text.lstrip("\ufeff"), count=1), encoding


def _main_text(text: str) -> list[str]:
    try:
        extracted = trafilatura.extract(
            text,
            include_comments=False,
            include_tables=False,
            include_images=False,
            include_links=False,
            favor_precision=True,
            deduplicate=False,
            with_metadata=False,
            output_format="txt",
        )
    except Exception:  # a third-party extractor failing is not the file's fault: use the DOM fallback
        return []
    if not extracted or len(extracted) < _MIN_EXTRACTED:
        return []
    return split_paragraphs(extracted)


def _dom_text(doc: lxml.html.HtmlElement) -> list[str]:
    """Fallback: the article element (or main, or body) with scripts, navigation and ad blocks removed."""
    for xpath in ("//*[@itemprop='articleBody']", "//article", "//main", "//*[@role='main']", "//body"):
        found = doc.xpath(xpath)
        if found:
            paragraphs = paragraphs_from(found[0], skip=_is_noise, skip_tags=_SKIP)
            if paragraphs:
                return paragraphs
    return paragraphs_from(doc, skip=_is_noise, skip_tags=_SKIP)


_SKIP = {"script", "style", "noscript", "template", "svg", "iframe", "object", "embed", "form", "button",
         "select", "input", "textarea", "nav", "aside", "figure", "figcaption", "picture", "video", "audio",
         "canvas", "map", "head", "header", "footer", "menu", "dialog", "h1"}  # fmt: skip


class HtmlParser:
    name = "html"
    media_type = "text/html"

    def score(self, source: SourceFile) -> float:
        kind = sniff(source).kind
        if kind is Kind.HTML:
            return 0.9
        if kind in {Kind.EMPTY, Kind.BINARY}:
            return 0.0
        return 0.6 if declared_kind(source) is Kind.HTML else 0.0

    def parse_detailed(self, source: SourceFile) -> ParseResult:
        text, encoding = _decode(source.data)
        if reason := too_many_attributes(text):
            raise MalformedDocument(f"HTML is not read: {reason}", max_attributes=MAX_ATTRIBUTES)
        try:
            doc = lxml.html.document_fromstring(text)
        except (etree.LxmlError, ValueError) as exc:
            raise MalformedDocument(f"HTML could not be parsed: {str(exc)[:200]}") from exc
        meta = page_metadata(doc)
        extracted = [] if too_large_to_extract(doc) else _main_text(text)
        paragraphs = extracted or meta.article_body or _dom_text(doc)
        draft = meta.draft
        draft.paragraphs = paragraphs
        article = finish_article(draft, source, parser=self.name, media_type=self.media_type, encoding=encoding)
        return ParseResult([article], [], self.name)

    def parse(self, source: SourceFile) -> list[RawArticle]:
        return self.parse_detailed(source).articles_or_raise()
