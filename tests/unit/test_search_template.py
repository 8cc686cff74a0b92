"""The index template: generated JSON in schemas/, facets, language fields, exact-phrase aliases."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from newsingest.index.document import to_document
from newsingest.index.search import FACETS
from newsingest.index.template import (
    FACET_NORMALIZER,
    LANGUAGE_ANALYZERS,
    QUOTE_FIELD_SUFFIX,
    mappings,
    render_template_file,
)
from newsingest.models import EnrichedArticle, Provenance
from newsingest_devtools.checkout import TEMPLATE_FILE


def _field(path: str) -> dict:
    properties = mappings()["properties"]
    spec: dict = {}
    for part in path.split("."):
        spec = properties[part]
        properties = spec.get("properties", {})
    return spec


def _article(published: datetime | None, language: str = "de") -> EnrichedArticle:
    return EnrichedArticle(
        article_id="a" * 64,
        title="Titel",
        body="Text",
        published_at=published,
        language=language,
        language_confidence=0.9,
        word_count=1,
        pipeline_version="t",
        provenance=Provenance(
            file_name="a.txt",
            file_sha256="0" * 64,
            file_size=1,
            media_type="text/plain",
            format="text",
            received_at=datetime(2024, 5, 1, 12, tzinfo=UTC),
        ),
    )


def test_committed_template_matches_template_py() -> None:
    template = json.loads(TEMPLATE_FILE.read_text())
    assert template == json.loads(render_template_file()), "run `newsingest-dev generate` and commit schemas/"
    assert template["index_patterns"] == ["news-v*"]
    assert template["template"]["mappings"]["dynamic"] == "strict"


def test_every_facet_is_a_normalized_keyword_with_a_display_subfield() -> None:
    normalizer = json.loads(render_template_file())["template"]["settings"]["analysis"]["normalizer"]
    assert normalizer[FACET_NORMALIZER]["filter"] == ["lowercase", "asciifolding"]
    for facet in FACETS:
        spec = _field(facet.field)
        assert spec["type"] == "keyword", facet
        assert spec["normalizer"] == FACET_NORMALIZER, facet
        assert spec["fields"]["display"]["type"] == "keyword", facet


def test_language_fields_and_exact_phrase_aliases() -> None:
    properties = mappings()["properties"]
    assert {"de": "german", "en": "english", "fr": "french", "es": "spanish"}.items() <= LANGUAGE_ANALYZERS.items()
    assert properties["title"]["analyzer"] == properties["body"]["analyzer"] == "standard"
    for code, analyzer in LANGUAGE_ANALYZERS.items():
        assert properties[f"body_{code}"] == {"type": "text", "analyzer": analyzer}
        assert properties[f"title_{code}"] == {"type": "text", "analyzer": analyzer}
        assert properties[f"body_{code}{QUOTE_FIELD_SUFFIX}"] == {"type": "alias", "path": "body"}
        assert properties[f"title_{code}{QUOTE_FIELD_SUFFIX}"] == {"type": "alias", "path": "title"}
    assert f"body{QUOTE_FIELD_SUFFIX}" not in properties  # quoted phrases on `body` stay on `body`


def test_dates_and_geo_points() -> None:
    for name in ("date", "published_at", "ingested_at"):
        assert _field(name)["type"] == "date"
    assert _field("place_points")["type"] == "geo_point"
    assert _field("places.location")["type"] == "geo_point"


def test_field_count_stays_well_below_the_default_limit() -> None:
    def count(properties: dict) -> int:
        return sum(1 + len(spec.get("fields", {})) + count(spec.get("properties", {})) for spec in properties.values())

    assert count(mappings()["properties"]) < 600


def test_date_is_published_at_or_ingested_at() -> None:
    published = datetime(2023, 9, 1, tzinfo=UTC)
    assert to_document(_article(published))["date"] == "2023-09-01T00:00:00Z"
    undated = to_document(_article(None))
    assert undated["published_at"] is None
    assert undated["date"] == undated["ingested_at"] == "2024-05-01T12:00:00Z"


def test_only_the_articles_language_gets_language_fields() -> None:
    doc = to_document(_article(None, "en"))
    assert doc["title_en"] == "Titel"
    assert doc["body_en"] == "Text"
    assert not [k for k in doc if k.startswith("body_") and k != "body_en"]
    assert not [k for k in to_document(_article(None, "und")) if k.startswith("body_")]


def test_the_refresh_interval_is_a_setting_in_elasticsearch_units() -> None:
    from newsingest.config import Settings
    from newsingest.index.template import index_settings

    assert index_settings(Settings())["refresh_interval"] == "1s"
    assert index_settings(Settings(index_refresh_interval_ms=500))["refresh_interval"] == "500ms"
    assert index_settings(Settings(index_refresh_interval_ms=2000))["refresh_interval"] == "2s"
