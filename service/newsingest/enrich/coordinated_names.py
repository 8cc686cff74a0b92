"""Two names the NER model joined over a conjunction or a dash: "Foo Fighters and Iron Maiden", "Black Rebel
Motorcycle Club and Bloc Party", "New York State Department of Health and State University of New York",
"Montreal Canadiens – Boston Bruins" (a results list).

The CRF models tag token by token, and "and"/"und" between two capitalised phrases of one type often gets their
tag, so one mention spans two names. Names do contain conjunctions ("Marks and Spencer", "Procter and Gamble",
"Department of the Environment, Food and Rural Affairs", "Bosnia and Herzegovina", "Bundesministerium für
Bildung und Forschung"), so a span is cut at its one conjunction only on evidence that it joins two names:

- **an enumeration**: the span ends a list whose earlier item is another mention of the article, right before it
  and separated by a comma ("Pixies, Foo Fighters and Iron Maiden"), and each part has two or more words (a
  one-word part must pass the next test: "Tesco, Marks and Spencer" stays);
- **each part stands alone**: it is another mention of the article (a one-word part too: "Leeds and Reading"
  when both towns are named on their own; a word that only occurs inside another name, "Standard" of
  "Standard & Poor's", is no such mention);
- **two institutions**: each part has two or more words and holds an institution noun ("New York State Department
  of Health and State University of New York"): two heads, two names, where a name with a conjunction conjoins
  its complements ("Food and Rural Affairs", "Bildung und Forschung", "Investors Bank and Trust").

A spaced dash ("–", "—", " - ") is no part of a name (hyphens inside names are unspaced): it is always a cut.
Names the gazetteer knows whole ("Bosnia and Herzegovina", "Trinidad and Tobago") are never cut. Both parts
keep the span's type (the grouping of mentions corrects it with the parts' other mentions).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping

from newsingest.enrich.institution_names import INSTITUTION_HEADS
from newsingest.enrich.mention_clean import CleanMention
from newsingest.text.folding import fold

KnownName = Callable[[str], bool]

_CONJUNCTIONS = {"en": ("and",), "de": ("und",)}
#: nouns that head the name of an institution (a closed class); German ones as the last element of a compound
_HEADS = INSTITUTION_HEADS | {
    "department", "ministry", "office", "council", "committee", "commission", "authority", "court", "school",
    "bank", "board", "league", "federation", "association", "police", "army", "party", "union", "service",
}  # fmt: skip
_GERMAN_HEAD = re.compile(
    r"(?:ministerium|amt|gericht|verband|universität|institut|kammer|bank|partei|behörde|polizei|rat|kommission"
    r"|gesellschaft|stiftung|verein|klinik|schule|akademie|agentur)$"
)
_DASH = re.compile(r"\s+[–—-]\s+")
_WORD = re.compile(r"[^\W_]+(?:[-'’.][^\W_]+)*\.?")


def _conjunction(language: str) -> re.Pattern[str] | None:
    words = _CONJUNCTIONS.get(language)
    return re.compile(rf"\s+(?:{'|'.join(words)})\s+") if words else None


def _is_name(part: str) -> bool:
    return bool(part) and part[0].isupper() and any(ch.isalpha() for ch in part)


def _has_head(part: str) -> bool:
    words = [w.casefold() for w in _WORD.findall(part) if w[:1].isupper()]
    return any(w in _HEADS or _GERMAN_HEAD.search(w) for w in words)


def _after_list_item(m: CleanMention, previous: CleanMention | None, text: str) -> bool:
    return (
        previous is not None
        and previous.field == m.field
        and previous.end <= m.start
        and text[previous.end : m.start].strip() == ","
    )


def _parts(m: CleanMention, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    spans, offset = [], m.start
    for match in pattern.finditer(m.text):
        spans.append((offset, m.start + match.start()))
        offset = m.start + match.end()
    spans.append((offset, m.end))
    return spans


def _cut(m: CleanMention, spans: list[tuple[int, int]], text: str) -> list[CleanMention]:
    return [
        dataclasses.replace(m, start=start, end=end, text=text[start:end], form=" ".join(text[start:end].split()))
        for start, end in spans
    ]


def split_coordinations(
    mentions: list[CleanMention], texts: Mapping[str, str], is_known: KnownName, language: str
) -> list[CleanMention]:
    """Mentions that join two names over a conjunction or a spaced dash, cut into the two names (see above)."""
    conjunction = _conjunction(language)
    forms = {fold(m.form) for m in mentions}
    result: list[CleanMention] = []
    previous: CleanMention | None = None
    for m in mentions:
        text = texts[m.field]
        pieces = [m]
        if _DASH.search(m.text):
            spans = _parts(m, _DASH)
            if all(_is_name(text[s:e]) for s, e in spans):
                pieces = _cut(m, spans, text)
        elif conjunction is not None and len(conjunction.findall(m.text)) == 1 and not is_known(m.form):
            spans = _parts(m, conjunction)
            parts = [text[s:e] for s, e in spans]
            if all(_is_name(p) for p in parts) and (
                all(fold(" ".join(p.split())) in forms for p in parts)
                or all(_has_head(p) and len(p.split()) >= 2 for p in parts)
                or (_after_list_item(m, previous, text) and all(len(p.split()) >= 2 for p in parts))
            ):
                pieces = _cut(m, spans, text)
        result.extend(pieces)
        previous = m
    return result
