"""Namespace-agnostic navigation in ElementTree documents (NITF and NewsML-G2 come with and without
namespaces): children, paths and descendants by local name, text and attributes."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator

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


def text_of(element: ET.Element | None) -> str:
    """All text inside an element, whitespace collapsed."""
    if element is None:
        return ""
    return normalise_inline(" ".join("".join(element.itertext()).split()))


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
