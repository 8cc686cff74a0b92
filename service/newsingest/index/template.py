"""The Elasticsearch index template: versioned indices ``<prefix>-v<N>`` behind a read and a write alias.

Title and body are indexed twice: with the ``standard`` analyzer for every article, and in a per-language
field (``body_de``, ``body_en``, ...) with that language's analyzer, filled only for articles in that
language. A query without a language searches all of them; the language analyzers give stemming
("Gipfeltreffen" finds "Gipfeltreffens", "summits" finds "summit").
"""

from __future__ import annotations

from typing import Any

from newsingest.config import Settings

TEMPLATE_VERSION = 1

#: ISO 639-1 code -> analyzer name of Elasticsearch (the full distribution's analysis-common names; the local
#: stack's analysis plugin registers the same names).
LANGUAGE_ANALYZERS: dict[str, str] = {
    "de": "german",
    "en": "english",
    "fr": "french",
    "es": "spanish",
    "it": "italian",
    "nl": "dutch",
    "pt": "portuguese",
}

FACET_NORMALIZER = "facet_normalizer"

_KEYWORD_FACET: dict[str, Any] = {"type": "keyword", "normalizer": FACET_NORMALIZER, "ignore_above": 256}
_KEYWORD: dict[str, Any] = {"type": "keyword", "ignore_above": 1024}


def _text(analyzer: str = "standard") -> dict[str, Any]:
    return {"type": "text", "analyzer": analyzer}


def _facet_text() -> dict[str, Any]:
    """A facet keyword that is also searchable as text (``persons.text``)."""
    return {**_KEYWORD_FACET, "fields": {"text": _text()}}


def mappings() -> dict[str, Any]:
    properties: dict[str, Any] = {
        "schema_version": _KEYWORD,
        "article_id": _KEYWORD,
        "title": {**_text(), "fields": {"exact": {"type": "keyword", "ignore_above": 512}}},
        "title_derived": {"type": "boolean"},
        "body": _text(),
        "published_at": {"type": "date"},
        "published_precision": _KEYWORD,
        "authors": _facet_text(),
        "dateline": {"type": "text"},
        "dateline_places": _KEYWORD_FACET,
        "source": _facet_text(),
        "url": {"type": "keyword", "index": False, "doc_values": False},
        "language_hint": _KEYWORD,
        "keywords": _facet_text(),
        "language": _KEYWORD,
        "language_confidence": {"type": "float"},
        "persons": _facet_text(),
        "organisations": _facet_text(),
        "locations": _facet_text(),
        "misc": _facet_text(),
        "places": {
            "properties": {
                "name": _KEYWORD_FACET,
                "resolved_name": _KEYWORD,
                "kind": _KEYWORD,
                "country_code": _KEYWORD,
                "location": {"type": "geo_point"},
                "geonames_id": {"type": "long"},
                "count": {"type": "integer"},
            }
        },
        "place_points": {"type": "geo_point"},
        "countries": _KEYWORD,
        "entities": {"type": "object", "enabled": False},
        "word_count": {"type": "integer"},
        "story_id": _KEYWORD,
        "duplicate_of": _KEYWORD,
        "simhash": _KEYWORD,
        "enriched_at": {"type": "date"},
        "ingested_at": {"type": "date"},
        "pipeline_version": _KEYWORD,
        "provenance": {
            "properties": {
                "file_name": _KEYWORD,
                "file_sha256": _KEYWORD,
                "file_size": {"type": "long"},
                "media_type": _KEYWORD,
                "format": _KEYWORD,
                "encoding": _KEYWORD,
                "index_in_file": {"type": "integer"},
                "received_at": {"type": "date"},
            }
        },
    }
    for code, analyzer in LANGUAGE_ANALYZERS.items():
        properties[f"title_{code}"] = _text(analyzer)
        properties[f"body_{code}"] = _text(analyzer)
    return {"dynamic": "strict", "_meta": {"template_version": TEMPLATE_VERSION}, "properties": properties}


def index_settings(settings: Settings) -> dict[str, Any]:
    return {
        "number_of_shards": settings.index_shards,
        "number_of_replicas": settings.index_replicas,
        "refresh_interval": "1s",
        "analysis": {
            "normalizer": {
                FACET_NORMALIZER: {"type": "custom", "char_filter": [], "filter": ["lowercase", "asciifolding"]}
            }
        },
    }


def template_name(settings: Settings) -> str:
    return f"{settings.index_prefix}-template"


def index_pattern(settings: Settings) -> str:
    return f"{settings.index_prefix}-v*"


def index_template(settings: Settings) -> dict[str, Any]:
    """Body of ``PUT _index_template/<prefix>-template``."""
    return {
        "index_patterns": [index_pattern(settings)],
        "priority": 200,
        "version": TEMPLATE_VERSION,
        "_meta": {"description": "newsingest enriched articles", "managed_by": "newsingest"},
        "template": {"settings": index_settings(settings), "mappings": mappings()},
    }
