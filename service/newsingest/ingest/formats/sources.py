"""Agency and source names looked up in text of any length, with the results of ``newsingest.text.agencies``.

Those functions trim their input with regular expressions that take quadratic time on a long run of spaces or
punctuation inside it ("a.......b": a 700-character caption took 10 ms, a long copyright holder seconds). A name
is short, so here the text is tidied first in linear time (the same trimming and spacing) and anything longer
than a name is no name: the answers are the same, only fast.
"""

from __future__ import annotations

import re

from newsingest.text.agencies import canonical_agency, canonical_source

MAX_NAME = 80
"""``canonical_source`` refuses longer names; every known agency name is far shorter."""
_SPACES = re.compile(r"\s+")
_LEADING = " ([\"'„“"  # what agencies._TRIM removes at the start (spaces are single after _SPACES)
_TRAILING = " )]\"'“”.,:;"  # and at the end
_SPLIT = re.compile(r"\s*[/,;+&]\s*|\s+(?:und|and)\s+")  # as agencies._SPLIT


def tidy_name(text: str) -> str:
    """``text`` as the agencies module compares it: trimmed, each run of spaces one space."""
    return _SPACES.sub(" ", text).lstrip(_LEADING).rstrip(_TRAILING)


def source_name(text: str) -> str | None:
    """``canonical_source(text)``."""
    tidy = tidy_name(text)
    return canonical_source(tidy) if len(tidy) <= MAX_NAME else None


def agency_name(text: str) -> str | None:
    """``canonical_agency(text)``."""
    tidy = tidy_name(text)
    return canonical_agency(tidy) if len(tidy) <= MAX_NAME else None


def agency_in(text: str) -> str | None:
    """``find_agency(text)``: the first known agency among "dpa/lhe", "AFP via Getty Images", "Reuters, AP"."""
    text = _SPACES.sub(" ", text)  # the same parts, without runs of spaces for ``_SPLIT`` to try each of
    if found := agency_name(text):
        return found
    for part in _SPLIT.split(text):
        if found := agency_name(part):
            return found
        head = part.split("-")[0] if "-" in part else ""
        if head and (found := agency_name(head)):
            return found
        words = part.split()
        for word in words:
            if len(words) <= 4 and word.isupper() and (found := agency_name(word)):
                return found
    return None
