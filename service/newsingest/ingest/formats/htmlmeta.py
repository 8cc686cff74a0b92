"""Metadata of an HTML page: JSON-LD ``NewsArticle`` first, then Open Graph / article:* and meta tags,
then the page itself (<title>, <html lang>, canonical link, rel=author, <time itemprop=datePublished>)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import html as lxml_html

from newsingest.ingest.formats.bylines import parse_author_value, parse_byline
from newsingest.ingest.formats.cleaning import normalise_inline, split_paragraphs
from newsingest.ingest.formats.dates import DateValue
from newsingest.ingest.formats.draft import ArticleDraft
from newsingest.ingest.formats.languages import normalise_language
from newsingest.ingest.formats.mapping import as_text, read_date, read_fields
from newsingest.ingest.formats.refine import split_keywords

NEWS_TYPES = {
    "newsarticle", "article", "reportagenewsarticle", "analysisnewsarticle", "backgroundnewsarticle",
    "opinionnewsarticle", "reviewnewsarticle", "askpublicnewsarticle", "blogposting", "liveblogposting",
    "report", "scholarlyarticle", "techarticle", "socialmediaposting",
}  # fmt: skip
_DATE_META = (
    "article:published_time", "og:article:published_time", "datepublished", "date", "pubdate", "publishdate",
    "publish-date", "publication_date", "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.created",
    "dcterms.date", "sailthru.date", "parsely-pub-date", "article.published", "originalpublicationdate",
    "og:published_time", "published_time", "article_date_original", "cxenseparse:recs:publishtime",
)  # fmt: skip
_AUTHOR_META = (
    "author",
    "article:author",
    "parsely-author",
    "sailthru.author",
    "dc.creator",
    "dcterms.creator",
)
_LANGUAGE_META = ("content-language", "language", "dc.language", "dcterms.language", "og:locale")
_KEYWORD_META = ("news_keywords", "keywords", "article:tag", "parsely-tags", "sailthru.tags")
_MAX_JSON_LD = 50


@dataclass
class PageMeta:
    draft: ArticleDraft
    article_body: list[str] = field(default_factory=list)


def _json_ld_objects(doc: lxml_html.HtmlElement) -> Iterator[Mapping[str, Any]]:
    for script in doc.xpath("//script[@type]")[:_MAX_JSON_LD]:
        if "ld+json" not in str(script.get("type", "")).lower():
            continue
        raw = (script.text or "").strip()
        raw = re.sub(r"^\s*(?:<!--|//\s*<!\[CDATA\[)|(?:-->|//\s*\]\]>)\s*$", "", raw)
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            continue
        stack: list[Any] = [data]
        seen = 0
        while stack and seen < 500:
            item = stack.pop(0)
            seen += 1
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, Mapping):
                yield item
                for key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement"):
                    if isinstance(item.get(key), list | Mapping):
                        stack.append(item[key])


def _is_news(obj: Mapping[str, Any]) -> bool:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return any(isinstance(k, str) and k.rsplit("/", 1)[-1].lower() in NEWS_TYPES for k in kinds)


def _meta_tags(doc: lxml_html.HtmlElement) -> dict[str, list[str]]:
    tags: dict[str, list[str]] = {}
    for meta in doc.iter("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop") or meta.get("http-equiv")
        content = meta.get("content")
        if key and content and content.strip():
            tags.setdefault(str(key).strip().lower(), []).append(str(content).strip())
    return tags


def _first(tags: dict[str, list[str]], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        if tags.get(key):
            return tags[key][0]
    return None


def _page_date(doc: lxml_html.HtmlElement, tags: dict[str, list[str]]) -> DateValue | None:
    for key in _DATE_META:
        for value in tags.get(key, []):
            if found := read_date(value):
                return found
    for time in doc.xpath("//time[@itemprop='datePublished' or @pubdate][@datetime]")[:5]:
        if found := read_date(time.get("datetime")):
            return found
    return None


def _page_authors(doc: lxml_html.HtmlElement, tags: dict[str, list[str]]) -> list[str]:
    for key in _AUTHOR_META:
        names = [n for v in tags.get(key, []) if not v.startswith("http") for n in parse_author_value(v)]
        if names:
            return names
    for element in doc.xpath("//*[@rel='author' or @itemprop='author']")[:10]:
        if names := parse_author_value(normalise_inline(element.text_content())):
            return names
    for element in doc.xpath("//*[contains(concat(' ', normalize-space(@class), ' '), ' byline ')]")[:3]:
        text = normalise_inline(element.text_content())
        if byline := parse_byline(text):
            return byline.authors
    return []


def _title(doc: lxml_html.HtmlElement, tags: dict[str, list[str]]) -> str:
    if found := _first(tags, ("og:title", "twitter:title", "title", "dc.title", "headline")):
        return found
    for heading in doc.xpath("//article//h1 | //main//h1 | //h1")[:1]:
        if text := normalise_inline(heading.text_content()):
            return text
    titles = doc.xpath("//title")
    return normalise_inline(titles[0].text_content()) if titles else ""


def _language(doc: lxml_html.HtmlElement, tags: dict[str, list[str]]) -> str | None:
    candidates = [doc.get("lang"), doc.get("xml:lang"), *(tags.get(k, [None])[0] for k in _LANGUAGE_META)]
    for candidate in candidates:
        if code := normalise_language(candidate):
            return code
    return None


def _keywords(tags: dict[str, list[str]]) -> list[str]:
    for key in _KEYWORD_META:
        if values := [k for v in tags.get(key, []) for k in split_keywords(v)]:
            return values
    return []


def page_metadata(doc: lxml_html.HtmlElement) -> PageMeta:
    """What the page states about its article; JSON-LD wins over meta tags, meta tags over the page."""
    tags = _meta_tags(doc)
    canonical = doc.xpath("//link[@rel='canonical']/@href")
    page = ArticleDraft(
        title=_title(doc, tags),
        published=_page_date(doc, tags),
        authors=_page_authors(doc, tags),
        source=_first(tags, ("og:site_name", "application-name", "publisher", "dc.publisher")),
        url=str(canonical[0]).strip() if canonical else _first(tags, ("og:url", "twitter:url")),
        language=_language(doc, tags),
        keywords=_keywords(tags),
    )
    news = next((obj for obj in _json_ld_objects(doc) if _is_news(obj)), None)
    if news is None:
        return PageMeta(page)
    ld = read_fields(news)
    body_text = as_text(news.get("articleBody"))
    draft = ArticleDraft(
        title=ld.title or page.title,
        published=ld.published or page.published,
        authors=ld.authors or page.authors,
        source=ld.source or page.source,
        url=ld.url or page.url,
        language=ld.language or page.language,
        keywords=ld.keywords or page.keywords,
        dateline=ld.dateline,
    )
    return PageMeta(draft, split_paragraphs(body_text) if body_text else [])
