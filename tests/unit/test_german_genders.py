"""German noun genders from the german-nouns package (Wiktionary), with compound heads and a fallback."""

from __future__ import annotations

import pytest

from newsingest.enrich import german_genders
from newsingest.enrich.german_case import nominative


def test_genders_of_nouns_and_compound_heads() -> None:
    assert german_genders.genders("Kreuz") == {"n"}
    assert german_genders.genders("Bahn") == {"f"}
    assert german_genders.genders("Rundfunk") == {"m"}
    assert german_genders.genders("Zentralbank") == {"f"}  # the longest known ending: "Bank"
    assert german_genders.genders("Eishockey-Verband") == {"m"}
    assert german_genders.genders("Xqzvtlk") is None
    assert german_genders.genders("kreuz") is None  # nouns are capitalised


def test_without_the_package_genders_come_from_suffixes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(german_genders, "_csv_path", lambda: None)
    german_genders.lexicon.cache_clear()
    try:
        assert german_genders.lexicon() == {}
        assert german_genders.genders("Kreuz") is None
        assert nominative("Deutschen Zentrums", ["des"]) == "Deutsches Zentrum"  # "-zentrum": neuter by suffix
        assert nominative("Roten Kreuz", ["vom"]) == "Roter Kreuz"  # no suffix cue: masculine, the default
    finally:
        german_genders.lexicon.cache_clear()
