"""Boilerplate paragraphs scraped along with an article: share buttons, "Lesen Sie auch", ads, trust notices."""

from __future__ import annotations

import re

_STARTS = re.compile(
    r"^(?:lesen\s+sie\s+(?:auch|mehr|hier)|mehr\s+zum\s+thema|mehr\s+dazu|auch\s+interessant|"
    r"das\s+könnte\s+sie\s+(?:auch\s+)?interessieren|weitere\s+(?:artikel|nachrichten|meldungen)|weiterlesen|"
    r"read\s+more|read\s+also|also\s+read|related(?:\s+(?:articles?|stories|coverage|content|topics))?\s*:|"
    r"more\s+on\s+this\s+story|recommended(?:\s+stories)?\s*:|see\s+also|siehe\s+auch|advertisement|anzeige|"
    r"werbung|sponsored|share\s+(?:this|on|via)|artikel\s+teilen|jetzt\s+teilen|diesen\s+artikel\s+teilen|"
    r"follow\s+us|folgen\s+sie\s+uns|subscribe\s+(?:to|now)|jetzt\s+abonnieren|sign\s+up\s+(?:for|to|here)|"
    r"melden\s+sie\s+sich|newsletter\s*:|zur\s+startseite|back\s+to\s+top|nach\s+oben|click\s+here|"
    r"hier\s+klicken|our\s+standards\s*:|unsere\s+standards\s*:|all\s+rights\s+reserved|"
    r"alle\s+rechte\s+vorbehalten|mit\s+material\s+von|mit\s+material\s+der|diesen\s+artikel\s+(?:drucken|teilen)|"
    r"we\s+use\s+cookies|wir\s+verwenden\s+cookies|this\s+article\s+was\s+(?:originally\s+)?published|"
    r"dieser\s+artikel\s+erschien\s+(?:zuerst|ursprünglich)|bei\s+rückfragen\s+wenden\s+sie\s+sich)(?=\W|$)",
    re.IGNORECASE,
)
_WHOLE = re.compile(
    r"^(?:facebook|twitter|x|whatsapp|e-?mail|mail|linkedin|pinterest|xing|telegram|reddit|flipboard|drucken|"
    r"print|teilen|share|home|startseite|menü|menu|suche|search|login|anmelden|abmelden|kommentare|comments|"
    r"kommentieren|merken|anzeige|advertisement|werbung|newsletter|weiter|zurück|next|previous|mehr|more|"
    r"top|zum\s+thema|audio|video|playlist|podcast|close|schließen|ok|akzeptieren|accept|cookies?|"
    r"\d+\s+(?:kommentare|comments)|\s*[|•·›»>«<\-–—*]+\s*+)\s*[.:]?$",  # *+: \s*\s* split long runs every way
    re.IGNORECASE,
)
_MAX_BOILERPLATE = 250


def is_boilerplate(paragraph: str) -> bool:
    """True for a paragraph that is site furniture rather than article text."""
    text = paragraph.strip()
    if not text:
        return True
    if _WHOLE.match(text):
        return True
    return len(text) <= _MAX_BOILERPLATE and bool(_STARTS.match(text))
