from __future__ import annotations

from pathlib import Path

from newsingest.enrich.language import LanguageDetector
from newsingest.enrich.language_mix import SAMPLE_CHARS, chunks, sample, shares

DEV = Path(__file__).resolve().parents[1] / "fixtures" / "language" / "udhr"


def piece(code: str, index: int = 1) -> str:
    return (DEV / f"{code}.txt").read_text(encoding="utf-8").splitlines()[index]


def test_long_articles_are_sampled_at_beginning_middle_and_end() -> None:
    text = " ".join(f"w{i}" for i in range(5000))
    cut = sample(text)
    assert len(cut) <= SAMPLE_CHARS + 4
    assert cut.startswith("w0 ")
    assert cut.rstrip().endswith("w4999")
    assert " w3500 " not in cut
    assert any(f" w{i} " in cut for i in range(2300, 2700))
    assert sample("short text") == "short text"


def test_chunks_merge_short_paragraphs() -> None:
    pieces = chunks("Kurz.\n\n" + "a" * 200 + "\n\nNoch kurz.")
    assert len(pieces) == 1
    assert pieces[0][1] == 4 + 200 + 8


def test_shares_drop_small_languages_and_und() -> None:
    assert shares([("de", 600), ("en", 300), ("fr", 50), ("und", 500)], "de") == [("de", 0.667), ("en", 0.333)]
    assert shares([], "de") == [("de", 1.0)]


def test_mixed_article_gets_languages_with_shares() -> None:
    detector = LanguageDetector()
    text = "\n\n".join([piece("de", 1), piece("de", 2), piece("en", 3)])
    result = detector.detect(text)
    assert result.code == "de"
    codes = [code for code, _ in result.languages]
    assert codes == ["de", "en"]
    assert abs(sum(share for _, share in result.languages) - 1) < 0.01


def test_monolingual_article_in_paragraphs_is_one_language() -> None:
    result = LanguageDetector().detect("\n\n".join(piece("hr", i) for i in range(3)))
    assert result.languages == (("hr", 1.0),)
