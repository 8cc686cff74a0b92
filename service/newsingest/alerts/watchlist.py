"""Watchlists: a CSV of names, one per line, each turned into an alert rule on the entity facets.

The file: UTF-8 (with or without a byte-order mark), one name per line, an optional second column with the
type (``person``, ``org`` or ``place``; synonyms below), an optional header line (``name[,type]``). Empty
lines are skipped. Anything else that is wrong is reported with its line number and never stops the rest:
undecodable bytes, control characters (binary data), lines longer than ``MAX_LINE_BYTES``, more than two
columns, an unknown type, names longer than the filters allow, cells that look like spreadsheet formulas
(``=``, ``+``, ``-``, ``@`` first: they would run when the rules are exported to a spreadsheet) and
duplicates. The whole file is bounded (``MAX_BYTES``, ``MAX_NAMES``).

A typed name becomes a rule with that facet filter (exactly ``/api/search?person=<name>``). Filters within a
rule are ANDed, so a name without a type becomes one rule whose *query* asks the three facet fields at once:
``persons:"<name>" OR organisations:"<name>" OR places.name:"<name>"`` — the same keyword fields and
normalizer (case and accents folded) as the filters, one rule per name instead of three.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from typing import Literal

from newsingest.alerts.rules import RuleSpec

MAX_BYTES = 2_000_000
MAX_NAMES = 10_000
MAX_LINE_BYTES = 1_000
MAX_NAME_CHARS = 300
DEFAULT_PREFIX = "watchlist: "

EntityKind = Literal["person", "org", "place"]
KIND_NAMES: dict[str, EntityKind] = {
    "person": "person",
    "per": "person",
    "persons": "person",
    "people": "person",
    "org": "org",
    "organisation": "org",
    "organization": "org",
    "organisations": "org",
    "organizations": "org",
    "place": "place",
    "location": "place",
    "loc": "place",
    "places": "place",
}
#: The keyword fields the facets filter on (``index/search.FACETS``), for names without a type.
FACET_FIELDS = {"person": "persons", "org": "organisations", "place": "places.name"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_HEADER_NAMES = {"name", "names"}
_HEADER_TYPES = {"", "type", "kind"}


class WatchlistError(ValueError):
    """A file that cannot be read as a watchlist at all (too big, no names): the reason is for the user."""

    def __init__(self, reason: str, errors: list[LineError] | None = None) -> None:
        super().__init__(reason)
        self.errors = errors or []


@dataclass(frozen=True)
class WatchEntry:
    line: int
    name: str
    kind: EntityKind | None = None

    def spec(self, prefix: str = DEFAULT_PREFIX, value: str | None = None) -> RuleSpec:
        """The rule of this name: a facet filter, or a query on the three facet fields when untyped. ``value``:
        the facet value to match when it differs from the name as written (the entity registry's name)."""
        rule_name = (prefix + self.name)[:200]
        value = value or self.name
        if self.kind is not None:
            return RuleSpec(name=rule_name, filters={self.kind: [value]})
        quoted = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
        query = " OR ".join(f"{fld}:{quoted}" for fld in FACET_FIELDS.values())
        return RuleSpec(name=rule_name, query=query)


@dataclass(frozen=True)
class LineError:
    line: int
    reason: str


@dataclass
class Watchlist:
    entries: list[WatchEntry] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)


def _looks_like_header(cells: list[str]) -> bool:
    first = cells[0].strip().lower()
    second = cells[1].strip().lower() if len(cells) > 1 else ""
    return first in _HEADER_NAMES and second in _HEADER_TYPES


def _check_cells(cells: list[str]) -> tuple[str, EntityKind | None] | str:
    """(name, kind), or the reason the line is refused."""
    if len(cells) > 2:
        return f"{len(cells)} columns; expected name[,type]"
    name = " ".join(cells[0].split())
    raw_kind = cells[1].strip().lower() if len(cells) > 1 else ""
    if not name:
        return "empty name"
    if cells[0].lstrip(" ").startswith(_FORMULA_START) or name.startswith(_FORMULA_START):
        return "looks like a spreadsheet formula (starts with = + - or @)"
    if len(name) > MAX_NAME_CHARS:
        return f"name longer than {MAX_NAME_CHARS} characters"
    if raw_kind and raw_kind not in KIND_NAMES:
        return f"unknown type {raw_kind[:30]!r}; expected person, org or place"
    return name, KIND_NAMES.get(raw_kind)


def _decode(raw: bytes, number: int) -> str:
    if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    text = raw.decode("utf-8").rstrip("\r")
    if any((ord(c) < 32 and c != "\t") or c in "\x7f\ufffe\uffff" for c in text):
        raise ValueError("control characters (binary data?)")
    return text


def parse_watchlist(data: bytes) -> Watchlist:
    """The names of a watchlist file and the lines refused (with their 1-based numbers)."""
    if len(data) > MAX_BYTES:
        raise WatchlistError(f"the file is larger than {MAX_BYTES:,} bytes")
    result = Watchlist()
    seen: dict[tuple[str, EntityKind | None], int] = {}
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if len(raw) > MAX_LINE_BYTES:
            result.errors.append(LineError(number, f"line longer than {MAX_LINE_BYTES} bytes"))
            continue
        try:
            text = _decode(raw, number)
        except UnicodeDecodeError:
            result.errors.append(LineError(number, "not UTF-8 text"))
            continue
        except ValueError as exc:
            result.errors.append(LineError(number, str(exc)))
            continue
        if not text.strip():
            continue
        try:
            cells = next(csv.reader([text], strict=True))
        except csv.Error as exc:
            result.errors.append(LineError(number, f"not CSV: {exc}"))
            continue
        if not result.entries and not result.errors and _looks_like_header(cells):
            continue
        checked = _check_cells(cells)
        if isinstance(checked, str):
            result.errors.append(LineError(number, checked))
            continue
        name, kind = checked
        key = (name.casefold(), kind)
        if key in seen:
            result.errors.append(LineError(number, f"duplicate of line {seen[key]}"))
            continue
        if len(result.entries) >= MAX_NAMES:
            raise WatchlistError(f"more than {MAX_NAMES:,} names")
        seen[key] = number
        result.entries.append(WatchEntry(number, name, kind))
    if not result.entries:
        raise WatchlistError(
            "no names in the file" + (f" ({len(result.errors)} lines refused)" if result.errors else ""), result.errors
        )
    return result
