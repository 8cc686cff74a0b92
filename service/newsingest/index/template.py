"""The Elasticsearch index template: versioned indices ``<prefix>-v<N>`` behind a read and a write alias.

Text: title and body are indexed with the ``standard`` analyzer for every article (``title``, ``body``:
no stemming, so they also serve exact phrases), and once more in a per-language field (``title_de``,
``body_en``, ...) with that language's analyzer, filled only for articles in that language. A query without a
language searches all of them; the language analyzers give stemming ("Gipfeltreffen" finds "Gipfeltreffens",
"summits" finds "summit"). Quoted phrases are routed to the unstemmed fields through the zero-cost field
aliases ``title_<lang>_exact`` / ``body_<lang>_exact`` (see ``QUOTE_FIELD_SUFFIX`` and docs/search.md).

Facets are ``keyword`` fields with a lowercase + ASCII-folding normalizer (case- and accent-insensitive
filters and buckets) and a ``.display`` sub-field that keeps the original spelling for showing buckets.

``schemas/elasticsearch-template.json`` is generated from this module (``newsingest-dev generate``);
a unit test fails when it drifts.
"""

from __future__ import annotations

import json
from typing import Any

from newsingest.config import Settings

TEMPLATE_VERSION = 3

#: ISO 639-1 code (639-3 where there is none) -> analyzer of Elasticsearch's analysis-common module (the local
#: stack's analysis plugin registers the same names). Languages not listed (Bosnian, Croatian, Slovene, Malay,
#: Swahili, Zulu, ... every code the detector may give) fall back to the ``standard`` analyzer: their articles
#: are searchable through ``title``/``body`` only, without stemming (``analyzer_for``).
LANGUAGE_ANALYZERS: dict[str, str] = {
    "ar": "arabic",
    "hy": "armenian",
    "eu": "basque",
    "bn": "bengali",
    "bg": "bulgarian",
    "ca": "catalan",
    "zh": "cjk",
    "ja": "cjk",
    "ko": "cjk",
    "cs": "czech",
    "da": "danish",
    "nl": "dutch",
    "en": "english",
    "et": "estonian",
    "fi": "finnish",
    "fr": "french",
    "gl": "galician",
    "de": "german",
    "el": "greek",
    "hi": "hindi",
    "hu": "hungarian",
    "id": "indonesian",
    "ga": "irish",
    "it": "italian",
    "lv": "latvian",
    "lt": "lithuanian",
    "no": "norwegian",
    "nb": "norwegian",
    "nn": "norwegian",
    "fa": "persian",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sr": "serbian",
    "ckb": "sorani",
    "es": "spanish",
    "sv": "swedish",
    "th": "thai",
    "tr": "turkish",
}

FACET_NORMALIZER = "facet_normalizer"
#: ``query_string``'s ``quote_field_suffix``: a quoted phrase on ``body_de`` is run on ``body_de_exact``, an
#: alias of the unstemmed ``body``; on ``body`` itself (no ``body_exact``) it stays on ``body``.
QUOTE_FIELD_SUFFIX = "_exact"

_KEYWORD: dict[str, Any] = {"type": "keyword", "ignore_above": 1024}


def _text(analyzer: str = "standard") -> dict[str, Any]:
    return {"type": "text", "analyzer": analyzer}


def _facet(searchable: bool = False) -> dict[str, Any]:
    """A facet: normalized keyword for filters and buckets, ``.display`` with the original spelling,
    and (``searchable``) ``.text`` for ``persons.text:putin``-style queries."""
    fields: dict[str, Any] = {"display": {"type": "keyword", "ignore_above": 256}}
    if searchable:
        fields["text"] = _text()
    return {"type": "keyword", "normalizer": FACET_NORMALIZER, "ignore_above": 256, "fields": fields}


def analyzer_for(code: str) -> str:
    """The analyzer an article in ``code`` is indexed with: its language's, else ``standard``."""
    return LANGUAGE_ANALYZERS.get(code, "standard")


def language_fields(code: str) -> tuple[str, str]:
    """The per-language (title, body) fields of ``code``."""
    return f"title_{code}", f"body_{code}"


def mappings() -> dict[str, Any]:
    properties: dict[str, Any] = {
        "schema_version": _KEYWORD,
        "article_id": _KEYWORD,
        "title": {**_text(), "fields": {"raw": {"type": "keyword", "ignore_above": 512}}},
        "title_derived": {"type": "boolean"},
        "body": _text(),
        "date": {"type": "date"},
        "published_at": {"type": "date"},
        "published_precision": _KEYWORD,
        "ingested_at": {"type": "date"},
        "enriched_at": {"type": "date"},
        "authors": _facet(searchable=True),
        "dateline": _text(),
        "dateline_places": _facet(),
        "source": _facet(searchable=True),
        "url": {"type": "keyword", "index": False, "doc_values": False},
        "language_hint": _KEYWORD,
        "keywords": _facet(searchable=True),
        "language": _facet(),
        "language_confidence": {"type": "float"},
        "languages": {"properties": {"code": _facet(), "share": {"type": "float"}}},
        "persons": _facet(searchable=True),
        "organisations": _facet(searchable=True),
        "locations": _facet(searchable=True),
        "misc": _facet(searchable=True),
        "places": {
            "properties": {
                "name": _facet(),
                "resolved_name": _facet(),
                "kind": _KEYWORD,
                "country_code": _KEYWORD,
                "location": {"type": "geo_point"},
                "geonames_id": {"type": "long"},
                "count": {"type": "integer"},
            }
        },
        "place_points": {"type": "geo_point"},
        "countries": _facet(),
        "entities": {"type": "object", "enabled": False},
        "word_count": {"type": "integer"},
        "story_id": _facet(),
        "story_label": {"type": "keyword", "ignore_above": 512},
        "duplicate_of": _KEYWORD,
        "simhash": _KEYWORD,
        "pipeline_version": _KEYWORD,
        "provenance": {
            "properties": {
                "file_name": _KEYWORD,
                "file_name_b64": _KEYWORD,
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
        title, body = language_fields(code)
        properties[title] = _text(analyzer)
        properties[body] = _text(analyzer)
        properties[title + QUOTE_FIELD_SUFFIX] = {"type": "alias", "path": "title"}
        properties[body + QUOTE_FIELD_SUFFIX] = {"type": "alias", "path": "body"}
    return {"dynamic": "strict", "_meta": {"template_version": TEMPLATE_VERSION}, "properties": properties}


def refresh_interval(settings: Settings) -> str:
    """The index's ``refresh_interval`` in Elasticsearch's time units ("1s", "500ms")."""
    ms = settings.index_refresh_interval_ms
    return f"{ms // 1000}s" if ms % 1000 == 0 else f"{ms}ms"


def index_settings(settings: Settings) -> dict[str, Any]:
    return {
        "number_of_shards": settings.index_shards,
        "number_of_replicas": settings.index_replicas,
        "refresh_interval": refresh_interval(settings),
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


def render_template_file() -> str:
    """The committed ``schemas/elasticsearch-template.json``: the template with the default settings."""
    return json.dumps(index_template(Settings.model_construct()), indent=2, ensure_ascii=False) + "\n"

