"""The compatibility policy of the public schema: the generated schema against the last released one, and the
checker itself on removed, retyped, added and otherwise changed fields."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner
from pydantic import BaseModel, Field

from newsingest import schemas
from newsingest.models import MESSAGE_MODELS, SCHEMA_VERSION, EnrichedArticle
from newsingest_devtools import compat
from newsingest_devtools.checkout import SCHEMA_DIR
from newsingest_devtools.cli import cli
from newsingest_devtools.compat import Version, check, compare_schemas

NAME = "enriched-article"


def schema_of(model: type[BaseModel], version: str = SCHEMA_VERSION) -> dict[str, Any]:
    """What ``newsingest schemas write`` would publish for ``model`` under ``version``."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "x-schema-version": version,
        **model.model_json_schema(mode="serialization"),
    }


@pytest.fixture(scope="module")
def released() -> dict[str, Any]:
    latest = compat.latest_released(NAME, SCHEMA_DIR)
    assert latest is not None, "no released enriched-article schema in schemas/released/"
    return latest[1]


def bumped(schema: dict[str, Any], version: str) -> dict[str, Any]:
    return {**schema, "x-schema-version": version}


def breaking_paths(old: dict[str, Any], new: dict[str, Any]) -> set[str]:
    return {c.path for c in compare_schemas(old, new) if c.breaking}


# --- the policy test: what the models generate now may replace the last release ----------------------------
def test_generated_schema_is_compatible_with_the_last_released_one(released: dict[str, Any]) -> None:
    report = check(NAME, released, schemas.generate_schema(NAME))
    assert report.ok, "\n".join(report.lines())


def test_released_schemas_are_valid_and_not_ahead_of_the_models() -> None:
    versions = compat.released_versions(NAME, SCHEMA_DIR)
    assert versions, "schemas/released/ holds no enriched-article schema"
    for version, path in versions:
        schema = json.loads(path.read_text())
        jsonschema.Draft202012Validator.check_schema(schema)
        assert compat.schema_version(schema) == version, f"{path.name} declares another version"
    assert versions[-1][0] <= Version.parse(SCHEMA_VERSION)


# --- removed and retyped fields fail, an added optional one passes ------------------------------------------
def test_removed_field_is_breaking(released: dict[str, Any]) -> None:
    current = copy.deepcopy(released)
    del current["properties"]["story_id"]
    report = check(NAME, released, current)
    assert not report.ok
    assert [c.path for c in report.breaking] == ["story_id"]


def test_removed_nested_field_behind_a_ref_is_breaking(released: dict[str, Any]) -> None:
    current = copy.deepcopy(released)
    del current["$defs"]["Provenance"]["properties"]["encoding"]
    del current["$defs"]["Mention"]["properties"]["field"]
    assert breaking_paths(released, current) == {"provenance.encoding", "entities[].mentions[].field"}


def test_renamed_field_is_a_removal_and_breaking(released: dict[str, Any]) -> None:
    current = copy.deepcopy(released)
    current["properties"]["headline"] = current["properties"].pop("title")
    current["required"] = ["headline" if r == "title" else r for r in current["required"]]
    changes = {c.path: c for c in compare_schemas(released, current)}
    assert changes["title"].breaking
    assert changes["headline"].breaking  # a required field messages on the topic do not have
    assert not check(NAME, released, current).ok


def test_retyped_field_in_the_model_is_breaking(released: dict[str, Any]) -> None:
    class Retyped(EnrichedArticle):
        word_count: str  # type: ignore[assignment]

    report = check(NAME, released, schema_of(Retyped))
    assert not report.ok
    assert [(c.path, c.message) for c in report.breaking] == [
        ("word_count", "type changed from integer to string"),
        ("word_count", "minimum changed from 0 to (none)"),
    ]


