"""Photo captions and credits: "© Reuters. DATEIFOTO: ...", "Foto: dpa", "Photo: Getty Images",
"(Photo by X/AFP via Getty Images)", "Bild: ...", "Image copyright ...", "... REUTERS/Kim Hong-Ji".

A credit paragraph is removed from the body; a copyright holder ("© Reuters") may name the source, a photo
credit only when it names a news agency.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsingest.text.agencies import canonical_source, find_agency

_COPYRIGHT = re.compile(
    r"^(?:©|\(c\)|copyright\s*(?:©|\(c\)|\d{4}\b|by\b)|copyright\s+(?=(?-i:[A-Z])))\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*)?"
    r"(?P<holder>[^.,;:|/\n]{0,60})",
    re.IGNORECASE,
)
_PHOTO_PREFIX = re.compile(
    r"^(?:[(\[]\s*)?(?P<kw>image\s+copyright|image\s+caption|media\s+caption|file\s+photo|quelle\s+bild|"
    r"fotos?|bild(?:er|quelle|rechte|unterschrift)?|photos?|photograph|picture|images?|grafik|illustration|"
    r"video|archivfoto|archivbild|dateifoto|symbolbild|symbolfoto|titelbild|caption)\b\s*"
    r"(?P<sep>:|by\b|von\b)?\s*"
    r"(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_PHOTO_SUFFIX = re.compile(
    r"(?:[(\[]\s*(?:photo|foto|bild|image|picture)s?\s*(?:by|:|von)\s*[^()\[\]]{1,100}[)\]]"
    r"|\b(?:photo|foto|bild|image)s?\s*:\s*[^.!?]{1,80}"
    r"|\b[A-Z][\w.'’\- ]{0,60}/(?:REUTERS|Reuters|dpa|AFP|AP|Getty Images|picture[ -]alliance|EPA|Pool)"
    r"[\w /.'’\-]{0,60}"
    r"|\bREUTERS/[\w .'’\-]{1,60})\s*\.?\s*$"
)
_AGENCY_SLASH = re.compile(r"^[\w .'’\-]{0,60}/[\w .'’\-]{1,60}$")
_MAX_CAPTION = 700
_STANDALONE_KEYWORDS = {
    "image copyright", "image caption", "media caption", "file photo", "archivfoto", "archivbild", "dateifoto",
    "symbolbild", "symbolfoto", "bildunterschrift", "bildrechte", "bildquelle",
}  # fmt: skip


@dataclass(frozen=True)
class Credit:
    source: str | None = None


def _holder(text: str) -> str | None:
    text = re.sub(r"\b(?:all rights reserved|alle rechte vorbehalten)\b.*$", "", text, flags=re.IGNORECASE)
    text = re.sub(r"\s+(?:photo|foto|bild|image)s?\s*$", "", text.strip(), flags=re.IGNORECASE).strip()
    if not text:
        return None
    return find_agency(text) or canonical_source(text)


_SUFFIX_WORDS = ("/", "photo", "foto", "bild", "image", "picture")


def _may_end_in_credit(text: str) -> bool:
    """Every alternative of ``_PHOTO_SUFFIX`` needs a slash or one of these words (lower case, as written
    there): a cheap test before its search, which would otherwise try every position of the paragraph."""
    return any(word in text for word in _SUFFIX_WORDS)


def match_credit(paragraph: str) -> Credit | None:
    """A caption/credit paragraph (to drop from the body) and the source it names, or None."""
    text = paragraph.strip()
    if not text or len(text) > _MAX_CAPTION:
        return None
    if match := _COPYRIGHT.match(text):
        return Credit(_holder(match.group("holder")))
    if match := _PHOTO_PREFIX.match(text):
        keyword = re.sub(r"\s+", " ", match.group("kw").casefold())
        rest = match.group("rest")
        if match.group("sep") is None and keyword not in _STANDALONE_KEYWORDS:
            return None
        return Credit(find_agency(rest) if rest else None)
    if len(text) <= 400 and _may_end_in_credit(text) and _PHOTO_SUFFIX.search(text):
        return Credit(None)
    if len(text) <= 80 and _AGENCY_SLASH.match(text) and find_agency(text.split("/")[-1]):
        return Credit(None)
    return None
