"""The comparison of two JSON Schemas as pydantic generates them: every difference that matters to readers.

Normalises each schema location (``$ref`` into ``$defs`` resolved, ``allOf`` merged, ``anyOf [X, null]`` folded
into X plus ``null``) and walks old and new side by side. Which changes are breaking is explained in ``compat``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Schema = Mapping[str, Any]

#: keywords that restrict what a value may be; any change to one of them is breaking
VALIDATION_KEYWORDS = (
    "pattern",
    "format",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "contentEncoding",
    "contentMediaType",
    "propertyNames",
    "patternProperties",
    "contains",
    "not",
)
_JSON_TYPES = ("null", "boolean", "integer", "number", "string", "array", "object")


# --- the comparison ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Change:
    path: str
    message: str
    breaking: bool

    def __str__(self) -> str:
        return f"{'BREAKING' if self.breaking else 'ok'}  {self.path or '(root)'}: {self.message}"


@dataclass(frozen=True)
class _Node:
    """One schema location, normalised: refs resolved, ``anyOf [X, null]`` folded into X plus 'null'."""

    types: frozenset[str]
    enum: tuple[Any, ...] | None
    properties: Mapping[str, Schema]
    required: frozenset[str]
    items: Schema | None
    branches: tuple[Schema, ...]
    constraints: Mapping[str, Any]
    additional: Any
    default: Any
    ref: str | None


class _Resolver:
    def __init__(self, root: Schema) -> None:
        self.root = root

    def deref(self, schema: Schema, seen: tuple[str, ...] = ()) -> tuple[Schema, str | None]:
        """Follow ``$ref`` (local pointers only); sibling keywords override the target's."""
        ref = schema.get("$ref")
        if not isinstance(ref, str):
            return schema, None
        if not ref.startswith("#"):
            raise ValueError(f"only local $ref are supported, got {ref!r}")
        if ref in seen:
            raise ValueError(f"$ref cycle without a subschema: {' -> '.join((*seen, ref))}")
        target: Any = self.root
        for token in ref[1:].lstrip("/").split("/") if ref != "#" else ():
            token = token.replace("~1", "/").replace("~0", "~")
            target = target[int(token)] if isinstance(target, list) else target[token]
        siblings = {k: v for k, v in schema.items() if k != "$ref"}
        resolved, _ = self.deref({**target, **siblings}, (*seen, ref))
        return resolved, ref

    def node(self, schema: Schema) -> _Node:
        schema, ref = self.deref(schema)
        schema = self._merge_all_of(schema)
        types: set[str] = set()
        branches: list[Schema] = []
        for keyword in ("anyOf", "oneOf"):
            for branch in schema.get(keyword, ()):
                resolved, _ = self.deref(branch)
                if resolved.get("type") == "null" or resolved.get("const", ...) is None:
                    types.add("null")
                else:
                    branches.append(branch)
        body: Schema = schema
        if len(branches) == 1 and not any(k in schema for k in ("type", "properties", "items", "enum", "const")):
            body, inner_ref = self.deref(branches[0])  # the usual optional value: anyOf [X, null]
            ref = ref or inner_ref
            body = self._merge_all_of(body)
            branches = []
        types |= _types_of(body)
        if "const" in body:
            enum: tuple[Any, ...] | None = (body["const"],)
        elif "enum" in body:
            enum = tuple(body["enum"])
        else:
            enum = None
        if enum is not None and not types:
            types = {_json_type(value) for value in enum}
        return _Node(
            types=frozenset(types),
            enum=enum,
            properties=body.get("properties", {}),
            required=frozenset(body.get("required", ())),
            items=body.get("items") if isinstance(body.get("items"), Mapping) else None,
            branches=tuple(branches),
            constraints={k: body[k] for k in VALIDATION_KEYWORDS if k in body}
            | ({"prefixItems": body["prefixItems"]} if "prefixItems" in body else {}),
            additional=body.get("additionalProperties", True),
            default=body.get("default", ...),
            ref=ref,
        )

    def _merge_all_of(self, schema: Schema) -> Schema:
        if "allOf" not in schema:
            return schema
        merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
        for part in schema["allOf"]:
            resolved = self._merge_all_of(self.deref(part)[0])
            merged["properties"] = {**resolved.get("properties", {}), **merged.get("properties", {})}
            merged["required"] = sorted({*resolved.get("required", ()), *merged.get("required", ())})
            for key, value in resolved.items():
                merged.setdefault(key, value)
        return merged


