"""File-system names in two forms: a readable one for logs and display, a lossless one for records.

A POSIX file name is any sequence of bytes except ``/`` and NUL. Python decodes such names with
``surrogateescape`` (``os.fsdecode``), which keeps them lossless as ``str`` but leaves lone surrogates that no
UTF-8 encoder accepts: serialising such a ``str`` to JSON fails. So every name that leaves the process is
written twice:

- ``display_name``: valid, printable text. Bytes that are not UTF-8 appear as ``\\xNN``, every character that
  is not printable (controls, newlines, format and private-use characters, separators other than the space) as
  ``\\xNN``/``\\uNNNN``. Meant for
  people; two different names can share one display form.
- ``lossless_name``: the base64 of the exact bytes (``os.fsencode``). ``name_bytes`` turns it back.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Sequence
from pathlib import PurePath

from newsingest.models import RawArticle

NameLike = str | bytes | PurePath


def fs_bytes(name: NameLike) -> bytes:
    """The bytes the file system holds for ``name``."""
    if isinstance(name, bytes):
        return name
    text = str(name)
    try:
        return os.fsencode(text)
    except UnicodeEncodeError:  # a lone surrogate that surrogateescape did not produce
        return text.encode("utf-8", "surrogatepass")


def _escape_char(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def display_name(name: NameLike) -> str:
    """A printable, always-encodable form of ``name`` (for logs, records, the ``file_name`` field)."""
    text = fs_bytes(name).decode("utf-8", "backslashreplace")
    return "".join(c if c.isprintable() else _escape_char(c) for c in text)


def lossless_name(name: NameLike) -> str:
    """Base64 (standard alphabet, padded) of the name's exact bytes."""
    return base64.b64encode(fs_bytes(name)).decode("ascii")


def name_bytes(lossless: str) -> bytes:
    """The bytes a ``lossless_name`` stands for."""
    return base64.b64decode(lossless.encode("ascii"), validate=True)


def is_plain(name: NameLike) -> bool:
    """True when the display form is the name itself (valid UTF-8 without control characters)."""
    raw = fs_bytes(name)
    return display_name(raw).encode("utf-8") == raw


def with_lossless_name(articles: Sequence[RawArticle], name: NameLike) -> list[RawArticle]:
    """``articles`` with ``provenance.file_name_b64`` set to the lossless form of ``name``."""
    b64 = lossless_name(name)
    return [
        article.model_copy(update={"provenance": article.provenance.model_copy(update={"file_name_b64": b64})})
        for article in articles
    ]
