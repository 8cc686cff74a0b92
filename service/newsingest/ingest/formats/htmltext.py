"""HTML fragments as they appear inside other formats (a JSON "content" field, a NewsML-G2 inlineData)."""

from __future__ import annotations

import html
import re

import lxml.html
from lxml import etree

from newsingest.ingest.formats.blocks import paragraphs_from
from newsingest.ingest.formats.cleaning import split_paragraphs

_TAG = re.compile(
    r"<(?:p|div|br|span|a|strong|em|b|i|u|h[1-6]|ul|ol|li|blockquote|figure|img|section|article|table)\b[^>]*>",
    re.IGNORECASE,
)
_ANY_TAG = re.compile(r"<[^>]{0,500}>")


def looks_like_html(text: str) -> bool:
    return bool(_TAG.search(text[:20000]))


def strip_tags(text: str) -> str:
    """Tags removed and entities resolved, for short strings such as titles."""
    return html.unescape(_ANY_TAG.sub(" ", text)) if "<" in text else html.unescape(text)


def html_fragment_paragraphs(fragment: str) -> list[str]:
    """Paragraphs of an HTML fragment; unparseable markup falls back to stripping tags."""
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.LxmlError, ValueError):
        return split_paragraphs(strip_tags(re.sub(r"(?i)</p\s*>|<br\s*/?>", "\n\n", fragment)))
    return paragraphs_from(root)