def _types_of(schema: Schema) -> set[str]:
    declared = schema.get("type")
    if isinstance(declared, str):
        return {declared}
    if isinstance(declared, list):
        return set(declared)
    if "properties" in schema:
        return {"object"}
    if "items" in schema or "prefixItems" in schema:
        return {"array"}
    return set()


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _show(types: frozenset[str]) -> str:
    return " | ".join(t for t in _JSON_TYPES if t in types) or "any"


@dataclass
class _Comparison:
    old: _Resolver
    new: _Resolver
    changes: list[Change] = field(default_factory=list)
    _open: set[tuple[str, str]] = field(default_factory=set)

    def add(self, path: str, message: str, *, breaking: bool) -> None:
        self.changes.append(Change(path, message, breaking))

    def compare(self, old_schema: Schema, new_schema: Schema, path: str) -> None:
        old, new = self.old.node(old_schema), self.new.node(new_schema)
        pair = (old.ref or "", new.ref or "")
        if old.ref and new.ref and pair in self._open:
            return  # a recursive model: this pair of definitions is being compared further up
        self._open.add(pair)
        try:
            self._compare_nodes(old, new, path)
        finally:
            self._open.discard(pair)

    def _compare_nodes(self, old: _Node, new: _Node, path: str) -> None:
        if old.types != new.types:
            self.add(path, f"type changed from {_show(old.types)} to {_show(new.types)}", breaking=True)
        self._compare_enum(old, new, path)
        for keyword in sorted(set(old.constraints) | set(new.constraints)):
            before, after = old.constraints.get(keyword, ...), new.constraints.get(keyword, ...)
            if before != after:
                self.add(path, f"{keyword} changed from {_repr(before)} to {_repr(after)}", breaking=True)
        if old.additional != new.additional and not (_is_open(old.additional) and _is_open(new.additional)):
            self.add(path, f"additionalProperties changed from {old.additional!r} to {new.additional!r}", breaking=True)
        if old.default != new.default and old.default is not ... and new.default is not ...:
            self.add(path, f"default changed from {_repr(old.default)} to {_repr(new.default)}", breaking=False)
        self._compare_properties(old, new, path)
        if old.items is not None and new.items is not None:
            self.compare(old.items, new.items, f"{path}[]")
        elif (old.items is None) != (new.items is None) and "array" in old.types & new.types:
            self.add(path, "array items schema added or removed", breaking=True)
        self._compare_branches(old, new, path)

    def _compare_enum(self, old: _Node, new: _Node, path: str) -> None:
        if old.enum == new.enum:
            return
        if old.enum is None or new.enum is None:
            what = "added" if old.enum is None else "removed"
            self.add(path, f"enum constraint {what}", breaking=True)
            return
        added = [v for v in new.enum if v not in old.enum]
        removed = [v for v in old.enum if v not in new.enum]
        if added:
            self.add(
                path, f"enum values added: {_repr(added)} (readers built on the old enum reject them)", breaking=True
            )
        if removed:
            self.add(path, f"enum values removed: {_repr(removed)} (retained messages still carry them)", breaking=True)

    def _compare_properties(self, old: _Node, new: _Node, path: str) -> None:
        for name in old.properties:
            where = _join(path, name)
            if name not in new.properties:
                self.add(where, "property removed (or renamed)", breaking=True)
                continue
            if name in old.required and name not in new.required:
                self.add(where, "required property became optional", breaking=True)
            elif name not in old.required and name in new.required:
                self.add(where, "optional property became required", breaking=True)
            self.compare(old.properties[name], new.properties[name], where)
        for name in new.properties:
            if name in old.properties:
                continue
            if name in new.required:
                self.add(_join(path, name), "required property added (retained messages lack it)", breaking=True)
            else:
                self.add(_join(path, name), "optional property added", breaking=False)

    def _compare_branches(self, old: _Node, new: _Node, path: str) -> None:
        if not old.branches and not new.branches:
            return
        if len(old.branches) != len(new.branches):
            self.add(path, f"union changed from {len(old.branches)} to {len(new.branches)} alternatives", breaking=True)
            return
        for index, (before, after) in enumerate(zip(old.branches, new.branches, strict=True)):
            self.compare(before, after, f"{path}<{index}>")


def _is_open(additional: Any) -> bool:
    return additional is True or additional == {}


def _repr(value: Any) -> str:
    return "(none)" if value is ... else json.dumps(value, ensure_ascii=False)


def compare_schemas(old: Schema, new: Schema) -> list[Change]:
    """Every difference between two schemas that matters to readers, breaking or not."""
    comparison = _Comparison(_Resolver(old), _Resolver(new))
    comparison.compare(old, new, "")
    return comparison.changes
