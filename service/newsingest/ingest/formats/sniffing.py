"""What a file is, judged from its first bytes (content sniffing) and from its name and media type."""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from newsingest.ingest.formats.base import SourceFile

_HEAD = 65536
_MAGIC: list[tuple[bytes, str]] = [
    (b"%PDF", "PDF document"),
    (b"PK\x03\x04", "ZIP archive (or DOCX/ODT/EPUB)"),
    (b"\x89PNG", "PNG image"),
    (b"GIF8", "GIF image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"\x1f\x8b", "gzip archive"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ", "xz archive"),
    (b"7z\xbc\xaf", "7-Zip archive"),
    (b"Rar!", "RAR archive"),
    (b"\xd0\xcf\x11\xe0", "OLE document (DOC/XLS)"),
    (b"{\\rtf", "RTF document"),
    (b"RIFF", "RIFF media (WAV/AVI/WEBP)"),
    (b"ID3", "MP3 audio"),
    (b"\x7fELF", "ELF executable"),
    (b"\x00\x00\x01\x00", "icon"),
    (b"OggS", "Ogg media"),
    (b"fLaC", "FLAC audio"),
    (b"SQLite format 3", "SQLite database"),
]
_NAR_NS = "iptc.org/std/nar/"
_G2_ROOTS = {"newsitem", "packageitem", "newsmessage"}
_HTML_TAGS = {
    "html", "head", "body", "article", "main", "div", "p", "section", "header", "h1", "h2", "span", "meta",
    "title", "table", "ul", "figure", "nav", "a", "br", "script", "style", "link",
}  # fmt: skip
_ROOT = re.compile(r"<(?P<name>[A-Za-z_][\w.:-]*)(?P<attrs>[^>]*)>?", re.DOTALL)
# An internal subset ends at its first "]" and the loop never gives back (possessive): with a lazy ".*?" there,
# "<!DOCTYPE [][][]..." without a ">" tried every way to pair the brackets (exponential time).
_SKIP_PROLOG = re.compile(r"^(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^\[>]|\[[^\]]*\])*+>)", re.DOTALL | re.I)


class Kind(StrEnum):
    EMPTY = "empty"
    BINARY = "binary"
    TEXT = "text"
    JSON = "json"
    JSONL = "jsonl"
    HTML = "html"
    NITF = "nitf"
    NEWSML = "newsml"
    XML = "xml"


@dataclass(frozen=True)
class Sniffed:
    kind: Kind
    description: str
    root: str | None = None


_SUFFIX_KINDS = {
    "txt": Kind.TEXT, "text": Kind.TEXT,
    "json": Kind.JSON,
    "jsonl": Kind.JSONL, "ndjson": Kind.JSONL, "jsonlines": Kind.JSONL,
    "html": Kind.HTML, "htm": Kind.HTML, "xhtml": Kind.HTML, "shtml": Kind.HTML,
    "nitf": Kind.NITF,
    "nml": Kind.NEWSML, "newsml": Kind.NEWSML, "g2": Kind.NEWSML,
    "xml": Kind.XML,
}  # fmt: skip
_MEDIA_KINDS = {
    "text/plain": Kind.TEXT,
    "application/json": Kind.JSON, "text/json": Kind.JSON, "application/ld+json": Kind.JSON,
    "application/x-ndjson": Kind.JSONL, "application/jsonl": Kind.JSONL, "application/x-jsonlines": Kind.JSONL,
    "application/jsonlines": Kind.JSONL,
    "text/html": Kind.HTML, "application/xhtml+xml": Kind.HTML,
    "application/nitf+xml": Kind.NITF,
    "application/vnd.iptc.g2.newsitem+xml": Kind.NEWSML, "application/vnd.iptc.g2.packageitem+xml": Kind.NEWSML,
    "application/vnd.iptc.g2.newsmessage+xml": Kind.NEWSML,
    "application/xml": Kind.XML, "text/xml": Kind.XML,
}  # fmt: skip


def declared_kind(source: SourceFile) -> Kind | None:
    """The kind the file's media type (if given) or else its extension claims."""
    if source.media_type:
        media = source.media_type.split(";")[0].strip().lower()
        if media in _MEDIA_KINDS:
            return _MEDIA_KINDS[media]
        if media.endswith("+json"):
            return Kind.JSON
        if media.endswith("+xml"):
            return Kind.XML
    return _SUFFIX_KINDS.get(source.suffix)