def test_retyped_nested_and_array_item_fields_are_breaking(released: dict[str, Any]) -> None:
    current = copy.deepcopy(released)
    current["$defs"]["Entity"]["properties"]["count"]["type"] = "number"
    current["properties"]["countries"]["items"] = {"type": "integer"}
    current["$defs"]["Place"]["properties"]["lat"]["anyOf"][0]["type"] = "string"
    assert breaking_paths(released, current) == {"entities[].count", "countries[]", "places[].lat"}


def test_added_optional_field_in_the_model_passes(released: dict[str, Any]) -> None:
    class WithSentiment(EnrichedArticle):
        sentiment: float | None = None
        topics: list[str] = Field(default_factory=list)

    report = check(NAME, released, schema_of(WithSentiment, "1.1.0"))
    assert report.ok, "\n".join(report.lines())
    changes = {(c.path, c.breaking) for c in report.changes}
    # the model itself has gained optional fields since the released 1.0.0 (all non-breaking)
    assert {("sentiment", False), ("topics", False)} <= changes
    assert not any(breaking for _, breaking in changes)


def test_added_optional_field_without_a_version_bump_passes_with_a_note(released: dict[str, Any]) -> None:
    current = copy.deepcopy(released)
    current["properties"]["sentiment"] = {"anyOf": [{"type": "number"}, {"type": "null"}], "default": None}
    report = check(NAME, released, current)
    assert report.ok
    assert any("bump" in line for line in report.lines())


def test_breaking_change_with_a_major_bump_passes(released: dict[str, Any]) -> None:
    current = bumped(copy.deepcopy(released), "2.0.0")
    del current["properties"]["title"]
    report = check(NAME, released, current)
    assert report.breaking
    assert report.ok


@pytest.mark.parametrize("version", ["1.0.1", "1.1.0", "1.9.0"])
def test_breaking_change_with_a_minor_or_patch_bump_fails(released: dict[str, Any], version: str) -> None:
    current = bumped(copy.deepcopy(released), version)
    current["properties"]["word_count"]["type"] = "string"
    assert not check(NAME, bumped(released, "1.0.0"), current).ok


class _Retyped(EnrichedArticle):
    word_count: str  # type: ignore[assignment]


class _WithSentiment(EnrichedArticle):
    sentiment: float | None = None


@pytest.mark.parametrize(("model", "exit_code"), [(_Retyped, 1), (_WithSentiment, 0), (EnrichedArticle, 0)])
def test_check_compat_command_judges_what_the_models_generate(
    monkeypatch: pytest.MonkeyPatch, model: type[BaseModel], exit_code: int
) -> None:
    monkeypatch.setitem(MESSAGE_MODELS, NAME, model)
    result = CliRunner().invoke(cli, ["check-compat"])
    assert result.exit_code == exit_code, result.output
    assert ("word_count: type changed from integer to string" in result.output) == (model is _Retyped)


# --- the other rules -----------------------------------------------------------------------------------------
def test_added_required_field_is_breaking(released: dict[str, Any]) -> None:
    current = copy.deepcopy(released)
    current["properties"]["sentiment"] = {"type": "number"}
    current["required"] = [*current["required"], "sentiment"]
    assert breaking_paths(released, current) == {"sentiment"}


def test_required_becoming_optional_and_optional_becoming_required_are_breaking(released: dict[str, Any]) -> None:
    current = copy.deepcopy(released)
    current["required"] = [r for r in current["required"] if r != "language"] + ["simhash"]
    assert breaking_paths(released, current) == {"language", "simhash"}


def test_nullability_changes_are_breaking(released: dict[str, Any]) -> None:
    current = copy.deepcopy(released)
    current["properties"]["story_id"] = {"type": "string"}  # no longer nullable
    current["properties"]["word_count"] = {"anyOf": [{"type": "integer", "minimum": 0}, {"type": "null"}]}
    changes = {c.path: c.message for c in compare_schemas(released, current) if c.breaking}
    assert changes == {
        "story_id": "type changed from null | string to string",
        "word_count": "type changed from integer to null | integer",
    }


