from __future__ import annotations

import pytest

from newsingest.enrich.language import detect_language
from tests.conftest import SAMPLES


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Der nordkoreanische Staatschef wird bald Russland besuchen, bestätigte der Kreml am Montag.", "de"),
        ("The prime minister said on Monday that the government would publish its plans next week.", "en"),
        ("Le président de la République a annoncé lundi une réforme des retraites.", "fr"),
        ("El gobierno anunció el lunes nuevas medidas para reducir la inflación en el país.", "es"),
    ],
)
def test_detects_language_with_confidence(text: str, code: str) -> None:
    result = detect_language(text)
    assert result.code == code
    assert 0.5 <= result.confidence <= 1.0


def test_too_short_is_undetermined() -> None:
    assert detect_language("Hi!").code == "und"
    assert detect_language("12345 678 -- 99").code == "und"


def test_hint_is_used_only_when_the_detector_is_unsure() -> None:
    assert detect_language("ok", hint="en").code == "en"
    long_german = "Die Bundesregierung hat am Mittwoch einen neuen Gesetzentwurf zur Rente beschlossen."
    assert detect_language(long_german, hint="en").code == "de"


@pytest.mark.skipif(not SAMPLES.exists(), reason="shared samples not beside the repository")
def test_samples_are_german() -> None:
    for path in SAMPLES.glob("*.txt"):
        assert detect_language(path.read_text()).code == "de"
