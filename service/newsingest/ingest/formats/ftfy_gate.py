"""Whether ftfy could change a text at all, decided much faster than running it (``needs_ftfy``).

Almost every article is clean: on 500 10kGNAD articles ftfy changed none but spent 1.6 ms on each, most of it in
``ftfy.badness.is_bad`` (a large regular expression tried at every character of every line). Every fix of the
configuration ``cleaning`` uses either needs a character from a small set (an HTML entity's ``&``, control and C1
characters, CR and Unicode line separators, ligatures, surrogates), or a text that is not in NFC, or a mojibake
sequence that ``is_bad`` finds. ``is_bad`` only ever matches sequences that contain a non-ASCII character and are
at most ``_REACH`` characters long (both checked when this module loads, from ftfy's own expression), and ftfy
tests it line by line; so it is run here only on short windows around the runs of non-ASCII characters, cut at the
line ends. A window may find mojibake where ftfy's line would not (``^`` matches at a window's start), never the
other way round: the text then simply goes through ftfy.
"""

from __future__ import annotations

import re
import unicodedata

from ftfy import chardata
from ftfy.badness import BADNESS_RE


def _reach() -> int | None:
    """The longest match of ftfy's badness expression; None (no gate) unless every alternative of it needs a
    non-ASCII character and its matches are short."""
    try:
        from re import _constants, _parser  # type: ignore[attr-defined]  # CPython's own regex parser
    except ImportError:  # pragma: no cover - other Python implementations
        return None

    def non_ascii(op: object, av: object) -> bool:
        if op is _constants.LITERAL:
            return isinstance(av, int) and av > 127
        if op is not _constants.IN or not isinstance(av, list):
            return False
        return all((o is _constants.LITERAL and a > 127) or (o is _constants.RANGE and a[0] > 127) for o, a in av)

    parsed = _parser.parse(BADNESS_RE.pattern, BADNESS_RE.flags)
    if len(parsed.data) != 1 or parsed.data[0][0] is not _constants.BRANCH:
        return None
    branches = parsed.data[0][1][1]
    if not all(any(non_ascii(op, av) for op, av in branch.data) for branch in branches):
        return None
    _, longest = parsed.getwidth()
    return int(longest) if longest < 64 else None


_REACH = _reach()
_TRIGGERS = re.compile(
    "["
    + re.escape(
        "".join(
            sorted(
                {chr(c) for c in chardata.CONTROL_CHARS}
                | {chr(c) for c in chardata.LIGATURES}
                | {chr(c) for c in range(0x80, 0xA0)}  # C1 controls (fix_c1_controls), NEL (fix_line_breaks)
                | set("&\r\u2028\u2029\x1b")  # HTML entities, line breaks, terminal escapes
            )
        )
    )
    + "\ud800-\udfff]"  # surrogates
)
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def needs_ftfy(text: str) -> bool:
    """False only when ``ftfy.fix_text`` with the cleaning configuration would return ``text`` unchanged."""
    if _REACH is None or _TRIGGERS.search(text) or not unicodedata.is_normalized("NFC", text):
        return True
    return any(BADNESS_RE.search(window) for window in _windows(text, _REACH))


def _windows(text: str, reach: int) -> list[str]:
    """Merged spans of ``reach`` characters either side of each non-ASCII run, never across a line end
    (ftfy judges each line, with its ``\\n``, on its own)."""
    spans: list[list[int]] = []
    line_start = line_end = 0
    for run in _NON_ASCII.finditer(text):
        if run.start() >= line_end:  # the first run of its line: its ends looked up once, not per run (quadratic)
            line_start = text.rfind("\n", 0, run.start()) + 1
            line_end = text.find("\n", run.end())
            line_end = len(text) if line_end < 0 else line_end + 1
        start, end = max(line_start, run.start() - reach), min(line_end, run.end() + reach)
        if spans and start < spans[-1][1]:  # same line (an earlier line's span ends at or before line_start)
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([start, end])
    return [text[start:end] for start, end in spans]