def test_enum_values_added_or_removed_are_breaking(released: dict[str, Any]) -> None:
    current = copy.deepcopy(released)
    current["$defs"]["EntityType"]["enum"].append("EVENT")
    current["$defs"]["DatePrecision"]["enum"].remove("minute")
    messages = {c.path: c.message for c in compare_schemas(released, current) if c.breaking}
    assert set(messages) == {"entities[].type", "published_precision"}
    assert "added" in messages["entities[].type"]
    assert "removed" in messages["published_precision"]


def test_changed_validation_keywords_are_breaking(released: dict[str, Any]) -> None:
    current = copy.deepcopy(released)
    current["properties"]["article_id"]["pattern"] = "^[0-9a-f]{40}$"
    current["properties"]["language_confidence"]["maximum"] = 100
    current["properties"]["enriched_at"].pop("format")
    current["$defs"]["Provenance"]["additionalProperties"] = False
    assert breaking_paths(released, current) == {"article_id", "language_confidence", "enriched_at", "provenance"}


def test_annotations_may_change_freely(released: dict[str, Any]) -> None:
    current = copy.deepcopy(released)
    current["properties"]["title"]["description"] = "the headline"
    current["properties"]["title"]["title"] = "Headline"
    current["$defs"]["Entity"]["description"] = "something else"
    assert compare_schemas(released, current) == []


def test_inlined_definition_equals_its_ref(released: dict[str, Any]) -> None:
    current = copy.deepcopy(released)
    current["properties"]["provenance"] = copy.deepcopy(current["$defs"]["Provenance"])
    assert compare_schemas(released, current) == []


def test_recursive_definitions_terminate() -> None:
    def tree(child_type: str) -> dict[str, Any]:
        return {
            "x-schema-version": "1.0.0",
            "$defs": {
                "Node": {
                    "type": "object",
                    "properties": {
                        "value": {"type": child_type},
                        "children": {"type": "array", "items": {"$ref": "#/$defs/Node"}},
                        "parent": {"anyOf": [{"$ref": "#/$defs/Node"}, {"type": "null"}]},
                    },
                }
            },
            "$ref": "#/$defs/Node",
        }

    assert compare_schemas(tree("string"), tree("string")) == []
    assert breaking_paths(tree("string"), tree("integer")) == {"value"}


def test_version_going_backwards_fails(released: dict[str, Any]) -> None:
    assert not check(NAME, bumped(released, "1.2.0"), bumped(released, "1.1.0")).ok
    with pytest.raises(ValueError, match="semantic version"):
        Version.parse("1.0")


# --- releasing ----------------------------------------------------------------------------------------------
def test_release_keeps_a_version_once_and_refuses_to_change_it(tmp_path: Path, released: dict[str, Any]) -> None:
    first = bumped(released, "1.0.0")
    path = compat.release(NAME, first, schemas.render(first), tmp_path)
    assert path == tmp_path / "released" / "enriched-article-1.0.0.schema.json"
    assert compat.release(NAME, first, schemas.render(first), tmp_path) == path  # idempotent

    added = copy.deepcopy(first)
    added["properties"]["sentiment"] = {"anyOf": [{"type": "number"}, {"type": "null"}], "default": None}
    with pytest.raises(ValueError, match="bump the schema version"):
        compat.release(NAME, added, schemas.render(added), tmp_path)
    minor = bumped(added, "1.1.0")
    compat.release(NAME, minor, schemas.render(minor), tmp_path)
    assert [str(v) for v, _ in compat.released_versions(NAME, tmp_path)] == ["1.0.0", "1.1.0"]

    broken = bumped(copy.deepcopy(minor), "1.2.0")
    del broken["properties"]["title"]
    with pytest.raises(ValueError, match="major version bump"):
        compat.release(NAME, broken, schemas.render(broken), tmp_path)
    assert compat.latest_released(NAME, tmp_path) == (Version(1, 1, 0), json.loads(schemas.render(minor)))
