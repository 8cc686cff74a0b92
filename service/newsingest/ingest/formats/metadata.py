"""Metadata lines in scraped text: "source site-20", "date 2023-09", "Quelle: dpa", "Stand: 12.03.2024",
"Veröffentlicht am 12. März 2024", "URL: https://...", bare date lines, and the same as a prefix of the text
("date 2023-09 Die russische Führung ...")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsingest.ingest.formats.bylines import parse_author_value
from newsingest.ingest.formats.dates import DateValue, match_date, parse_date
from newsingest.ingest.formats.languages import normalise_language
from newsingest.models import DatePrecision

_KEYS: dict[str, str] = {
    "published": "published", "publiziert": "published", "veröffentlicht": "published",
    "veröffentlicht am": "published", "erschienen": "published", "erschienen am": "published",
    "publication date": "published", "published on": "published", "published at": "published",
    "pubdate": "published", "date published": "published", "erstellt": "published", "erstellt am": "published",
    "posted": "published", "posted on": "published", "created": "published",
    "date": "date", "datum": "date", "dated": "date",
    "stand": "updated", "updated": "updated", "updated on": "updated", "aktualisiert": "updated",
    "aktualisiert am": "updated", "zuletzt aktualisiert": "updated", "zuletzt aktualisiert am": "updated",
    "last updated": "updated", "last modified": "updated", "geändert": "updated", "geändert am": "updated",
    "source": "source", "quelle": "source", "quellen": "source", "agency": "source", "agentur": "source",
    "publisher": "source", "herausgeber": "source", "site": "source", "medium": "source",
    "url": "url", "link": "url", "permalink": "url", "canonical": "url", "web": "url",
    "language": "language", "lang": "language", "sprache": "language",
    "author": "author", "authors": "author", "autor": "author", "autorin": "author", "autoren": "author",
    "reporter": "author", "byline": "author", "verfasser": "author",
    "keywords": "keywords", "tags": "keywords", "schlagworte": "keywords", "schlagwörter": "keywords",
    "themen": "keywords", "topics": "keywords", "subjects": "keywords", "category": "keywords",
    "categories": "keywords", "kategorie": "keywords", "rubrik": "keywords", "section": "keywords",
    "ressort": "keywords",
    "title": "title", "titel": "title", "headline": "title", "überschrift": "title", "schlagzeile": "title",
}  # fmt: skip
_KEY_PATTERN = "|".join(re.escape(k).replace(r"\ ", r"\s+") for k in sorted(_KEYS, key=len, reverse=True))
_LINE = re.compile(rf"^(?P<key>{_KEY_PATTERN})(?:\s*(?P<sep>[:=])\s*|\s+)(?P<value>\S.*)$", re.IGNORECASE)
_PREFIX = re.compile(rf"^\s*(?P<key>{_KEY_PATTERN})(?:\s*(?P<sep>[:=])\s*|\s+)", re.IGNORECASE)
_URL = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)
_DATE_FIELDS = {"published", "date", "updated"}
_MAX_LINE = 300


@dataclass(frozen=True)
class MetaLine:
    field: str
    value: str
    date: DateValue | None = None
    keyed: bool = True
    """False for a bare date or URL line, which only counts near the start or end of a text."""


def _key_field(key: str) -> str:
    return _KEYS[re.sub(r"\s+", " ", key.casefold())]


def _accept(field: str, key: str, sep: str | None, value: str) -> MetaLine | None:
    value = value.strip()
    if field in _DATE_FIELDS:
        date = parse_date(value)
        return MetaLine(field, value, date) if date else None
    if field == "language":
        return MetaLine(field, value) if normalise_language(value) else None
    if field == "url":
        return MetaLine(field, value) if re.match(r"^\S+\.\S+$", value) and len(value) <= 2048 else None
    if field == "source":
        if sep:
            return MetaLine(field, value) if 0 < len(value) <= 80 else None
        single = len(value.split()) == 1 and len(value) <= 40
        return MetaLine(field, value) if single and (key.islower() or not value[:1].isupper()) else None
    if not sep:
        return None
    if field == "author":
        return MetaLine(field, value) if parse_author_value(value) else None
    if field in {"keywords", "title"}:
        return MetaLine(field, value) if value else None
    return None


def match_metadata_line(paragraph: str) -> MetaLine | None:
    """A paragraph that is a metadata line, parsed, or None."""
    text = paragraph.strip()
    if not text or len(text) > _MAX_LINE or "\n" in text:
        return None
    if _URL.match(text):
        return MetaLine("url", text, keyed=False)
    if date := parse_date(text, min_precision=DatePrecision.DAY):
        return MetaLine("date", text, date, keyed=False)
    match = _LINE.match(text)
    if not match:
        return None
    key = match.group("key")
    return _accept(_key_field(key), key, match.group("sep"), match.group("value"))


def _prefix_parts(paragraph: str) -> tuple[list[tuple[MetaLine, str]], str]:
    found: list[tuple[MetaLine, str]] = []
    rest = paragraph
    while len(found) < 5:
        match = _PREFIX.match(rest)
        if not match:
            break
        key, sep = match.group("key"), match.group("sep")
        if not sep and not key.islower():
            break
        field = _key_field(key)
        tail = rest[match.end() :]
        if field in _DATE_FIELDS:
            dated = match_date(tail)
            if not dated:
                break
            value, end = tail[: dated[1]], dated[1]
            meta: MetaLine | None = MetaLine(field, value, dated[0])
        elif field in {"source", "url", "language"}:
            token = re.match(r"\S+", tail)
            if not token:
                break
            value, end = token.group(0).rstrip(",;"), token.end()
            meta = _accept(field, key, sep or "", value)
        else:
            break
        remaining = tail[end:].lstrip(" \t,;|-–—")
        if meta is None or not remaining.strip():
            break
        found.append((meta, rest[: match.end() + end].strip()))
        rest = remaining
    return found, rest


def strip_metadata_prefix(paragraph: str) -> tuple[list[MetaLine], str]:
    """Metadata glued to the start of a text ("date 2023-09 Die ...", "source site-3 date 2023-09 ...")."""
    found, rest = _prefix_parts(paragraph)
    return [meta for meta, _ in found], rest


def split_metadata_prefix(paragraph: str) -> list[str]:
    """The paragraph with each glued-on metadata prefix as a paragraph of its own."""
    found, rest = _prefix_parts(paragraph)
    return [*(raw for _, raw in found), rest] if found else [paragraph]