def _head_text(head: bytes) -> str:
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if head.startswith(bom):
            return head.decode(name, errors="replace")
    sample = head[:4000]
    if len(sample) >= 4:
        even_zero = sample[0::2].count(0) / max(1, len(sample[0::2]))
        odd_zero = sample[1::2].count(0) / max(1, len(sample[1::2]))
        if odd_zero > 0.4 and even_zero < 0.05:
            return head.decode("utf-16-le", errors="replace")
        if even_zero > 0.4 and odd_zero < 0.05:
            return head.decode("utf-16-be", errors="replace")
    return head.decode("utf-8", errors="replace")


_CONTROL_CHAR = re.compile("[\x00-\x08\x0e-\x1f]")  # control characters other than \t \n \r \f \v


def _binary(head: bytes, text: str) -> str | None:
    binary_bytes = re.search(rb"[\x00-\x08\x0e-\x1f\x80-\xff]", head[:1024]) is not None
    for magic, name in _MAGIC:
        if head.startswith(magic) and (binary_bytes or magic == b"{\\rtf"):
            return name
    sample = text[:4000]
    if not sample:
        return None
    if len(_CONTROL_CHAR.findall(sample)) / len(sample) > 0.02:
        return "binary data"
    return None


def _markup(text: str) -> Sniffed:
    rest = text
    doctype = re.search(r"<!DOCTYPE\s+(\w+)", text[:2000], re.IGNORECASE)
    for _ in range(50):
        match = _SKIP_PROLOG.match(rest)
        if not match or not match.group(0):
            break
        rest = rest[match.end() :]
    if doctype and doctype.group(1).lower() == "html":
        return Sniffed(Kind.HTML, "HTML document", "html")
    root = _ROOT.match(rest)
    if not root:
        return Sniffed(Kind.XML, "markup without a root element")
    name = root.group("name")
    local = name.split(":")[-1]
    attrs = root.group("attrs")
    if local.lower() == "nitf":
        return Sniffed(Kind.NITF, "NITF document", local)
    if local.lower() in _G2_ROOTS and (_NAR_NS in attrs or ":" not in name or "iptc" in attrs.lower()):
        return Sniffed(Kind.NEWSML, f"NewsML-G2 {local}", local)
    if local.lower() in _HTML_TAGS:
        return Sniffed(Kind.HTML, f"HTML (starts with <{local}>)", local)
    return Sniffed(Kind.XML, f"XML document with root element <{name}>", local)


def _json_kind(text: str) -> Sniffed | None:
    stripped = text.lstrip()
    if not re.match(r"^[\[{]\s*(?:[\"{\[\]}]|$)", stripped):
        return None
    lines = [line.strip() for line in stripped.split("\n") if line.strip()][:50]
    if len(lines) >= 2:
        objects = 0
        for line in lines:
            if not line.startswith("{"):
                continue
            try:
                objects += isinstance(json.loads(line), dict)
            except (ValueError, RecursionError):
                continue
        if objects >= 2 or (objects == 1 and all(line.startswith(("{", "[")) for line in lines)):
            return Sniffed(Kind.JSONL, "JSON lines")
    return Sniffed(Kind.JSON, "JSON document")


def _sniff_head(head: bytes) -> Sniffed:
    text = _head_text(head)
    if not text.strip(" \t\r\n\f\v\ufeff\x00"):
        return Sniffed(Kind.EMPTY, "empty file")
    if binary := _binary(head, text):
        return Sniffed(Kind.BINARY, binary)
    stripped = text.lstrip(" \t\r\n\f\v\ufeff")
    if stripped.startswith("<"):
        return _markup(stripped)
    if found := _json_kind(stripped):
        return found
    lowered = stripped[:2000].lower()
    if "<html" in lowered or "<!doctype html" in lowered:
        return Sniffed(Kind.HTML, "HTML document after leading text", "html")
    return Sniffed(Kind.TEXT, "plain text")


@lru_cache(maxsize=64)
def _cached(head: bytes) -> Sniffed:
    return _sniff_head(head)


def sniff(source: SourceFile) -> Sniffed:
    """The kind of content the file holds, judged from its first 64 KiB."""
    return _cached(source.data[:_HEAD])


def head_preview(source: SourceFile) -> str:
    """A short printable rendering of the file's first bytes, for error reports."""
    return source.data[:48].decode("latin-1").encode("unicode_escape").decode("ascii")[:100]
