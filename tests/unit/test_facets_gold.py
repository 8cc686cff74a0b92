"""The facet gold sets (development and held-out test) are well-formed and never overlap."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

GOLD = Path(__file__).resolve().parents[1] / "fixtures" / "facets"
ID = {"de": re.compile(r"row\d+:[0-9a-f]{12}"),
      "en": re.compile(r"(business|entertainment|politics|sport|tech)/\d{3}\.txt")}
KEYS = {"type", "name", "variants", "optional", "also"}


def load(name: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in (GOLD / name).read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("language", ["de", "en"])
def test_gold_sets_are_well_formed_and_disjoint(language: str) -> None:
    dev, test = load(f"{language}.jsonl"), load(f"{language}.test.jsonl")
    assert (len(dev), len(test)) == (40, 32)
    for doc in dev + test:
        assert ID[language].fullmatch(str(doc["id"])), doc["id"]
        entities = doc["entities"]
        assert isinstance(entities, list), doc["id"]
        assert entities, doc["id"]
        for entity in entities:
            assert set(entity) <= KEYS, entity
            assert entity["type"] in {"PER", "ORG", "LOC"}, entity
            assert entity["name"], entity
            assert entity["name"].strip() == entity["name"], entity
            assert all(isinstance(v, str) and v for v in entity["variants"]), entity
            assert set(entity.get("also", [])) <= {"PER", "ORG", "LOC"} - {entity["type"]}, entity
    ids = [doc["id"] for doc in dev + test]
    assert len(set(ids)) == len(ids)  # no article twice, none in both sets
