"""Article objects with common field names (JSON, JSON-LD ``NewsArticle``): title/headline,
body/text/content, published/date/datePublished, author(s)/byline, url, source, language, keywords."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from newsingest.ingest.formats.base import MissingContent
from newsingest.ingest.formats.bylines import parse_author_value
from newsingest.ingest.formats.cleaning import split_paragraphs
from newsingest.ingest.formats.dates import DateValue, from_timestamp, parse_date
from newsingest.ingest.formats.draft import ArticleDraft
from newsingest.ingest.formats.htmltext import html_fragment_paragraphs, looks_like_html, strip_tags
from newsingest.ingest.formats.languages import normalise_language
from newsingest.ingest.formats.refine import split_keywords
from newsingest.text.agencies import canonical_source

TITLE_KEYS = ("title", "headline", "heading", "head", "titel", "ueberschrift", "name")
BODY_KEYS = (
    "body", "text", "content", "articlebody", "bodytext", "fulltext", "contentencoded", "story", "articletext",
    "maintext", "plaintext", "bodyhtml", "html", "inhalt", "fliesstext",
)  # fmt: skip
SUMMARY_KEYS = ("description", "summary", "abstract", "lead", "teaser", "excerpt", "standfirst", "dek")
DATE_KEYS = (
    "published", "publishedat", "publishedon", "publishdate", "publicationdate", "datepublished", "pubdate",
    "date", "datecreated", "created", "createdat", "firstpublished", "firstpublishedat", "issued", "time",
    "timestamp", "releasedate", "webpublicationdate", "publishedtime", "datum", "veroeffentlicht",
)  # fmt: skip
AUTHOR_KEYS = (
    "authors",
    "author",
    "byline",
    "creator",
    "creators",
    "dccreator",
    "writer",
    "writers",
    "by",
    "autor",
)
URL_KEYS = ("url", "link", "canonicalurl", "canonical", "permalink", "weburl", "shareurl", "uri", "href")
SOURCE_KEYS = (
    "source", "sourcename", "publisher", "provider", "agency", "site", "sitename", "outlet", "publication",
    "newspaper", "quelle", "copyrightholder",
)  # fmt: skip
LANGUAGE_KEYS = ("language", "lang", "inlanguage", "locale", "languagecode", "sprache")
KEYWORD_KEYS = (
    "keywords", "tags", "subjects", "subject", "categories", "category", "topics", "newskeywords",
    "articlesection", "section", "schlagworte",
)  # fmt: skip
DATELINE_KEYS = ("dateline",)
_TEXT_KEYS = ("rendered", "text", "value", "#text", "@value", "name", "content", "plain", "date")
_NAME_KEYS = ("name", "fullname", "displayname", "title", "label", "@value", "value", "term")
_MAX_DEPTH = 6


def _norm(key: object) -> str:
    return re.sub(r"[^a-z0-9#@]", "", str(key).casefold()).lstrip("@") if isinstance(key, str) else ""


class Fields:
    """An object's keys matched case- and punctuation-insensitively ("date_published" = "datePublished")."""

    def __init__(self, obj: Mapping[str, Any]) -> None:
        self._values: dict[str, Any] = {}
        for key, value in obj.items():
            self._values.setdefault(_norm(key), value)

    def first(self, keys: tuple[str, ...]) -> Any:
        for key in keys:
            value = self._values.get(key)
            if value not in (None, "", [], {}):
                return value
        return None

    def keys(self) -> list[str]:
        return list(self._values)


def as_text(value: Any, depth: int = 0) -> str | None:
    """A string from a value that may be wrapped: {"rendered": ...}, {"@value": ...}, ["..."]."""
    if depth > _MAX_DEPTH:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        fields = Fields(value)
        return as_text(fields.first(tuple(_norm(k) for k in _TEXT_KEYS)), depth + 1)
    if isinstance(value, list) and value:
        return as_text(value[0], depth + 1)
    return None


