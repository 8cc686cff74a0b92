"""Article identity: the same content always gets the same id, wherever and however often it arrives."""

from __future__ import annotations

import hashlib
import unicodedata


def normalise_text(text: str) -> str:
    """NFC, case-folded, whitespace collapsed: the form two copies of one text share."""
    # str.split() splits on exactly the characters ``\s`` matches (Py_UNICODE_ISSPACE), several times faster
    return " ".join(unicodedata.normalize("NFKC", text).split()).casefold()


def article_id(title: str, body: str) -> str:
    """Hex SHA-256 of the normalised title and body (the Kafka key and the Elasticsearch ``_id``)."""
    canonical = normalise_text(title) + "\n\n" + normalise_text(body)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
