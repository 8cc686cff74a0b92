"""Namespace-agnostic navigation in ElementTree documents (NITF and NewsML-G2 come with and without
namespaces): children, paths and descendants by local name, text and attributes."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator

from newsingest.ingest.formats.blocks import local_name
from newsingest.ingest.formats.cleaning import normalise_inline

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def children(element: ET.Element, name: str) -> list[ET.Element]:
    return [child for child in element if local_name(child.tag) == name.lower()]


def child(element: ET.Element | None, *path: str) -> ET.Element | None:
    """The first element along ``path`` of local names, or None."""
    current = element
    for name in path:
        if current is None:
            return None
        found = children(current, name)
        current = found[0] if found else None
    return current


def descendants(element: ET.Element, name: str) -> Iterator[ET.Element]:
    wanted = name.lower()
    return (node for node in element.iter() if local_name(node.tag) == wanted)


def first_descendant(element: ET.Element, name: str) -> ET.Element | None:
    return next(descendants(element, name), None)


def pruned(element: ET.Element, names: Iterable[str]) -> Iterator[ET.Element]:
    """``element`` and its descendants in document order, except what lies inside an element named in ``names``
    (that element itself is yielded)."""
    wanted = {name.lower() for name in names}
    stack = [element]
    while stack:
        node = stack.pop()
        yield node
        if node is element or local_name(node.tag) not in wanted:
            stack.extend(reversed(node))


def outermost(element: ET.Element, *names: str) -> Iterator[ET.Element]:
    """Descendants named ``names`` that are not inside another of them (``element`` itself if it is one).

    For reading each one's text: a nested one's text is part of the outer one's already, and reading the text
    of every level of ``<a><a><a>...`` took quadratic time (and memory, for paragraphs)."""
    wanted = {name.lower() for name in names}
    if local_name(element.tag) in wanted:
        return iter([element])
    return (node for node in pruned(element, wanted) if local_name(node.tag) in wanted)


def text_of(element: ET.Element | None, *, excluding: str | None = None) -> str:
    """All text inside an element, whitespace collapsed; without the text of descendants named ``excluding``."""
    if element is None:
        return ""
    texts = element.itertext() if excluding is None else _text_excluding(element, excluding.lower())
    raw = "".join(texts)
    return normalise_inline(" ".join(raw.split()))


def _text_excluding(element: ET.Element, name: str) -> Iterator[str]:
    """``element.itertext()`` without the text inside descendants named ``name`` (their tails stay)."""
    stack: list[ET.Element | str] = [element]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
            continue
        if item.tail and item is not element:
            stack.append(item.tail)
        if not isinstance(item.tag, str) or (item is not element and local_name(item.tag) == name):
            continue
        stack.extend(reversed(item))
        if item.text:
            yield item.text


def attribute(element: ET.Element | None, name: str) -> str | None:
    """An attribute by local name (``qcode``, ``xml:lang``), namespaced or not."""
    if element is None:
        return None
    if name in element.attrib:
        return element.attrib[name]
    wanted = name.split(":")[-1]
    for key, value in element.attrib.items():
        if key.rsplit("}", 1)[-1] == wanted:
            return value
    return None


def language_of(*elements: ET.Element | None) -> str | None:
    for element in elements:
        if element is not None and (lang := element.get(XML_LANG)):
            return lang
    return None
