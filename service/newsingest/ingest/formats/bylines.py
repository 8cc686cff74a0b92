"""Bylines: "Von X und Y", "By X and Y", "Von X, Y und Z", "By X, Reuters" -> authors (and an agency).

Also the agency trailers that name reporters: "(Reporting by X; Editing by Y)", "(Bericht von X, redigiert von Y)".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from newsingest.ingest.formats.casing import is_all_caps, title_case
from newsingest.text.agencies import canonical_agency

_PARTICLES = {
    "von", "van", "der", "den", "de", "da", "di", "du", "la", "le", "al", "el", "bin", "ibn", "zu", "ten",
    "ter", "dos", "das", "del", "della", "y", "vom", "zum", "af", "av", "op", "mac", "st.",
}  # fmt: skip
_NOT_NAME_WORDS = {
    "news", "press", "media", "online", "zeitung", "times", "post", "agentur", "agency", "redaktion",
    "newsroom", "staff", "correspondent", "korrespondent", "korrespondentin", "editor", "reporter",
    "reporterin", "redakteur", "redakteurin", "desk", "team", "bureau", "büro", "nachrichten", "service",
    "magazin", "magazine", "tv", "radio", "online-redaktion", "the", "und", "and", "photo", "foto",
}  # fmt: skip
_NAME_TOKEN = re.compile(r"^(?:[^\W\d_][\w'’\-]*\.?|[^\W\d_]\.(?:[^\W\d_]\.)*)$")
# Spaces are taken only from where their run starts, and never given back: trying every position of a long
# run of spaces, each time to its end, took quadratic time ((?<!\s), ++, *+; the same splits as with \s*).
_SEPARATORS = re.compile(
    r"(?:(?<!\s)\s++)?(?:,|;|&|\+|\bund\b|\band\b|\bsowie\b|\bwith\b|\bmit\b)\s*+|(?<!\s)\s++[/|]\s++"
)
_BRACKETED_END = re.compile(r"(?<!\s)\s*+[(\[]([^()\[\]]{1,30})[)\]]\s*$")
_BYLINE = re.compile(
    r"^(?:(?:ein|eine)\s+(?:kommentar|analyse|gastbeitrag|essay|bericht|reportage|kolumne|interview)\s+von"
    r"|(?:a\s+)?(?:commentary|analysis|column|opinion)\s+by"
    r"|von|by|written\s+by|story\s+by|words\s+by|text\s*(?::|von)|autor(?:in|en)?\s*:|authors?\s*:|byline\s*:)"
    r"\s+(?:(?:unserem|unserer|unseren|our)\s+(?:[\w-]+\s+){0,2}?(?:korrespondent\w*|reporter\w*|"
    r"correspondent\w*|redakteur\w*)\s+)?(?P<names>\S.*)$",
    re.IGNORECASE,
)
_TRAILER = re.compile(
    r"^[(\[]\s*(?P<inner>(?:reporting|writing|additional\s+reporting|compiled|bericht|reporter|reporterin|"
    r"geschrieben|mitarbeit|editing|redigiert|bearbeitet|redaktion)\b.*)[)\]]\s*\.?$",
    re.IGNORECASE | re.DOTALL,
)
# Names end before the first ";", ".", ")", ", editing ..." or " in Berlin". They are tried only where a run of
# spaces starts ((?<!\s): inside one the same end is found or not at its start already), and the spaces around
# them are never given back (++, *+): both made long runs of spaces quadratic. For "(" see ``_trailer_names``.
_TRAILER_NAMES = re.compile(
    r"(?:^|[;,.]\s*|\s)(?:reporting|writing|additional\s+reporting|compiled|bericht|geschrieben)\s+(?:by|von)\s++"
    r"(?P<names>[^;()]+?)(?=(?<!\s)(?:\s*+(?:;|\.|\)|$|,\s*+(?:editing|redigiert|bearbeitet|additional|writing))"
    r"|\s++(?:in|aus)\s++[A-ZÄÖÜ]))"
    r"|(?:^|;\s*)reporter(?:in)?\s*:\s*+(?P<names2>[^;()]+?)(?=(?<!\s)\s*+(?:;|\.|\)|$))",
    re.IGNORECASE,
)


@dataclass
class Byline:
    authors: list[str] = field(default_factory=list)
    source: str | None = None


def looks_like_name(text: str) -> bool:
    """ "Soo-hyang Choi", "Ursula von der Leyen", "J. R. Smith": 2-6 capitalised words, particles allowed."""
    tokens = text.split()
    if not 2 <= len(tokens) <= 6 or len(text) > 60:
        return False
    for i, token in enumerate(tokens):
        lowered = token.casefold()
        if lowered in _NOT_NAME_WORDS:
            return False
        if not _NAME_TOKEN.match(token):
            return False
        if lowered in _PARTICLES and 0 < i < len(tokens) - 1:
            continue
        if not token[0].isupper():
            return False
    return tokens[-1][0].isupper() and not (len(tokens[-1]) <= 2 and tokens[-1].endswith("."))


def split_names(text: str) -> Byline | None:
    """Authors (and an agency) named in the part of a byline after "Von"/"By"; None if it names nobody."""
    text = _BRACKETED_END.sub(r", \1", text.strip())
    text = text.rstrip(" .:;,")
    parts = [p.strip(" .:;-–—\"'") for p in _SEPARATORS.split(text)]
    byline = Byline()
    unknown_before_name = False
    for part in parts:
        if not part:
            continue
        if agency := canonical_agency(part):
            byline.source = byline.source or agency
        elif looks_like_name(part):
            if unknown_before_name:
                return None
            name = title_case(part) if is_all_caps(part) else part
            if name not in byline.authors:
                byline.authors.append(name)
        elif not byline.authors and byline.source is None:
            unknown_before_name = True
    if not byline.authors and byline.source is None:
        return None
    return byline


def parse_byline(paragraph: str) -> Byline | None:
    """A whole paragraph that is a byline ("Von Soo-hyang Choi und Ju-min Park"), else None."""
    text = paragraph.strip()
    if len(text) > 200 or "\n" in text:
        return None
    match = _BYLINE.match(text)
    if not match:
        return None
    names = match.group("names")
    if re.search(r"[.!?]\s+\S", names) and not re.search(r"\b[A-Z]\.\s", names):
        return None
    return split_names(names)


def parse_author_value(text: str) -> list[str]:
    """An author field's value: "By X and Y", "X, Y" or a name as written."""
    text = text.strip()
    if not text or len(text) > 300 or re.match(r"^(?:https?://|www\.)", text):
        return []
    if parsed := parse_byline(text):
        return parsed.authors
    if (parsed := split_names(text)) and parsed.authors:
        return parsed.authors
    if len(text) <= 80 and any(ch.isalpha() for ch in text) and not canonical_agency(text):
        return [re.sub(r"\s+", " ", text)]
    return []


