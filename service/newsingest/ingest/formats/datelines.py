"""Datelines: "SEOUL/MOSKAU (Reuters) –", "BERLIN (dpa) -", "LONDON, March 3 (Reuters) -", "WASHINGTON (AP) —".

``text`` keeps the dateline as written (without the dash); places are title-cased from capitals and split
at slashes ("SEOUL/MOSKAU" -> ["Seoul", "Moskau"]); "Frankfurt/Main" stays one place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from newsingest.ingest.formats.casing import LOWER_PARTICLES, is_all_caps, title_case
from newsingest.ingest.formats.dates import MONTHS, DateValue, parse_date
from newsingest.models import DatePrecision
from newsingest.text.agencies import canonical_source, find_agency

_WORD = r"[^\W\d_][\w'’.\-]*"
_PLACE = rf"{_WORD}(?:[ ]{_WORD}){{0,3}}"
_PLACES = rf"(?P<places>{_PLACE}(?:\s*/\s*{_PLACE}){{0,5}})"
_EXTRA = r"(?:,\s*(?P<extra>[^()\n\-–—:]{1,40}?))?"
_AGENCY = r"(?:\s*\((?P<agency>[^()\n]{1,40})\))?"
_DASHES = r"--?|–|—|:"
# In a body paragraph the text after a comma starts at its first non-space (\s*+); only when nothing from there
# fits do the spaces alone count, the last one (not a line break) as "space". That is where _EXTRA's plain \s*
# ends up, after trying every split of the spaces: quadratic (cubic with the agency's \s*) in their number.
_EXTRA_IN_TEXT = r"(?:,\s*+(?P<extra>[^()\n\-–—:]{1,40}?)|(?>,\s*(?P<space>[^\S\n])))?"
_PREFIX = re.compile(
    rf"^{_PLACES}{_EXTRA_IN_TEXT}"
    rf"(?:\s*\((?P<agency>[^()\n]{{1,40}})\)\s*(?P<dash>{_DASHES})?|\s*(?P<dash2>{_DASHES}))[ \t]*"
)
_STANDALONE = re.compile(rf"^{_PLACES}{_EXTRA}{_AGENCY}\s*(?:--?|–|—|:)?\s*$")
_RIVERS = {
    "main", "oder", "saale", "breisgau", "donau", "elbe", "ruhr", "rhein", "lahn", "weser", "havel",
    "spree", "isar", "inn", "mosel", "neckar", "opf.", "obb.", "ofr.",
}  # fmt: skip
_MONTH_WORD = re.compile(r"\b(?:" + "|".join(MONTHS) + r")\b", re.IGNORECASE)
_NOT_PLACES = {"die", "der", "das", "the", "a", "an", "ein", "eine", "in", "im", "am", "update", "eilmeldung"}


@dataclass(frozen=True)
class Dateline:
    text: str
    places: list[str] = field(default_factory=list)
    agency: str | None = None
    end: int = 0
    date: DateValue | None = None
    """A full date stated in the dateline ("Berlin, 12.03.2024 (dpa)"); "March 3" without a year is not one."""


def _split_places(places: str) -> list[str]:
    raw = [p.strip() for p in re.split(r"\s*/\s*", places) if p.strip()]
    joined: list[str] = []
    for part in raw:
        if joined and part.casefold() in _RIVERS:
            joined[-1] = f"{joined[-1]}/{part}"
        else:
            joined.append(part)
    return joined


def _is_date(text: str) -> bool:
    return bool(re.search(r"\d", text) or _MONTH_WORD.search(text))


def _places(places: str, extra: str | None) -> list[str]:
    found = [title_case(p) if is_all_caps(p) else p for p in _split_places(places)]
    for part in (extra or "").split(","):
        part = part.strip()
        if part and not _is_date(part) and len(part) <= 30:
            found.append(title_case(part) if is_all_caps(part) else part)
    unique: list[str] = []
    for place in found:
        if place not in unique:
            unique.append(place)
    return unique


def _date(extra: str | None) -> DateValue | None:
    for part in (extra or "").split(","):
        if found := parse_date(part, min_precision=DatePrecision.DAY):
            return found
    return None


def _agency(agency: str | None) -> str | None:
    if not agency:
        return None
    return find_agency(agency) or canonical_source(agency)


def match_dateline(paragraph: str) -> Dateline | None:
    """The dateline opening a body paragraph ("SEOUL/MOSKAU (Reuters) – Der ..."), or None."""
    match = _PREFIX.match(paragraph)
    if not match or match.end() >= len(paragraph):
        return None
    places, agency = match.group("places"), match.group("agency")
    dash = match.group("dash") or match.group("dash2")
    caps = is_all_caps(places) and sum(ch.isalpha() for ch in places) >= 2
    if not caps and places.split()[0].casefold() in _NOT_PLACES:
        return None
    known_agency = bool(agency and find_agency(agency))
    if agency and agency.strip().isdigit():
        return None
    if caps:
        if not agency and dash not in {"-", "--", "–", "—"}:
            return None
        if not agency and re.search(r"\s", places) and len(places) > 25:
            return None
    elif not (known_agency and (dash or agency)):
        return None
    words = [word for word in re.split(r"[\s/]+", places) if word]
    if not caps and not all(w[0].isupper() or (i > 0 and w in LOWER_PARTICLES) for i, w in enumerate(words)):
        return None
    extra_group = "extra" if match.group("extra") is not None else "space"
    extra = match.group(extra_group)
    text_end = match.end("agency") + 1 if agency else match.end(extra_group) if extra else match.end(1)
    return Dateline(
        text=paragraph[:text_end].strip(),
        places=_places(places, extra),
        agency=_agency(agency),
        end=match.end(),
        date=_date(extra),
    )


def parse_dateline_text(text: str) -> Dateline | None:
    """A dateline given on its own (NITF ``<dateline>``, NewsML-G2 ``<dateline>``): places and agency."""
    cleaned = re.sub(r"\s+", " ", text).strip()
    if not cleaned:
        return None
    match = _STANDALONE.match(cleaned)
    if not match:
        return Dateline(text=cleaned.rstrip(" -–—:"))
    return Dateline(
        text=cleaned.rstrip(" -–—:"),
        places=_places(match.group("places"), match.group("extra")),
        agency=_agency(match.group("agency")),
        end=len(text),
        date=_date(match.group("extra")),
    )
