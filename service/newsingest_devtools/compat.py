"""Schema compatibility: may the generated schema replace the last released one under its version?

Consumers of ``news.enriched`` build against a released schema (``schemas/released/<name>-<version>.schema.json``).
Two kinds of reader must keep working after a change that keeps the major version:

- an *old* reader (built against the released schema) reading *new* messages, and
- a *new* reader replaying *old* messages: ``news.enriched`` is compacted and kept forever, so old messages stay.

Hence the one change allowed within a major version is a new *optional* property (readers ignore fields they do
not know). Everything else that changes what a message may contain is breaking: a removed (or renamed) property,
a new required property, a property that became optional or required, a changed type (widened or narrowed,
including nullability), an added or removed enum value, a changed validation keyword (pattern, format, bounds,
lengths, additionalProperties, ...). Annotations (title, description, default, examples) may change freely.

The schemas compared are JSON Schemas as pydantic generates them: ``$ref`` into ``$defs``, ``anyOf`` with
``{"type": "null"}`` for optional values, ``enum``/``const`` for enums and literals, nested objects and arrays.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsingest_devtools.compat_diff import Change, Schema, compare_schemas

__all__ = ["Change", "CompatReport", "Schema", "Version", "check", "compare_schemas", "latest_released",
           "release", "released_versions", "schema_version"]

RELEASED_DIRNAME = "released"

#: schemas other teams build on: released to ``schemas/released/`` and held to the compatibility policy
PUBLIC_SCHEMAS: tuple[str, ...] = ("enriched-article",)

_VERSION = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")


# --- versions ----------------------------------------------------------------------------------------
@dataclass(frozen=True, order=True)
class Version:
    major: int
    minor: int
    patch: int

    @classmethod
    def parse(cls, text: str) -> Version:
        match = _VERSION.match(text.strip())
        if not match:
            raise ValueError(f"not a semantic version (MAJOR.MINOR.PATCH): {text!r}")
        return cls(*(int(part) for part in match.groups()))

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"


def schema_version(schema: Schema) -> Version:
    """The version a generated schema declares: ``x-schema-version``, else the ``schema_version`` default."""
    declared = schema.get("x-schema-version") or schema.get("properties", {}).get("schema_version", {}).get("default")
    if not isinstance(declared, str):
        raise ValueError("schema declares no version (x-schema-version)")
    return Version.parse(declared)


# --- the policy ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CompatReport:
    name: str
    released: Version
    current: Version
    changes: tuple[Change, ...]

    @property
    def breaking(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.breaking)

    @property
    def problems(self) -> list[str]:
        """Why the current schema may not replace the released one (empty: it may)."""
        if self.current < self.released:
            return [f"version went backwards: {self.current} < released {self.released}"]
        if self.breaking and self.current.major == self.released.major:
            return [
                f"{len(self.breaking)} breaking change(s) without a major version bump "
                f"({self.released} -> {self.current}): make them compatible or bump SCHEMA_VERSION's major"
            ]
        return []

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> Iterator[str]:
        yield f"{self.name}: released {self.released}, current {self.current}"
        for change in self.changes:
            yield f"  {change}"
        if self.ok and self.changes and self.current == self.released:
            yield f"  note: unreleased changes; the next release must bump the version past {self.released}"
        for problem in self.problems:
            yield f"  ERROR {problem}"
        if self.ok:
            yield "  compatible" if not self.breaking else "  breaking, accepted by the major version bump"


def check(name: str, released: Schema, current: Schema) -> CompatReport:
    return CompatReport(
        name=name,
        released=schema_version(released),
        current=schema_version(current),
        changes=tuple(compare_schemas(released, current)),
    )


# --- released schemas ---------------------------------------------------------------------------------
def released_dir(schema_dir: Path) -> Path:
    return schema_dir / RELEASED_DIRNAME


def released_versions(name: str, schema_dir: Path) -> list[tuple[Version, Path]]:
    """The released schemas of ``name``, oldest first."""
    found = []
    for path in released_dir(schema_dir).glob(f"{name}-*.schema.json"):
        text = path.name.removeprefix(f"{name}-").removesuffix(".schema.json")
        if _VERSION.match(text):
            found.append((Version.parse(text), path))
    return sorted(found)


def latest_released(name: str, schema_dir: Path) -> tuple[Version, dict[str, Any]] | None:
    versions = released_versions(name, schema_dir)
    if not versions:
        return None
    version, path = versions[-1]
    return version, json.loads(path.read_text())


def release(name: str, current: Schema, rendered: str, schema_dir: Path) -> Path:
    """Keep ``current`` as the released schema of its version. Refuses to change a version once released."""
    version = schema_version(current)
    path = released_dir(schema_dir) / f"{name}-{version}.schema.json"
    if path.exists():
        if path.read_text() == rendered:
            return path
        raise ValueError(f"{path.name} was released with other content; bump the schema version (SCHEMA_VERSION)")
    previous = latest_released(name, schema_dir)
    if previous is not None:
        report = check(name, previous[1], current)
        if not report.ok:
            raise ValueError("; ".join(report.problems))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(rendered)
    return path