def body_paragraphs(value: Any, depth: int = 0) -> list[str]:
    """Body paragraphs from a string (plain or HTML), a list of paragraphs or a wrapped value."""
    if depth > _MAX_DEPTH:
        return []
    if isinstance(value, str):
        return html_fragment_paragraphs(value) if looks_like_html(value) else split_paragraphs(value)
    if isinstance(value, list):
        return [p for item in value[:5000] for p in body_paragraphs(item, depth + 1)]
    if isinstance(value, Mapping):
        text = as_text(value, depth + 1)
        return body_paragraphs(text, depth + 1) if text is not None else []
    return []


def _names(value: Any, depth: int = 0) -> list[str]:
    if depth > _MAX_DEPTH:
        return []
    if isinstance(value, str):
        return parse_author_value(strip_tags(value))
    if isinstance(value, list):
        return [name for item in value[:100] for name in _names(item, depth + 1)]
    if isinstance(value, Mapping):
        fields = Fields(value)
        name = fields.first(tuple(_norm(k) for k in _NAME_KEYS))
        if name is None and (given := fields.first(("givenname", "firstname"))):
            family = fields.first(("familyname", "lastname", "surname"))
            name = f"{given} {family}" if isinstance(family, str) else given
        return _names(name, depth + 1) if isinstance(name, str | list) else []
    return []


def _labels(value: Any, depth: int = 0) -> list[str]:
    if depth > _MAX_DEPTH:
        return []
    if isinstance(value, str):
        return split_keywords(value)
    if isinstance(value, list):
        return [label for item in value[:200] for label in _labels(item, depth + 1)]
    if isinstance(value, Mapping):
        label = Fields(value).first(tuple(_norm(k) for k in _NAME_KEYS))
        return [label] if isinstance(label, str) else []
    return []


def read_date(value: Any) -> DateValue | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return from_timestamp(float(value))
    text = as_text(value)
    if text is None:
        return None
    text = text.strip()
    if re.fullmatch(r"\d{9,13}(?:\.\d+)?", text):
        return from_timestamp(float(text))
    return parse_date(text)


def _source(value: Any) -> str | None:
    name = as_text(value) if not isinstance(value, Mapping) else as_text(Fields(value).first(("name", "title", "id")))
    return canonical_source(strip_tags(name)) if name else None


def _url(value: Any) -> str | None:
    text = as_text(value) if not isinstance(value, Mapping) else as_text(Fields(value).first(("id", "url", "href")))
    if not text:
        return None
    text = text.strip()
    return text if text and len(text) <= 2048 and not re.search(r"\s", text) else None


def read_fields(obj: Mapping[str, Any]) -> ArticleDraft:
    """Everything an article object states, without judging whether it is enough for an article."""
    fields = Fields(obj)
    title = as_text(fields.first(TITLE_KEYS)) or ""
    body_value = fields.first(BODY_KEYS)
    paragraphs = body_paragraphs(body_value) if body_value is not None else []
    if not paragraphs and (summary := fields.first(SUMMARY_KEYS)) is not None:
        paragraphs = body_paragraphs(summary)
    dateline = as_text(fields.first(DATELINE_KEYS))
    return ArticleDraft(
        title=strip_tags(title),
        paragraphs=paragraphs,
        published=read_date(fields.first(DATE_KEYS)),
        authors=_names(fields.first(AUTHOR_KEYS)),
        dateline=dateline.strip() if dateline else None,
        source=_source(fields.first(SOURCE_KEYS)),
        url=_url(fields.first(URL_KEYS)),
        language=normalise_language(as_text(fields.first(LANGUAGE_KEYS))),
        keywords=_labels(fields.first(KEYWORD_KEYS)),
    )


def draft_from_mapping(obj: Any, index_in_file: int = 0) -> ArticleDraft:
    """The draft for one article object; MissingContent when it is not an object or has no text."""
    if not isinstance(obj, Mapping):
        raise MissingContent(f"item is a JSON {type(obj).__name__}, not an article object", index_in_file=index_in_file)
    draft = read_fields(obj)
    if not draft.paragraphs:
        fields = Fields(obj)
        missing = "neither title nor body" if not draft.title.strip() else "no body text"
        raise MissingContent(
            f"article object has {missing} (looked for {', '.join(BODY_KEYS[:4])}, ...)",
            index_in_file=index_in_file,
            keys=fields.keys()[:20],
        )
    return draft
