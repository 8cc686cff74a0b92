"""Paragraphs from a markup tree (HTML via lxml, XHTML/NITF via ElementTree): block elements end a paragraph,
captions, scripts, navigation and media are skipped. Iterative, so deep nesting cannot overflow the stack."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol

from newsingest.ingest.formats.cleaning import normalise_inline

BLOCK_TAGS = frozenset(
    {
        "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "section", "article",
        "tr", "dd", "dt", "ul", "ol", "table", "main", "header", "footer", "br", "hr", "address", "center",
        "hl1", "hl2", "block", "body", "body.content", "abstract", "nitf", "html", "td", "th", "dl", "summary",
        "details", "fieldset", "caption", "bq", "credit", "note", "fn", "tagline", "byline", "dateline",
    }
)  # fmt: skip
SKIP_TAGS = frozenset(
    {
        "script", "style", "noscript", "template", "svg", "iframe", "object", "embed", "form", "button",
        "select", "input", "textarea", "nav", "aside", "figure", "figcaption", "picture", "video", "audio",
        "canvas", "map", "head", "meta", "link", "title", "media", "media-caption", "media-reference",
        "media-metadata", "media-producer", "media-object", "menu", "dialog", "math",
    }
)  # fmt: skip


class Element(Protocol):
    tag: Any
    text: str | None
    tail: str | None

    def __iter__(self) -> Any: ...

    def get(self, key: str, default: Any = None) -> Any: ...


def local_name(tag: object) -> str:
    """ "{ns}p" -> "p"; non-element nodes (comments, processing instructions) -> ""."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].split(":")[-1].lower()


def paragraphs_from(
    root: Element,
    *,
    skip: Callable[[Element], bool] | None = None,
    skip_tags: Iterable[str] = SKIP_TAGS,
) -> list[str]:
    """The text of ``root`` as paragraphs."""
    skipped = frozenset(skip_tags)
    paragraphs: list[str] = []
    buffer: list[str] = []

    def flush() -> None:
        text = normalise_inline(" ".join("".join(buffer).split("\n")))
        if text:
            paragraphs.append(text)
        buffer.clear()

    stack: list[tuple[Element, bool]] = [(root, True)]
    while stack:
        element, entering = stack.pop()
        name = local_name(element.tag)
        if entering:
            if not name or name in skipped or (skip is not None and skip(element)):
                if element is not root and element.tail:
                    buffer.append(element.tail)
                continue
            if name in BLOCK_TAGS:
                flush()
            if element.text:
                buffer.append(element.text)
            stack.append((element, False))
            stack.extend((child, True) for child in reversed(list(element)))
        else:
            if name in BLOCK_TAGS:
                flush()
            if element is not root and element.tail:
                buffer.append(element.tail)
    flush()
    return paragraphs
