"""Optional plug-in: named entities from installed spaCy pipelines, one per language.

spaCy is not a dependency of newsingest. A user who has installed spaCy and a pipeline package (for example
``en_core_web_lg``) sets ``NEWSINGEST_NER_SPACY_MODELS='{"en": "en_core_web_lg"}'``; that language then uses
spaCy instead of CoreNLP. Pipelines are loaded from installed packages only (never downloaded), lazily, on the
first text of their language. OntoNotes labels are mapped: PERSON -> PER, ORG -> ORG, GPE/LOC -> LOC, NORP, EVENT,
WORK_OF_ART, PRODUCT, LAW, LANGUAGE, FAC -> MISC; numbers, dates and the like are dropped.
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from newsingest.enrich.ner.base import EntityType, RawMention, entity_type, split_chunks
from newsingest.log import get_logger

log = get_logger(__name__)

# OntoNotes (spaCy's English pipelines) labels without a CoNLL counterpart that still name something.
_ONTONOTES_MISC = frozenset({"NORP", "EVENT", "WORK_OF_ART", "PRODUCT", "LAW", "LANGUAGE", "FAC"})
_NOT_NEEDED = ["tagger", "parser", "lemmatizer", "attribute_ruler", "morphologizer", "senter", "trainable_lemmatizer"]


class SpacyUnavailable(RuntimeError):
    """spaCy or a configured pipeline package is not installed."""


def spacy_label_type(label: str) -> EntityType | None:
    if label in _ONTONOTES_MISC:
        return EntityType.MISC
    return entity_type(label)


def check_installed(models: Mapping[str, str]) -> None:
    """Fail early, with the package to install, when spaCy or a configured pipeline is missing."""
    if importlib.util.find_spec("spacy") is None:
        raise SpacyUnavailable("ner_spacy_models is set but spaCy is not installed (pip install spacy)")
    for language, package in models.items():
        if not Path(package).is_dir() and importlib.util.find_spec(package) is None:
            raise SpacyUnavailable(
                f"spaCy pipeline {package!r} for {language!r} is neither an installed package nor a directory"
            )


class SpacyEngine:
    """:class:`~newsingest.enrich.ner.base.NerEngine` running installed spaCy pipelines in worker threads."""

    name = "spacy"

    def __init__(self, models: Mapping[str, str], *, chunk_chars: int, concurrency: int) -> None:
        self.models = dict(models)
        self.chunk_chars = chunk_chars
        self.concurrency = concurrency
        self._pipelines: dict[str, Any] = {}
        self._locks = {language: threading.Lock() for language in self.models}
        self._slots = threading.BoundedSemaphore(concurrency)

    def supports(self, language: str) -> bool:
        return language in self.models

    async def recognise(self, text: str, language: str) -> list[RawMention]:
        if not self.supports(language) or not text.strip():
            return []
        return await asyncio.to_thread(self._recognise_sync, text, language)

    def _recognise_sync(self, text: str, language: str) -> list[RawMention]:
        with self._slots:
            nlp = self._pipeline(language)
            mentions: list[RawMention] = []
            with self._locks[language]:  # a spaCy Language object is not documented as thread-safe
                for chunk in split_chunks(text, self.chunk_chars):
                    for ent in nlp(chunk.text).ents:
                        kind = spacy_label_type(ent.label_)
                        if kind is None or not ent.text.strip():
                            continue
                        start, end = chunk.start + ent.start_char, chunk.start + ent.end_char
                        mentions.append(RawMention(start, end, text[start:end], kind))
            return mentions

    def _pipeline(self, language: str) -> Any:
        with self._locks[language]:
            if language not in self._pipelines:
                package = self.models[language]
                log.info("ner.spacy.loading", language=language, package=package)
                try:
                    spacy = importlib.import_module("spacy")
                    # spacy.load reads an installed package or a directory; it never downloads anything.
                    # Only what NER needs: the tagger, parser and lemmatiser are expensive.
                    self._pipelines[language] = spacy.load(package, exclude=_NOT_NEEDED)
                except (ImportError, OSError) as exc:
                    raise SpacyUnavailable(f"spaCy pipeline {package!r} cannot be loaded: {exc}") from exc
            return self._pipelines[language]

    async def aclose(self) -> None:
        self._pipelines.clear()
