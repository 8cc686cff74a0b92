"""Turning a draft into a RawArticle: repair text, read the body for bylines/datelines/credits/metadata,
fill the fields the file did not state explicitly, derive a title when there is none."""

from __future__ import annotations

import re

from newsingest.identity import normalise_text
from newsingest.ingest.formats.base import MalformedDocument, MissingContent, SourceFile, build_article
from newsingest.ingest.formats.bylines import parse_author_value
from newsingest.ingest.formats.cleaning import join_paragraphs, normalise_inline, repair_text
from newsingest.ingest.formats.datelines import parse_dateline_text
from newsingest.ingest.formats.dates import DateValue
from newsingest.ingest.formats.draft import ArticleDraft
from newsingest.ingest.formats.languages import normalise_language
from newsingest.ingest.formats.scraped import BodyFindings, analyse_body
from newsingest.ingest.formats.titles import derive_title, split_title_source
from newsingest.models import RawArticle
from newsingest.text.agencies import canonical_source

MAX_KEYWORDS = 50
MAX_PARAGRAPHS = 20_000
_SLUG = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
# as \s*[,;|]\s*, but spaces are taken only from where their run starts, never given back: quadratic otherwise
_KEYWORD_SEPARATOR = re.compile(r"(?:(?<!\s)\s++)?[,;|]\s*+")


def clean_keywords(values: list[str]) -> list[str]:
    """Keywords trimmed, de-duplicated case-insensitively, in their first spelling and order."""
    seen: set[str] = set()
    keywords: list[str] = []
    for value in values:
        keyword = normalise_inline(repair_text(value)).strip(" ,;#")
        if not keyword or len(keyword) > 100 or keyword.casefold() in seen:
            continue
        seen.add(keyword.casefold())
        keywords.append(keyword)
        if len(keywords) >= MAX_KEYWORDS:
            break
    return keywords


def split_keywords(value: str) -> list[str]:
    return [part for part in _KEYWORD_SEPARATOR.split(value) if part.strip()]


def _published(findings: BodyFindings) -> DateValue | None:
    for name in ("published", "date", "updated"):
        for meta in findings.meta_values(name):
            if meta.date is not None:
                return meta.date
    return findings.dateline.date if findings.dateline else None


def _source(draft_source: str | None, title_source: str | None, findings: BodyFindings) -> str | None:
    stated = [canonical_source(m.value) for m in findings.meta_values("source")]
    named = [s for s in stated if s and not _SLUG.match(s)]
    slugs = [s for s in stated if s and _SLUG.match(s)]
    candidates = [
        draft_source,
        title_source,
        findings.dateline.agency if findings.dateline else None,
        findings.byline_source,
        *named,
        *findings.credit_sources,
        *slugs,
    ]
    for candidate in candidates:
        if candidate and (cleaned := canonical_source(candidate)):
            return cleaned
    return None


def _authors(draft: ArticleDraft, findings: BodyFindings) -> list[str]:
    if draft.authors:
        authors = draft.authors
    elif findings.authors:
        authors = findings.authors
    elif meta := findings.meta_values("author"):
        authors = [a for m in meta for a in parse_author_value(m.value)]
    else:
        authors = findings.reporters
    unique: list[str] = []
    for author in authors:
        author = normalise_inline(repair_text(author))
        if author and len(author) <= 120 and author not in unique:
            unique.append(author)
    return unique


def _dateline(draft: ArticleDraft, findings: BodyFindings) -> tuple[str | None, list[str]]:
    if draft.dateline:
        text = normalise_inline(repair_text(draft.dateline))
        parsed = parse_dateline_text(text)
        return text or None, draft.dateline_places or (parsed.places if parsed else [])
    if findings.dateline:
        return findings.dateline.text, draft.dateline_places or findings.dateline.places
    return None, draft.dateline_places


def finish_article(
    draft: ArticleDraft,
    source: SourceFile,
    *,
    parser: str,
    media_type: str,
    encoding: str | None,
    index_in_file: int = 0,
) -> RawArticle:
    """The RawArticle for a draft; raises MissingContent when no body text is left, MalformedDocument for more
    than ``MAX_PARAGRAPHS`` paragraphs (each is analysed: a million took seconds)."""
    if len(draft.paragraphs) > MAX_PARAGRAPHS:
        raise MalformedDocument(
            f"text has {len(draft.paragraphs)} paragraphs; more than {MAX_PARAGRAPHS} are no article",
            index_in_file=index_in_file,
            paragraphs=len(draft.paragraphs),
        )
    paragraphs = [p for p in (normalise_inline(repair_text(p)) for p in draft.paragraphs) if p]
    findings = analyse_body(paragraphs)
    title, title_source = split_title_source(normalise_inline(repair_text(draft.title)))
    if not title and (meta_titles := findings.meta_values("title")):
        title, title_source = split_title_source(normalise_inline(repair_text(meta_titles[0].value)))
    body_paragraphs = findings.paragraphs
    if title and body_paragraphs and normalise_text(body_paragraphs[0]) == normalise_text(title):
        body_paragraphs = body_paragraphs[1:]
    body = join_paragraphs(body_paragraphs)
    if not body:
        raise MissingContent("article has no body text", index_in_file=index_in_file, title=title[:120])
    title_derived = draft.title_derived
    if not title:
        title, title_derived = derive_title(body_paragraphs[0]), True
    dateline, places = _dateline(draft, findings)
    url_meta = findings.meta_values("url")
    language_meta = [m.value for m in findings.meta_values("language")]
    keyword_meta = [k for m in findings.meta_values("keywords") for k in split_keywords(m.value)]
    published = draft.published or _published(findings)
    return build_article(
        source,
        parser=parser,
        media_type=media_type,
        title=title,
        body=body,
        index_in_file=index_in_file,
        encoding=encoding,
        title_derived=title_derived,
        published_at=published.value if published else None,
        published_precision=published.precision if published else None,
        authors=_authors(draft, findings),
        dateline=dateline,
        dateline_places=places,
        source=_source(draft.source and repair_text(draft.source), title_source, findings),
        url=draft.url or (url_meta[0].value if url_meta else None),
        language_hint=draft.language or next(filter(None, map(normalise_language, language_meta)), None),
        keywords=clean_keywords(draft.keywords or keyword_meta),
    )
