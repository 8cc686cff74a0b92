"""The second opinion inside each confusable group, on development-set pieces, and each fallback path."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsingest.enrich import language as language_module
from newsingest.enrich.language import LanguageDetector, LanguageResult
from newsingest.enrich.language_codes import CONFUSABLE_GROUPS, group_of

DEV = Path(__file__).resolve().parents[1] / "fixtures" / "language" / "udhr"


def piece(code: str, index: int = 1) -> str:
    return (DEV / f"{code}.txt").read_text(encoding="utf-8").splitlines()[index]


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    found = LanguageDetector()
    found.warm_up()
    return found


# one piece per group member that fastText alone gets wrong or only as a group; hr/bs is reported, not tested
@pytest.mark.parametrize(
    ("codes"),
    [("hr", "sr"), ("sl", "hr"), ("ms", "id"), ("nb", "nn", "da"), ("cs", "sk"), ("nl", "af"),
     ("sw", "so", "lg", "sn", "st", "tn", "ts", "xh", "zu")],
)  # fmt: skip
def test_each_confusable_group_is_told_apart(detector: LanguageDetector, codes: tuple[str, ...]) -> None:
    assert any(set(codes) <= group for group in CONFUSABLE_GROUPS) or all(c in group_of(codes[0]) for c in codes)
    for code in codes:
        result = detector.detect(piece(code))
        assert result.code == code, (code, result)
        assert result.method == "lingua"


def test_fasttext_confident_outside_groups_is_final(detector: LanguageDetector) -> None:
    result = detector.detect(piece("de"))
    assert (result.code, result.method) == ("de", "fasttext")
    assert result.languages == (("de", 1.0),)


def test_fasttext_unsure_asks_lingua(detector: LanguageDetector) -> None:
    text = piece("la")
    top = language_module.predict(text, k=1)[0]
    assert top[1] < detector.unsure_below  # the precondition of this path
    result = detector.detect(text)
    assert (result.code, result.method) == ("la", "lingua")


def test_language_fasttext_does_not_know_comes_from_lingua(detector: LanguageDetector) -> None:
    for code in ("mi", "zu", "xh"):
        assert detector.detect(piece(code)).code == code


def test_no_fasttext_answer(detector: LanguageDetector, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(language_module, "predict", lambda text, k=3: [("en", 0.05)])
    result = detector.detect(piece("tn"))
    assert (result.code, result.method) == ("tn", "lingua")


def test_lingua_disagreeing_inside_a_group_wins(detector: LanguageDetector) -> None:
    text = piece("nn")
    assert language_module.predict(text, k=1)[0][0] == "no"  # fastText says Bokmål
    assert detector.detect(text).code == "nn"


def test_implausible_lingua_answer_keeps_fasttexts(monkeypatch: pytest.MonkeyPatch) -> None:
    detector = LanguageDetector()
    monkeypatch.setattr(language_module, "predict", lambda text, k=3: [("gl", 0.7), ("pt", 0.2)])
    monkeypatch.setattr(detector.second, "scores", lambda text, among=None: {"it": 0.9, "es": 0.1})
    assert detector.detect("Unha lingua que lingua non coñece ben, pero fastText si.") == LanguageResult(
        "gl", 0.7, (("gl", 1.0),)
    )


def test_without_second_opinion_unsure_is_und() -> None:
    detector = LanguageDetector([])
    assert detector.detect(piece("zu")).code == "und"


def test_declared_language_is_a_prior_inside_a_group(detector: LanguageDetector) -> None:
    close = "Predsjednik je u ponedjeljak posjetio grad i razgovarao s ljudima o novim mjerama."
    assert detector.detect(close).code == "hr"
    assert detector.detect(close, hint="bs").code == "bs"
    croatian_word = "Vlada je u ponedjeljak objavila nove mjere za gospodarstvo i zaposlene."
    assert detector.detect(croatian_word, hint="bs").code == "hr"  # the text overrules the prior


def test_declared_language_is_overruled_by_clear_text(detector: LanguageDetector) -> None:
    assert detector.detect(piece("de"), hint="fr").code == "de"
    assert detector.detect(piece("nb"), hint="no").code == "nb"  # "no" is compatible with nb and nn


def test_declared_language_decides_when_the_text_cannot(detector: LanguageDetector) -> None:
    assert detector.detect("ok ok", hint="sw") == LanguageResult("sw", 0.5, (("sw", 1.0),), method="hint")
