"""The 1990 US census name lists the ``names`` package ships (public domain): surnames, male and female given
names, each with its frequency rank. Read once per process."""

from __future__ import annotations

import functools
from importlib.resources import files

SURNAMES = "dist.all.last"
GIVEN_NAMES = ("dist.male.first", "dist.female.first")


@functools.cache
def census_ranks(list_name: str) -> dict[str, int]:
    """Upper-case name -> rank (1 = most frequent) of one list; lines are "NAME freq cumfreq rank"."""
    ranks: dict[str, int] = {}
    for line in (files("names") / list_name).read_text(encoding="ascii").splitlines():
        fields = line.split()
        if len(fields) == 4:
            ranks[fields[0]] = int(fields[3])
    return ranks
