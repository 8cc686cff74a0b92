"""Text hygiene shared by every format: mojibake repair, whitespace, splitting into paragraphs."""

from __future__ import annotations

import re
import statistics

import ftfy

from newsingest.ingest.formats.base import MalformedDocument
from newsingest.ingest.formats.ftfy_gate import needs_ftfy

MAX_LINES = 100_000

_FTFY = ftfy.TextFixerConfig(
    unescape_html="auto",
    remove_terminal_escapes=True,
    fix_encoding=True,
    restore_byte_a0=True,
    replace_lossy_sequences=True,
    decode_inconsistent_utf8=True,
    fix_c1_controls=True,
    fix_latin_ligatures=True,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=True,
    fix_surrogates=True,
    remove_control_chars=True,
    normalization="NFC",
    explain=False,
)
_INLINE_SPACE = re.compile(r"[ \t\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")
_SENTENCE_END = re.compile(r"[.!?:…\"“”»«’)]$")


def repair_text(text: str) -> str:
    """Mojibake repair ("GesprÃ¤che" -> "Gespräche"), NFC, no control characters; quotes stay as written.

    Raises MalformedDocument for more than ``MAX_LINES`` lines that need it: ftfy takes 10 µs a line."""
    if not text or not needs_ftfy(text):
        return text  # nothing ftfy would change (checked much faster than ftfy checks it: ftfy_gate.py)
    if (lines := text.count("\n") + 1) > MAX_LINES:
        raise MalformedDocument(f"text has {lines} lines; more than {MAX_LINES} are no article", lines=lines)
    return ftfy.fix_text(text, _FTFY)


def normalise_inline(text: str) -> str:
    """One line: zero-width characters dropped, runs of spaces (incl. no-break spaces) collapsed."""
    if text.isascii():  # the common case, without two regular-expression passes: nothing zero-width
        if "  " in text or "\t" in text or "\f" in text or "\v" in text:
            return _INLINE_SPACE.sub(" ", text).strip()
        return text.strip()
    return _INLINE_SPACE.sub(" ", _ZERO_WIDTH.sub("", text)).strip()


def _wrap_width(lines: list[str]) -> int | None:
    """The fixed width the text was wrapped at (e-mail style), or None for one line per paragraph."""
    lengths = [len(line) for line in lines if line]
    if len(lengths) < 5:
        return None
    width = sorted(lengths)[int(len(lengths) * 0.9) - 1]
    if not 40 <= width <= 100:
        return None
    near = [n for n in lengths if width - 20 <= n <= width + 2]
    if len(near) / len(lengths) >= 0.6 and statistics.pstdev(near) < 8:
        return width
    return None


def _unwrap(block: list[str], width: int) -> list[str]:
    paragraphs: list[str] = []
    current: list[str] = []
    for line in block:
        current.append(line)
        if len(line) < width - 20 and _SENTENCE_END.search(line):
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of a plain text: blank lines separate them, and so does every line break unless the
    text is hard-wrapped at a fixed width (then wrapped lines are joined again).

    Raises MalformedDocument for more than ``MAX_LINES`` lines: no article has them, and each line costs a
    list entry here and an analysis later (10 MB of one-letter lines took 30 s and 250 MB)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2029", "\n\n").replace("\u2028", "\n")
    if (lines := text.count("\n") + 1) > MAX_LINES:
        raise MalformedDocument(f"text has {lines} lines; more than {MAX_LINES} are no article", lines=lines)
    blocks = [[normalise_inline(line) for line in block.split("\n")] for block in _BLANK_LINES.split(text.strip())]
    all_lines = [line for block in blocks for line in block if line]
    width = _wrap_width(all_lines)
    paragraphs: list[str] = []
    for block in blocks:
        lines = [line for line in block if line]
        if not lines:
            continue
        paragraphs.extend(_unwrap(lines, width) if width else lines)
    return paragraphs


def join_paragraphs(paragraphs: list[str]) -> str:
    return "\n\n".join(p for p in (normalise_inline(p) for p in paragraphs) if p)
