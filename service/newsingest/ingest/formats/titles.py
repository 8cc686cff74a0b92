"""Headlines: telling a headline line from body text, cutting agency suffixes ("... Von Reuters",
"... - Reuters", "... | AP"), and deriving a title from the first sentence when a file has none."""

from __future__ import annotations

import re

from newsingest.ingest.formats.casing import is_all_caps
from newsingest.ingest.formats.dates import MONTHS
from newsingest.text.agencies import canonical_agency, canonical_source

MAX_DERIVED_TITLE = 120
_TITLE_SCAN = 1000
_ABBREVIATIONS = {
    "z.b", "dr", "prof", "mr", "mrs", "ms", "st", "nr", "bzw", "ca", "u.a", "d.h", "vgl", "usw", "inkl", "evtl",
    "ggf", "sog", "u.s", "u.n", "u.k", "e.u", "no", "gen", "sen", "rep", "gov", "lt", "col", "sgt", "inc",
    "corp", "co", "ltd", "jr", "sr", "vs", "hl", "abs", "art", "bd", "jh", "mio", "mrd", "tel", "str",
    "min", "max", "fig", "abb", "kap", "ff", "etc", "al", "i.e", "e.g", "a.m", "p.m", "mt", "ft", "dt",
}  # fmt: skip
_DANGLING = {
    "der", "die", "das", "des", "dem", "den", "ein", "eine", "einer", "eines", "einem", "einen", "und", "oder",
    "von", "vom", "zu", "zum", "zur", "mit", "für", "in", "im", "am", "an", "auf", "bei", "nach", "über", "dass",
    "the", "a", "of", "and", "or", "to", "for", "on", "at", "with", "by", "from", "that",
}  # fmt: skip
# Only at the start of a run of end marks: trying every position of a long run ("......") took quadratic time.
_SENTENCE_END = re.compile(r"(?<![.!?…])([.!?…]+)([\"'“”»«’)\]]*)(\s+)(?=[\"'„“»«‚(\[]?[^\W_a-zäöüß])")
_SUFFIX_PATTERNS = [
    re.compile(r"^(?P<title>.{8,}?)\s+(?:von|by)\s+(?P<src>[^\s].{0,40})$", re.IGNORECASE),
    re.compile(r"^(?P<title>.{8,}?)\s*\((?P<src>[^()]{1,30})\)$"),
    re.compile(r"^(?P<title>.{8,}?)\s+[|·•]\s+(?P<src>[^|·•]{1,50})$"),
    re.compile(r"^(?P<title>.{8,}?)\s+[-–—]\s+(?P<src>[^-–—]{1,50})$"),
]
_NOT_SOURCES = {
    "live", "update", "updates", "video", "videos", "fotos", "photos", "eilmeldung", "breaking", "liveblog",
    "ticker", "live-ticker", "analyse", "analysis", "kommentar", "comment", "interview", "exclusive", "exklusiv",
    "report", "bericht", "podcast", "audio", "faq", "q&a", "explainer", "opinion", "meinung", "newsblog",
}  # fmt: skip
_DOMAIN = re.compile(r"^[\w.-]+\.(?:de|com|net|org|at|ch|co\.uk|uk|eu|fr|it|es|nl|info|news|tv|io)$", re.I)


def _word_before(text: str, low: int, high: int) -> str:
    """The last word of ``text[low:high]`` (as ``split()[-1]``), reading only as far back as that word: slicing
    from ``low`` each time made a paragraph of many abbreviations ("a. a. a. ...") quadratic."""
    size = 64
    while True:
        begin = max(low, high - size)
        window = text[begin:high]
        words = window.split()
        if begin == low or len(words) > 1 or (words and window[0].isspace()):
            return words[-1] if words else ""
        size *= 2


def _word_after(text: str, low: int) -> str:
    """The first word of ``text[low:]`` (as ``split(maxsplit=1)[0]``) without copying the rest of the text."""
    size = 64
    while True:
        window = text[low : low + size]
        words = window.split(maxsplit=1)
        if low + size >= len(text) or len(words) > 1 or (words and window[-1].isspace()):
            return words[0] if words else ""
        size *= 2


def sentences(text: str) -> list[str]:
    """Sentences of a paragraph (abbreviations, initials and German ordinal dates do not end one)."""
    found: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        last_word = _word_before(text, start, match.start()).casefold()
        next_word = _word_after(text, match.end()).casefold().strip(".,;:")
        if match.group(1) == ".":
            if last_word.rstrip(".") in _ABBREVIATIONS or re.fullmatch(r"[^\W\d_]", last_word):
                continue
            if last_word.isdigit() and (next_word in MONTHS or len(last_word) <= 2):
                continue
        found.append(text[start : match.end(2)].strip())
        start = match.end()
    tail = text[start:].strip()
    if tail:
        found.append(tail)
    return found


def derive_title(paragraph: str) -> str:
    """A title from the first sentence: cut at a sentence end, at most ~120 characters on a word boundary
    (no ellipsis is added: ``title_derived`` already says the title is not the file's)."""
    text = re.sub(r"\s+", " ", paragraph).strip()[:_TITLE_SCAN]  # the title comes from the start alone
    first = (sentences(text) or [text])[0]
    if len(first) <= MAX_DERIVED_TITLE:
        return first.rstrip(".") if first.endswith(".") and not first.endswith("..") else first
    words = first[: MAX_DERIVED_TITLE + 1].split()[:-1] or [first[:MAX_DERIVED_TITLE]]
    while len(words) > 3 and words[-1].casefold().strip(",;:") in _DANGLING:
        words.pop()
    return " ".join(words).rstrip(" ,;:-–—(\"'„“")


def looks_like_headline(paragraph: str) -> bool:
    """A short line that reads like a headline rather than the first paragraph of the text."""
    text = paragraph.strip()
    if not text or len(text) > 200 or text.endswith((":", ",", ";")):
        return False
    if text[0].islower():
        return False
    parts = sentences(text)
    if len(parts) > 2:
        return False
    return not (text.endswith(".") and (len(text) > 150 or len(parts) > 1))


def _suffix_source(src: str, pattern_index: int) -> str | None:
    src = src.strip().rstrip(".")
    if not src or src.casefold() in _NOT_SOURCES:
        return None
    if agency := canonical_agency(src):
        return agency
    if pattern_index in (0, 1):
        return None
    if _DOMAIN.match(src):
        return src
    if pattern_index == 2 and len(src.split()) <= 5:
        return canonical_source(src)
    if pattern_index == 3 and is_all_caps(src) and len(src.split()) <= 3 and len(src) <= 25:
        return canonical_source(src)
    return None


def split_title_source(title: str) -> tuple[str, str | None]:
    """("Kim besucht Russland Von Reuters") -> ("Kim besucht Russland", "Reuters"); titles without a
    recognisable source suffix come back unchanged."""
    title = re.sub(r"\s+", " ", title).strip()
    source: str | None = None
    for _ in range(2):
        for index, pattern in enumerate(_SUFFIX_PATTERNS):
            match = pattern.match(title)
            if match and (found := _suffix_source(match.group("src"), index)):
                title = match.group("title").rstrip(" -–—|:·•")
                if source is None or (canonical_agency(found) and not canonical_agency(source)):
                    source = found
                break
        else:
            break
    return title, source
