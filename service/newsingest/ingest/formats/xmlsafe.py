"""Parsing XML safely: entity declarations (XXE, entity-expansion bombs) and external references are
refused with ``UnsafeXml``; a DTD named in a DOCTYPE is never fetched. Wrongly declared encodings are
retried with the detected one."""

from __future__ import annotations

import codecs
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from newsingest.ingest.formats.base import EmptyFile, MalformedDocument, UnsafeXml
from newsingest.ingest.formats.encoding import decode_declared

_DECLARED = re.compile(rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([\w.:-]{1,40})["']""")
_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_EXTERNAL_DOCTYPE = re.compile(rb"<!DOCTYPE[^>\[]{0,500}\b(?:SYSTEM|PUBLIC)\b", re.IGNORECASE)
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)


@dataclass(frozen=True)
class XmlDocument:
    root: ET.Element
    encoding: str


def _parse(data: bytes) -> ET.Element:
    try:
        root: ET.Element = SafeET.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise UnsafeXml(
            f"XML refused: {type(exc).__name__} (entity declarations and external references are not allowed)",
            refused=type(exc).__name__,
        ) from exc
    return root


def _declared(data: bytes) -> str | None:
    found = _DECLARED.match(data[:512])
    return found.group(1).decode("ascii", errors="ignore") if found else None


def _encoding_name(data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return (_declared(data) or "utf-8").lower()


def _bytes_fit_declaration(data: bytes) -> bool:
    if data.startswith(_BOMS):
        return True
    try:
        data.decode(_declared(data) or "utf-8")
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _malformed(exc: ET.ParseError) -> MalformedDocument:
    line, column = getattr(exc, "position", (None, None))
    message = str(exc)
    if message.startswith(("no element found", "unclosed token")):
        return MalformedDocument(f"XML is truncated: {message}", line=line, column=column)
    return MalformedDocument(f"XML is not well-formed: {message}", line=line, column=column)


def parse_xml(data: bytes) -> XmlDocument:
    """The document's root element; raises UnsafeXml, MalformedDocument, EmptyFile or BinaryFile."""
    if not data.strip():
        raise EmptyFile("file is empty or only whitespace", size=len(data))
    try:
        return XmlDocument(_parse(data), _encoding_name(data))
    except ET.ParseError as exc:
        if "undefined entity" in str(exc) and _EXTERNAL_DOCTYPE.search(data[:4096]):
            raise UnsafeXml(
                "XML refers to entities of an external DTD, which is never fetched", refused="ExternalDTD"
            ) from exc
        if _bytes_fit_declaration(data):
            raise _malformed(exc) from exc
    except (LookupError, ValueError):
        pass  # an encoding expat cannot use (unknown or multi-byte): decode it ourselves below
    text, encoding = decode_declared(data, _declared(data))
    try:
        root = _parse(_DECLARATION.sub("", text.lstrip("\ufeff"), count=1).encode("utf-8"))
    except ET.ParseError as exc:
        raise _malformed(exc) from exc
    except (LookupError, ValueError) as exc:
        raise MalformedDocument(f"XML declaration is unusable: {str(exc)[:200]}") from exc
    return XmlDocument(root, encoding)
