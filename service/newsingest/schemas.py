"""JSON Schemas of the message contracts, generated from the pydantic models in ``models.py``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from newsingest.models import MESSAGE_MODELS, SCHEMA_VERSION

SCHEMA_ID_BASE = "https://newsingest.dev/schemas/"


def generate_schema(name: str) -> dict[str, Any]:
    model = MESSAGE_MODELS[name]
    schema = model.model_json_schema(mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{SCHEMA_ID_BASE}{name}.schema.json",
        "x-schema-version": SCHEMA_VERSION,
        **schema,
    }


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, sort_keys=False, ensure_ascii=False) + "\n"


def schema_path(name: str, directory: Path) -> Path:
    return directory / f"{name}.schema.json"


def write_schemas(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name in MESSAGE_MODELS:
        path = schema_path(name, directory)
        path.write_text(render(generate_schema(name)))
        written.append(path)
    return written


def drifted_schemas(directory: Path) -> list[str]:
    """Names whose schema file in ``directory`` differs from what the models generate (or is missing)."""
    drifted = []
    for name in MESSAGE_MODELS:
        path = schema_path(name, directory)
        if not path.exists() or path.read_text() != render(generate_schema(name)):
            drifted.append(name)
    return drifted
