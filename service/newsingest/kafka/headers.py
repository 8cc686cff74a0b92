"""Headers on every message newsingest produces: the contract version, content type and producer."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from newsingest import __version__
from newsingest.models import SCHEMA_VERSION

CONTENT_TYPE = "application/json"

Headers = list[tuple[str, bytes]]


@cache
def message_headers(schema: str) -> Headers:
    """The headers of a message of ``schema``: built once per schema (the list is shared, do not modify it)."""
    return [
        ("content-type", CONTENT_TYPE.encode()),
        ("schema", schema.encode()),
        ("schema-version", SCHEMA_VERSION.encode()),
        ("producer", f"newsingest/{__version__}".encode()),
    ]


def header_value(headers: Sequence[tuple[str, bytes]] | None, name: str) -> str | None:
    for key, value in headers or ():
        if key == name:
            return value.decode("utf-8", "replace")
    return None
