"""Shared quotations as story evidence: two reports that quote the same eight words in a row report one event.

Outlets of opposite leanings word an event differently, so their reports share few content terms, yet they quote
the same statement ("We will not accept a world where ..."). News trackers use quotations as evidence of their
own (EMM NewsBrief extracts quotations per story). Only text inside quotation marks counts: an outlet's footer
("Copyright ... All rights reserved"), its "click here" lines and reporting clichés are outside them, so they
link nothing.

An article's *quote passages* are the CRC-32 hashes of the eight-word windows of its quotations (lower-cased
words), the half whose hash is even (consistent sampling: two articles keep the same windows of a shared quote),
at most :data:`MAX_PASSAGES` of them (the smallest hashes). :func:`quote_choice` picks the one candidate story
sharing at least ``minimum`` passages with the article that no other candidate story shares.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from collections.abc import Iterable, Mapping

from newsingest.enrich.terms import words

WINDOW = 8  # words in a row
SAMPLE = 2  # one window in SAMPLE is kept (by its hash)
MAX_PASSAGES = 128
MIN_QUOTE_CHARS = 30
# quotation marks by style: English “…”, German „…“ and »…«, French «…», and straight "…" — a straight mark opens
# only after a space or an opening bracket and closes only before a space or punctuation, so that the narration
# between one quotation's end and the next one's start is never read as a quotation. Single quotes are left out:
# their closing mark is the apostrophe ("don’t").
_STRAIGHT = r'(?<![^\s(\[{—–-])"(?=[^\s"])([^"]{' + str(MIN_QUOTE_CHARS) + r',4000}?)(?<=\S)"(?![^\s.,;:!?)\]}—–-])'
# a quotation over several paragraphs opens each of them and closes only the last: a paragraph that opens with a
# mark, has none other and is followed by one that opens with a mark is a quotation too
_CONTINUED = r'(?m:^)[ \t]*["“„»«]([^"“”„»«\n]{' + str(MIN_QUOTE_CHARS) + r',4000})(?=\n\s*["“„»«])'
_QUOTE = re.compile(
    "|".join(
        [_CONTINUED, _STRAIGHT]
        + [
            f"{opening}([^{opening}{closing}]{{{MIN_QUOTE_CHARS},4000}}?)[{closing}]"
            for opening, closing in (("“", "”"), ("„", "“”"), ("»", "«"), ("«", "»"))
        ]
    )
)


def quote_passages(text: str) -> tuple[int, ...]:
    """The sampled hashes of the eight-word windows inside the quotations of ``text``, sorted."""
    kept: set[int] = set()
    for match in _QUOTE.finditer(text):
        tokens = words(next(group for group in match.groups() if group is not None))
        for i in range(len(tokens) - WINDOW + 1):
            digest = zlib.crc32(" ".join(tokens[i : i + WINDOW]).encode("utf-8"))
            if digest % SAMPLE == 0:
                kept.add(digest)
    return tuple(sorted(kept)[:MAX_PASSAGES])


def shared_passages(mine: Iterable[int], by_story: Mapping[str, Iterable[int]]) -> dict[str, int]:
    """Per candidate story, the article's passages found in it and in no other candidate story (a passage two
    stories share is common phrasing, not evidence for either)."""
    own = set(mine)
    found = {story: own.intersection(passages) for story, passages in by_story.items()}
    owners = Counter(passage for passages in found.values() for passage in passages)
    counts = {story: sum(1 for p in passages if owners[p] == 1) for story, passages in found.items()}
    return {story: count for story, count in counts.items() if count}


def quote_choice(shared: Mapping[str, int], minimum: int) -> str | None:
    """The one story sharing at least ``minimum`` quote passages with the article; None when none does or several
    do (or ``minimum`` is 0: the rule is off)."""
    if minimum <= 0:
        return None
    strong = sorted(story for story, count in shared.items() if count >= minimum)
    return strong[0] if len(strong) == 1 else None
