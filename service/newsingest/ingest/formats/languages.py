"""Language tags as files state them ("de-DE", "de_DE", "deu", "German") reduced to ISO 639-1."""

from __future__ import annotations

import re

_THREE_TO_TWO = {
    "deu": "de", "ger": "de", "eng": "en", "fra": "fr", "fre": "fr", "spa": "es", "ita": "it", "por": "pt",
    "nld": "nl", "dut": "nl", "pol": "pl", "rus": "ru", "ukr": "uk", "tur": "tr", "ara": "ar", "zho": "zh",
    "chi": "zh", "jpn": "ja", "kor": "ko", "ces": "cs", "cze": "cs", "dan": "da", "swe": "sv", "nor": "no",
    "nob": "nb", "fin": "fi", "ell": "el", "gre": "el", "hun": "hu", "ron": "ro", "rum": "ro", "bul": "bg",
    "hrv": "hr", "srp": "sr", "slk": "sk", "slo": "sk", "slv": "sl", "heb": "he", "hin": "hi", "fas": "fa",
    "per": "fa", "cat": "ca", "lit": "lt", "lav": "lv", "est": "et", "ind": "id", "vie": "vi", "tha": "th",
}  # fmt: skip
_NAMES = {
    "german": "de", "deutsch": "de", "english": "en", "englisch": "en", "french": "fr", "français": "fr",
    "francais": "fr", "französisch": "fr", "spanish": "es", "español": "es", "spanisch": "es",
    "italian": "it", "italiano": "it", "italienisch": "it", "dutch": "nl", "nederlands": "nl",
    "russian": "ru", "russisch": "ru", "polish": "pl", "polnisch": "pl", "portuguese": "pt",
    "ukrainian": "uk", "turkish": "tr", "arabic": "ar", "chinese": "zh", "japanese": "ja", "korean": "ko",
}  # fmt: skip
_LEGACY = {"iw": "he", "in": "id", "ji": "yi"}
_TAG = re.compile(r"^([a-zA-Z]{2,3})(?:[-_][a-zA-Z0-9]{1,8})*$")


def normalise_language(value: object) -> str | None:
    """ISO 639-1 code for a stated language, or None when it is not one ("und", "x-klingon", 42)."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > 40:
        return None
    lowered = text.casefold()
    if lowered in _NAMES:
        return _NAMES[lowered]
    match = _TAG.match(text)
    if not match:
        return None
    primary = match.group(1).lower()
    if len(primary) == 3:
        return _THREE_TO_TWO.get(primary)
    return _LEGACY.get(primary, primary)
