"""Mentions that are no names, whatever the model says: a day of the week, a nation's code in a results list, a
legal form standing alone.

- A weekday or another time word standing alone ("am Sonntag", "on Friday") is no organisation or place; the
  models tag it now and then, mostly in sports reports. Persons are left alone ("Sonntag" is a surname).
- Results lists give each athlete's nation as a three-letter code in parentheses ("Hermann Maier (AUT)",
  "Aksel Lund Svindal (NOR)"): a nationality, which facets leave out like "österreichisch". A list is at
  least two different codes in parentheses in one field; the codes are ISO 3166 alpha-3 (pycountry) and the IOC
  codes that differ from them. A lone "(BDI)" after a person is an organisation (the German industry
  federation), not Burundi.
- A company's legal form standing alone ("Die AG war zuvor übernommen worden", "the plc") refers to a company
  named elsewhere; on its own it names nothing. Forms that are names of their own too ("SA", "SE", "AB") are
  not in the list.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

import pycountry

from newsingest.enrich.mention_clean import CleanMention
from newsingest.enrich.spans import is_time_word
from newsingest.models import EntityType

#: IOC nation codes that are not the ISO 3166 alpha-3 code of the same country (Olympic Charter members)
IOC_CODES = frozenset({
    "ALG", "ANG", "ANT", "ARU", "ASA", "BAH", "BAN", "BAR", "BER", "BHU", "BOT", "BRN", "BRU", "BUL", "BUR", "CAM",
    "CAY", "CGO", "CHA", "CHI", "CRC", "CRO", "DEN", "ESA", "FIJ", "GAM", "GBS", "GEQ", "GER", "GRE", "GRN", "GUA",
    "HAI", "HON", "INA", "IRI", "ISV", "IVB", "KOS", "KSA", "KUW", "LAT", "LBA", "LES", "LIB", "MAD", "MAS", "MAW",
    "MGL", "MRI", "MTN", "MYA", "NED", "NEP", "NGR", "NIG", "OMA", "PAR", "PHI", "PLE", "POR", "PUR", "RSA", "SAM",
    "SEY", "SKN", "SLO", "SOL", "SRI", "SUD", "SUI", "TAN", "TGA", "TOG", "TPE", "UAE", "URU", "VAN", "VIE", "VIN",
    "ZAM", "ZIM",
})  # fmt: skip
_LEGAL_FORMS = frozenset({"ag", "gmbh", "kg", "ohg", "kgaa", "ltd", "inc", "corp", "plc", "llc", "co", "gesmbh"})
_CODE_IN_PARENTHESES = re.compile(r"\(([A-Z]{3})\)")


@functools.cache
def nation_codes() -> frozenset[str]:
    return frozenset(country.alpha_3 for country in pycountry.countries) | IOC_CODES


def _results_lists(texts: Mapping[str, str]) -> set[str]:
    """Fields with at least two different nation codes in parentheses."""
    codes = nation_codes()
    return {
        field
        for field, text in texts.items()
        if len({c for c in _CODE_IN_PARENTHESES.findall(text) if c in codes}) >= 2
    }


def drop_non_names(mentions: list[CleanMention], texts: Mapping[str, str]) -> list[CleanMention]:
    """``mentions`` without time words (other than persons), legal forms standing alone and nation codes of
    results lists."""
    lists = _results_lists(texts)
    codes = nation_codes()
    result = []
    for m in mentions:
        if m.type is not EntityType.PERSON and is_time_word(m.form):
            continue
        if m.form.rstrip(".").casefold() in _LEGAL_FORMS:
            continue
        if m.field in lists and m.form in codes:
            text = texts[m.field]
            if text[m.start - 1 : m.start] == "(" and text[m.end : m.end + 1] == ")":
                continue
        result.append(m)
    return result
