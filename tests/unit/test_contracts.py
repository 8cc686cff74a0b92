"""The message contracts: ids, schemas generated from the models, and the index mapping built from them."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from newsingest import schemas
from newsingest.identity import article_id, normalise_text
from newsingest.index.document import to_document
from newsingest.index.template import LANGUAGE_ANALYZERS, mappings
from newsingest.models import (
    MESSAGE_MODELS,
    SCHEMA_VERSION,
    EnrichedArticle,
    Entity,
    EntityType,
    Mention,
    Place,
    Provenance,
    RawArticle,
)
from newsingest_devtools.checkout import SCHEMA_DIR

FILE_SHA = "0" * 64


def _raw(**overrides: object) -> RawArticle:
    fields: dict[str, object] = {
        "article_id": article_id("Title", "Body text"),
        "title": "Title",
        "body": "Body text",
        "provenance": Provenance(file_name="a.txt", file_sha256=FILE_SHA, file_size=10, media_type="text/plain",
                                 format="text"),
    }
    fields.update(overrides)
    return RawArticle(**fields)


def _enriched(language: str = "de") -> EnrichedArticle:
    raw = _raw()
    return EnrichedArticle(
        **raw.model_dump(),
        language=language,
        language_confidence=0.9,
        entities=[
            Entity(name="Wladimir Putin", type=EntityType.PERSON, count=2,
                   mentions=[Mention(start=0, end=5, text="Putin")]),
            Entity(name="Kreml", type=EntityType.ORGANISATION, count=1),
            Entity(name="Russland", type=EntityType.LOCATION, count=3),
        ],
        places=[Place(name="Russland", resolved_name="Russia", kind="country", country_code="RU", lat=60.0, lon=100.0)],
        countries=["RU"],
        word_count=2,
        pipeline_version="test",
    )


def test_article_id_is_stable_across_whitespace_case_and_unicode_forms() -> None:
    a = article_id("Kim trifft Putin", "Der Gipfel  findet\nstatt.")
    b = article_id("  kim trifft putin ", "Der Gipfel findet statt.")
    c = article_id("Kim trifft Putin", "Der Gipfel findet statt!")
    assert a == b
    assert a != c
    assert len(a) == 64
    assert normalise_text("Cafe\u0301") == normalise_text("Café")


def test_schemas_are_generated_from_the_models_and_committed() -> None:
    assert schemas.drifted_schemas(SCHEMA_DIR) == [], "run `newsingest-dev generate` and commit schemas/"


@pytest.mark.parametrize("name", ["raw-article", "enriched-article", "dead-letter"])
def test_schema_is_valid_json_schema_with_version(name: str) -> None:
    schema = json.loads(schemas.schema_path(name, SCHEMA_DIR).read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["x-schema-version"] == SCHEMA_VERSION


def test_enriched_message_validates_against_published_schema() -> None:
    schema = json.loads(schemas.schema_path("enriched-article", SCHEMA_DIR).read_text())
    message = json.loads(_enriched().model_dump_json())
    jsonschema.validate(message, schema)
    assert message["schema_version"] == SCHEMA_VERSION
    broken = {**message, "language_confidence": "high"}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_reader_tolerates_unknown_fields_from_newer_minor_versions() -> None:
    message = json.loads(_enriched().model_dump_json())
    message["some_future_field"] = {"x": 1}
    assert EnrichedArticle.model_validate(message).article_id == message["article_id"]


def _mapped_fields(properties: dict, prefix: str = "") -> set[str]:
    names = set()
    for name, spec in properties.items():
        names.add(prefix + name)
        if "properties" in spec:
            names |= _mapped_fields(spec["properties"], prefix + name + ".")
    return names


def _document_fields(doc: dict, prefix: str = "") -> set[str]:
    names = set()
    for name, value in doc.items():
        names.add(prefix + name)
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, dict) and name not in {"entities", "place_points"} and "lat" not in item:
                names |= _document_fields(item, prefix + name + ".")
    return names


@pytest.mark.parametrize("language", [*LANGUAGE_ANALYZERS, "und", "ru"])
def test_every_document_field_exists_in_the_strict_mapping(language: str) -> None:
    doc = to_document(_enriched(language))
    mapping = mappings()
    assert mapping["dynamic"] == "strict"
    missing = _document_fields(doc) - _mapped_fields(mapping["properties"])
    assert missing == set()


def test_document_facets_and_language_fields() -> None:
    doc = to_document(_enriched("de"))
    assert doc["persons"] == ["Wladimir Putin"]
    assert doc["organisations"] == ["Kreml"]
    assert doc["locations"] == ["Russland"]
    assert doc["body_de"] == doc["body"]
    assert "body_en" not in doc
    assert doc["place_points"] == [{"lat": 60.0, "lon": 100.0}]
    assert doc["places"][0]["location"] == {"lat": 60.0, "lon": 100.0}
    assert doc["ingested_at"] == doc["provenance"]["received_at"]


def test_schemas_write_and_check_work_on_any_folder(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from newsingest.cli import cli

    target = tmp_path / "contracts"
    assert CliRunner().invoke(cli, ["schemas", "check", "--dir", str(target)]).exit_code == 1
    written = CliRunner().invoke(cli, ["schemas", "write", "--dir", str(target)])
    assert written.exit_code == 0, written.output
    assert sorted(p.name for p in target.iterdir()) == sorted(f"{n}.schema.json" for n in MESSAGE_MODELS)
    assert CliRunner().invoke(cli, ["schemas", "check", "--dir", str(target)]).exit_code == 0
    (target / "raw-article.schema.json").write_text("{}")
    checked = CliRunner().invoke(cli, ["schemas", "check", "--dir", str(target)])
    assert checked.exit_code == 1
    assert "raw-article" in checked.output


def test_the_checkout_holds_every_generated_file_up_to_date() -> None:
    from click.testing import CliRunner

    from newsingest_devtools.cli import cli as dev_cli

    result = CliRunner().invoke(dev_cli, ["check"])
    assert result.exit_code == 0, result.output

