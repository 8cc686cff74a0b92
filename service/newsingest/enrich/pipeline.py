"""Enrichment of one article: pure, synchronous, no I/O beyond loading packaged models.

The Faust agent runs ``Enricher.enrich`` in a thread with the time limit from settings.
"""

from __future__ import annotations

import re

from newsingest import __version__
from newsingest.config import Settings
from newsingest.enrich.language import detect_language
from newsingest.models import EnrichedArticle, RawArticle

PIPELINE_VERSION = f"{__version__}"
_WORD = re.compile(r"\w+(?:[-'’]\w+)*", re.UNICODE)


def word_count(text: str) -> int:
    return sum(1 for _ in _WORD.finditer(text))


class Enricher:
    """Holds the models (loaded once per worker) and turns a RawArticle into an EnrichedArticle."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def enrich(self, raw: RawArticle) -> EnrichedArticle:
        text = f"{raw.title}\n\n{raw.body}"
        language = detect_language(
            text,
            hint=raw.language_hint,
            min_chars=self.settings.language_min_chars,
            min_confidence=self.settings.language_min_confidence,
        )
        return EnrichedArticle(
            **raw.model_dump(),
            language=language.code,
            language_confidence=language.confidence,
            word_count=word_count(raw.body),
            pipeline_version=PIPELINE_VERSION,
        )
