"""The second opinion: lingua-language-detector, restricted to a configured set of languages.

Why lingua: its models ship inside the PyPI wheel (nothing is downloaded, ever), it covers the 75 languages a
newsroom meets including the ones fastText's lid.176 lacks (Luganda, Māori, Shona, Sesotho, Setswana, Xitsonga,
Xhosa, Zulu) and it separates close pairs (nb/nn/da, cs/sk, nl/af) better. It runs in low-accuracy mode
(trigram models only): for article-sized text that is as accurate as the high-accuracy mode (measured in
docs/language.md) at a tenth of the memory. The models are loaded once (``warm_up``), before the first article;
the small per-group detectors share them (lingua keeps loaded models in one process-wide cache).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from functools import cached_property
from typing import TYPE_CHECKING

from newsingest.enrich.language_codes import LINGUA_LANGUAGES

if TYPE_CHECKING:
    from lingua import Language, LanguageDetector

MAX_CHARS = 800
"""Lingua reads at most this much of the sample: its time grows with the text, its answer hardly after this."""


def _cut(text: str, limit: int = MAX_CHARS) -> str:
    if len(text) <= limit:
        return text
    head = text[:limit]
    space = head.rfind(" ", limit // 2)
    return head[:space] if space > 0 else head


class SecondOpinion:
    """Lingua over ``languages`` (codes, or "all"; unknown ones are ignored, fewer than two disables it)."""

    def __init__(self, languages: Iterable[str]) -> None:
        wanted = {code.lower() for code in languages}
        if "all" in wanted:
            wanted = set(LINGUA_LANGUAGES)
        self.languages: frozenset[str] = frozenset(code for code in LINGUA_LANGUAGES if code in wanted)
        self._groups: dict[frozenset[str], LanguageDetector] = {}
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return len(self.languages) >= 2

    @cached_property
    def _by_code(self) -> dict[str, Language]:
        from lingua import Language

        return {language.iso_code_639_1.name.lower(): language for language in Language.all()}

    @cached_property
    def _detector(self) -> LanguageDetector:
        from lingua import LanguageDetectorBuilder

        languages = [self._by_code[code] for code in sorted(self.languages)]
        return (
            LanguageDetectorBuilder.from_languages(*languages)
            .with_low_accuracy_mode()
            .with_preloaded_language_models()
            .build()
        )

    def warm_up(self) -> None:
        """Load every model of the configured set now (about a third of a second and 100 MB for all 75)."""
        if self.enabled:
            self._detector.compute_language_confidence_values("warm up")

    def _group_detector(self, group: frozenset[str]) -> LanguageDetector:
        with self._lock:
            detector = self._groups.get(group)
            if detector is None:
                from lingua import LanguageDetectorBuilder

                languages = [self._by_code[code] for code in sorted(group)]
                detector = LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()
                self._groups[group] = detector
            return detector

    def scores(self, text: str, among: Iterable[str] | None = None) -> dict[str, float]:
        """Relative confidence (summing to 1) of each language of ``among`` (default: the whole set) that
        lingua can tell apart for ``text``; empty when fewer than two of them are configured."""
        if not self.enabled:
            return {}
        if among is None:
            detector = self._detector
        else:
            group = frozenset(among) & self.languages
            if len(group) < 2:
                return {}
            detector = self._group_detector(group)
        values = detector.compute_language_confidence_values(_cut(text))
        return {value.language.iso_code_639_1.name.lower(): value.value for value in values if value.value > 0}