def _trailer_names(inner: str) -> Iterator[re.Match[str]]:
    """``_TRAILER_NAMES.finditer(inner)``, one stretch between two "(" at a time.

    Names never contain "(": a "reporting by" whose names run into one fails, and so does every later one before
    that "(" (they end where the first would), yet each read on to it, which took quadratic time. A stretch read
    on its own ends where ``$`` matches instead: a match that ends only there fails in ``inner``.
    """
    stretches = inner.split("(")
    for number, stretch in enumerate(stretches):
        text = stretch if number == 0 else "(" + stretch  # the "(" keeps ``^`` from matching after it
        ends_at = len(text) + 1 if number == len(stretches) - 1 else len(text.rstrip())  # before the next "("
        position = 0
        while (found := _TRAILER_NAMES.search(text, position)) is not None:
            if found.end() < ends_at:
                yield found
                position = found.end()
            elif found.group("names") is not None:
                break  # every later "reporting by" of the stretch would fail the same way
            else:
                position = found.start() + 1  # "reporter:" names end at fewer marks; the next ";" starts afresh


def parse_reporting_trailer(paragraph: str) -> list[str] | None:
    """Names of reporters in an agency trailer, [] for a trailer naming none, None if not a trailer."""
    match = _TRAILER.match(paragraph.strip())
    if not match:
        return None
    authors: list[str] = []
    for found in _trailer_names(match.group("inner")):
        names = found.group("names") or found.group("names2") or ""
        parsed = split_names(names)
        for author in parsed.authors if parsed else []:
            if author not in authors:
                authors.append(author)
    return authors
