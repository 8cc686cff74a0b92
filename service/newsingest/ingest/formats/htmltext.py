"""HTML fragments as they appear inside other formats (a JSON "content" field, a NewsML-G2 inlineData)."""

from __future__ import annotations

import html
import re

import lxml.html
from lxml import etree

from newsingest.ingest.formats.blocks import paragraphs_from
from newsingest.ingest.formats.cleaning import split_paragraphs
from newsingest.ingest.formats.htmlsize import too_many_attributes

_TAG_START = re.compile(
    r"<(?:p|div|br|span|a|strong|em|b|i|u|h[1-6]|ul|ol|li|blockquote|figure|img|section|article|table)\b",
    re.IGNORECASE,
)
_ANY_TAG = re.compile(r"<[^>]{0,500}>")
_HEAD = 20000


def looks_like_html(text: str) -> bool:
    """A known tag opened before a ">" in the first 20,000 characters. (``<p\b[^>]*>`` read on to the end at
    each "<p" when no ">" followed: every JSON body of "<p<p<p..." cost a tenth of a second.)"""
    head = text[:_HEAD]
    close = head.rfind(">")
    return close > 0 and _TAG_START.search(head, 0, close) is not None


def strip_tags(text: str) -> str:
    """Tags removed and entities resolved, for short strings such as titles."""
    return html.unescape(_ANY_TAG.sub(" ", text)) if "<" in text else html.unescape(text)


def html_fragment_paragraphs(fragment: str) -> list[str]:
    """Paragraphs of an HTML fragment; unparseable markup (or too costly to parse: ``htmlsize``) falls back to
    stripping tags."""
    if too_many_attributes(fragment):
        return _stripped_paragraphs(fragment)
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.LxmlError, ValueError):
        return _stripped_paragraphs(fragment)
    return paragraphs_from(root)


def _stripped_paragraphs(fragment: str) -> list[str]:
    return split_paragraphs(strip_tags(re.sub(r"(?i)</p\s*>|<br\s*/?>", "\n\n", fragment)))
