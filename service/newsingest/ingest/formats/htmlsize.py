"""How much work HTML makes the libraries that read it, judged before they do it.

libxml2 compares each attribute of an element with every earlier one: 20,000 attributes on one element took a
second per parse, and a page is parsed up to four times (here, by trafilatura, by its two fallbacks). Elements
with more than ``MAX_ATTRIBUTES`` are therefore refused. The count is taken in linear time, from a tokenizer
that reads start tags to their ">" (quoted values opaque), skips comments and the text of script-like elements,
and counts rather too many attributes than too few.

trafilatura takes time quadratic in the number of paragraphs beyond some ten thousand (80,000 ``<p>`` took 25 s):
pages with more than ``MAX_EXTRACTED_ELEMENTS`` elements are read without it.
"""

from __future__ import annotations

import re
from itertools import islice

from lxml import etree

MAX_ATTRIBUTES = 500
"""No real element comes near this; at this many, libxml2 still reads ~10 MB a second."""
MAX_EXTRACTED_ELEMENTS = 20000
"""trafilatura takes about a second for a page of this many elements."""
_TAG_REST = r"(?:[^>\"']++|\"[^\"]*+\"|'[^']*+'|[\"'])*+>?"
_TOKENS = re.compile(
    r"<!--.*?(?:-->|\Z)"
    r"|<(?P<raw>script|style|textarea|title|xmp|iframe|noembed|noframes)\b"
    rf"(?P<raw_tag>{_TAG_REST}).*?(?:</(?P=raw)|\Z)"
    rf"|<[A-Za-z][^\s/>]*+(?P<tag>{_TAG_REST})"
    r"|(?:[^<]++|<(?![A-Za-z]|!--))++",  # text, with any "<" that opens no tag or comment (one token, not many)
    re.DOTALL | re.IGNORECASE,
)
_QUOTED = re.compile(r"\"[^\"]*\"|'[^']*'")
_ATTRIBUTE = re.compile(r"[^\s/=>]+(?:\s*=\s*[^\s/=>]*)?|=")
_MIN_LENGTH = 2 * MAX_ATTRIBUTES  # shorter start tags cannot hold more attributes


def most_attributes(text: str) -> int:
    """The most attributes a start tag in ``text`` has (at least; 0 when every start tag is short)."""
    if len(text) < _MIN_LENGTH:
        return 0
    most = 0
    for token in _TOKENS.finditer(text):
        start, end = token.span("tag") if token.start("tag") >= 0 else token.span("raw_tag")
        if end - start > _MIN_LENGTH:
            most = max(most, len(_ATTRIBUTE.findall(_QUOTED.sub("", text[start:end]))))
    return most


def too_many_attributes(text: str) -> str | None:
    """Why libxml2 should not parse ``text``, or None when it may."""
    most = most_attributes(text)
    return f"an element has {most} attributes (more than {MAX_ATTRIBUTES})" if most > MAX_ATTRIBUTES else None


def too_large_to_extract(doc: etree._Element) -> bool:
    """More elements than trafilatura reads in reasonable time."""
    return sum(1 for _ in islice(doc.iter(etree.Element), MAX_EXTRACTED_ELEMENTS + 1)) > MAX_EXTRACTED_ELEMENTS
