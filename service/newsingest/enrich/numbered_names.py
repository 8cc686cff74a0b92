"""Organisation names that end in a number: "BBC Radio 2", "Channel 4", "ORF 2", "Bayern 3".

The models tag the name and leave the number out, so the facet is "BBC Radio" or "Channel" (a common noun).
An organisation mention directly followed by a one- or two-digit number takes the number in when

- what follows the number shows it is no score, count or amount: a lower-case word, a possessive, a closing
  bracket, a comma or a full stop ("Radio 2 special", "Channel 4's", "(ORF 2)", "on BBC Radio 4, Mr Varley
  said"); a capitalised word, hyphen, colon, unit or decimal after it ("Rapid 2:0", "3%"), or a number right
  before the mention or another name and number after it (a score: "Arsenal 2 Chelsea 1.", "Chelsea 2,
  Arsenal 1") leaves it as it was;
- in German, a full stop after the number is an ordinal ("CL 77. Minute", "von der ÖVP 50. Dazu"), never a
  sentence end that lets the number join;
- and the article never names it without a number: "Chelsea" elsewhere makes "Chelsea 1 after extra time" a
  score, while "Channel" is only ever "Channel 4".
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping

from newsingest.enrich.mention_clean import CleanMention
from newsingest.models import EntityType

_NUMBER_AFTER = re.compile(r" ([1-9][0-9]?)(?=\s+[a-zäöüß]|['’]s\b|\)|[,.](?:\s|$)|$)")
# German writes ordinals with a full stop ("77. Minute", "am 3. Mai"): there a full stop after a number is no
# sentence end, so it never joins the number to a name
_NUMBER_AFTER_NO_FULL_STOP = re.compile(r" ([1-9][0-9]?)(?=\s+[a-zäöüß]|['’]s\b|\)|,\s|,?$)")
_SCORE_BEFORE = re.compile(r"[0-9][,;]?\s+$")
_SCORE_AFTER = re.compile(r"[,;]?\s+(?:[A-ZÄÖÜ][\w.'’&-]*\s+){1,4}[0-9]")
_ANY_NUMBER_AFTER = re.compile(r"\s+[0-9]")


def join_numbers(mentions: list[CleanMention], texts: Mapping[str, str], language: str) -> list[CleanMention]:
    """Organisation mentions extended by the number of their name."""
    number_after = _NUMBER_AFTER_NO_FULL_STOP if language == "de" else _NUMBER_AFTER
    result = []
    without_number: dict[str, bool] = {}  # per surface: an article with many mentions of one name scans once
    for m in mentions:
        text = texts.get(m.field, "")
        number = number_after.match(text, m.end) if m.type is EntityType.ORGANISATION else None
        if number is None or _in_score(text, m.start, number.end(1)):
            result.append(m)
            continue
        if m.text not in without_number:
            without_number[m.text] = _named_without_number(m.text, texts)
        if without_number[m.text]:
            result.append(m)
            continue
        surface = text[m.start : number.end(1)]
        result.append(dataclasses.replace(m, end=number.end(1), text=surface, form=" ".join(surface.split())))
    return result


def _in_score(text: str, start: int, end: int) -> bool:
    """A number right before the name, or another name and number after it: a result, not a name."""
    return bool(_SCORE_BEFORE.search(text[max(0, start - 8) : start])) or bool(_SCORE_AFTER.match(text, end))


def _named_without_number(surface: str, texts: Mapping[str, str]) -> bool:
    """``surface`` occurs somewhere in the article as a whole word without a number after it."""
    pattern = re.compile(r"(?<!\w)" + re.escape(surface) + r"(?!\w)")
    return any(
        not _ANY_NUMBER_AFTER.match(text, found.end()) for text in texts.values() for found in pattern.finditer(text)
    )
