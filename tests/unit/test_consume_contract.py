"""The AsyncAPI document of the three topics: valid for the official AsyncAPI parser (with the payload
``$ref``s to the JSON Schema files resolved), and in agreement with the topics and headers newsingest uses."""

from __future__ import annotations

import json
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from newsingest import __version__, schemas
from newsingest.config import Settings
from newsingest.kafka.headers import message_headers
from newsingest.kafka.topics import topic_specs
from newsingest.models import MESSAGE_MODELS, SCHEMA_VERSION
from newsingest_devtools.checkout import SCHEMA_DIR
from tests.conftest import REPO

ASYNCAPI = REPO / "schemas" / "asyncapi.yaml"
PARSER = REPO / "node_modules" / "@asyncapi" / "parser"
CHANNELS = {"raw-article": "raw", "enriched-article": "enriched", "dead-letter": "deadLetters",
            "alert-match": "alerts"}
MESSAGES = {"raw-article": "rawArticle", "enriched-article": "enrichedArticle", "dead-letter": "deadLetter",
            "alert-match": "alertMatch"}

# Parses the document with @asyncapi/parser (which also runs the AsyncAPI Spectral ruleset) and prints its
# diagnostics as JSON. Severity: 0 error, 1 warning, 2 information, 3 hint.
VALIDATE_JS = """
const { Parser, fromFile } = require('@asyncapi/parser');
fromFile(new Parser(), process.argv[1]).parse().then(({ document, diagnostics }) => {
  console.log(JSON.stringify({
    parsed: Boolean(document),
    diagnostics: diagnostics.map(d => ({ severity: d.severity, code: d.code, path: d.path.join('.'),
                                         message: d.message })),
  }));
}).catch(error => { console.error(error); process.exit(2); });
"""


def asyncapi_diagnostics(path: Path) -> dict[str, Any]:
    node = shutil.which("node")
    if node is None or not PARSER.is_dir():
        pytest.fail("the AsyncAPI parser is not installed: run `make node-tools` (needs node and npm)")
    result = subprocess.run(
        [node, "-e", VALIDATE_JS, str(path)], cwd=REPO, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout))


@cache
def asyncapi() -> dict[str, Any]:
    return dict(yaml.safe_load(ASYNCAPI.read_text()))


def asyncapi_validator(pointer: str) -> jsonschema.Draft202012Validator:
    """A validator for the schema at ``pointer`` in the AsyncAPI document (its local $refs resolved)."""
    registry = Registry().with_resource("urn:asyncapi", Resource.from_contents(asyncapi(), DRAFT202012))
    return jsonschema.Draft202012Validator({"$ref": f"urn:asyncapi#{pointer}"}, registry=registry)


def header_dict(name: str) -> dict[str, str]:
    return {key: value.decode() for key, value in message_headers(name)}


def message_of(name: str) -> dict[str, Any]:
    return dict(asyncapi()["components"]["messages"][MESSAGES[name]])


def test_asyncapi_document_is_valid_for_the_official_parser() -> None:
    result = asyncapi_diagnostics(ASYNCAPI)
    problems = [d for d in result["diagnostics"] if d["severity"] <= 1]
    assert result["parsed"], result
    assert problems == []


def test_the_parser_rejects_a_broken_document(tmp_path: Path) -> None:
    broken = ASYNCAPI.read_text().replace("./dead-letter.schema.json", "./missing.schema.json")
    broken = broken.replace("partitions: 1\n", "partitions: one\n")
    shutil.copytree(ASYNCAPI.parent, tmp_path / "schemas", ignore=shutil.ignore_patterns("released"))
    (tmp_path / "schemas" / "asyncapi.yaml").write_text(broken)
    result = asyncapi_diagnostics(tmp_path / "schemas" / "asyncapi.yaml")
    codes = {(d["code"], d["path"]) for d in result["diagnostics"] if d["severity"] == 0}
    assert not result["parsed"]
    assert ("invalid-ref", "components.messages.deadLetter.payload.$ref") in codes
    assert any(path.endswith("bindings.kafka.partitions") for _, path in codes)


def test_asyncapi_version_is_the_schema_version() -> None:
    assert asyncapi()["asyncapi"].startswith("3.")
    assert asyncapi()["info"]["version"] == SCHEMA_VERSION


@pytest.mark.parametrize("name", list(MESSAGE_MODELS))
def test_each_message_references_its_published_schema_and_names_it(name: str) -> None:
    message = message_of(name)
    assert message["name"] == name
    assert message["contentType"] == "application/json"
    assert (ASYNCAPI.parent / message["payload"]["$ref"]).resolve() == schemas.schema_path(name, SCHEMA_DIR).resolve()


@pytest.mark.parametrize("name", list(MESSAGE_MODELS))
def test_headers_newsingest_sends_satisfy_the_documented_header_schema(name: str) -> None:
    pointer = message_of(name)["headers"]["$ref"].removeprefix("#")
    validator = asyncapi_validator(pointer)
    headers = header_dict(name)
    validator.validate(headers)
    assert headers["producer"] == f"newsingest/{__version__}"
    other = next(n for n in MESSAGE_MODELS if n != name)
    with pytest.raises(jsonschema.ValidationError):
        validator.validate({**headers, "schema": other})
    with pytest.raises(jsonschema.ValidationError):
        validator.validate({k: v for k, v in headers.items() if k != "schema-version"})


def test_channels_agree_with_the_topics_newsingest_creates() -> None:
    settings = Settings()
    specs = {spec.name: spec for spec in topic_specs(settings)}
    channels = asyncapi()["channels"]
    for name, channel_id in CHANNELS.items():
        channel = channels[channel_id]
        binding = channel["bindings"]["kafka"]
        spec = specs[channel["address"]]
        assert binding["topic"] == channel["address"]
        assert binding["partitions"] == spec.partitions
        assert binding["replicas"] == spec.replication_factor
        config = binding["topicConfiguration"]
        assert config["cleanup.policy"] == spec.config.get("cleanup.policy", "delete").split(","), name
        assert config["retention.ms"] == int(spec.config["retention.ms"]), name
        assert channel["messages"] == {MESSAGES[name]: {"$ref": f"#/components/messages/{MESSAGES[name]}"}}


def test_keys_are_documented_as_article_ids() -> None:
    key = asyncapi()["components"]["schemas"]["articleIdKey"]
    article_id = json.loads(schemas.schema_path("enriched-article", SCHEMA_DIR).read_text())["properties"]["article_id"]
    assert key["pattern"] == article_id["pattern"]
    for name in ("raw-article", "enriched-article"):
        assert message_of(name)["bindings"]["kafka"]["key"] == {"$ref": "#/components/schemas/articleIdKey"}
