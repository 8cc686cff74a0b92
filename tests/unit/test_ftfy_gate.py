"""The ftfy gate never lets a text that ftfy would change pass unrepaired."""

from __future__ import annotations

import ftfy
import pytest
from ftfy.badness import BADNESS_RE
from hypothesis import given, settings
from hypothesis import strategies as st

from newsingest.ingest.formats import ftfy_gate
from newsingest.ingest.formats.cleaning import _FTFY, repair_text
from newsingest.ingest.formats.ftfy_gate import needs_ftfy

CLEAN = [
    "Die Bundesregierung prüft „neue Maßnahmen“ – sagte Müller am Dienstag.\nÖsterreich und die Schweiz folgen.",
    "Le président français s'est rendu à Genève… «c'est décidé», a-t-il dit.",
    "Москва, 5 декабря — Президент России заявил…",
    "東京電力は5日、福島第一原発の処理水について発表した。",
    "Zürich: 3 °C, 45 % Luftfeuchte, 1.200 € Miete, 20 m² — São Paulo, Kraków, Łódź.",
]
MOJIBAKE = [
    "GesprÃ¤che Ã¼ber die StraÃŸe",  # UTF-8 read as cp1252
    "The â€œquotedâ€\x9d text and itâ€™s fine",
    "Ð¿Ñ€Ð¸Ð²ÐµÑ‚ Ð¼Ð¸Ñ€",  # Cyrillic through cp1252
    "Gespr√§che √ºber",  # UTF-8 read as MacRoman
    "naÃ¯ve cafÃ© crÃ¨me",
]
TRIGGERED = [
    "Tom &amp; Jerry", "line one\r\nline two", "ﬁnal ofﬁce", "zero\x00byte", "esc\x1b[31mred", "a\u2028b",
    "cafe\u0301",  # not NFC
    "c1 \x93control\x94",
]


@pytest.mark.parametrize("text", CLEAN)
def test_clean_text_skips_ftfy_and_ftfy_agrees(text: str) -> None:
    assert not needs_ftfy(text)
    assert ftfy.fix_text(text, _FTFY) == text


@pytest.mark.parametrize("text", MOJIBAKE + TRIGGERED)
def test_text_ftfy_would_change_goes_through_it(text: str) -> None:
    assert ftfy.fix_text(text, _FTFY) != text
    assert needs_ftfy(text)
    assert repair_text(text) == ftfy.fix_text(text, _FTFY)


def test_the_gate_is_active_for_this_ftfy() -> None:
    """If a new ftfy changed its badness expression so that the proof no longer holds, the gate turns itself
    off (every text goes through ftfy); this test says so instead of letting the speed-up vanish silently."""
    assert ftfy_gate._REACH is not None
    assert ftfy_gate._REACH <= 16


_ALPHABET = st.sampled_from(
    list("aeAE .,-\n\t") + list("äöüÄÖÜßéàâçÃÂÐØÙÎœŒ€™“”„‘’–—°²×·»«¢£¥µ√≈‚вВГРСβΒāЂ\xa0\xad") + ["\u00e0", "\u00b4"]
)


@settings(max_examples=3000, deadline=None)
@given(st.lists(_ALPHABET, min_size=1, max_size=40).map("".join))
def test_every_text_ftfy_finds_bad_is_let_through(text: str) -> None:
    lines = text.splitlines(keepends=True)
    if any(BADNESS_RE.search(line) for line in lines):
        assert needs_ftfy(text)
    if not needs_ftfy(text):
        assert ftfy.fix_text(text, _FTFY) == text


@settings(max_examples=500, deadline=None)
@given(st.text(min_size=1, max_size=60))
def test_any_unicode_text_the_gate_passes_is_unchanged_by_ftfy(text: str) -> None:
    if not needs_ftfy(text):
        assert ftfy.fix_text(text, _FTFY) == text
