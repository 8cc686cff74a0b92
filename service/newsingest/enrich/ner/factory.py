"""Build the named-entity engine from Settings: CoreNLP per default, an installed spaCy pipeline where configured."""

from __future__ import annotations

from collections.abc import Mapping

from newsingest.config import Settings
from newsingest.enrich.ner.base import NerEngine, NullEngine, RawMention
from newsingest.enrich.ner.confidence import ConfidenceFilter
from newsingest.enrich.ner.org_heads import OrgHeadEngine
from newsingest.enrich.ner.voting import VOTER_MODELS, VotingEngine


class LanguageRouter:
    """One engine per language behind the single :class:`NerEngine` interface."""

    def __init__(self, engines: Mapping[str, NerEngine]) -> None:
        self.engines = dict(engines)
        self.name = "+".join(sorted({engine.name for engine in self.engines.values()})) or "null"

    def supports(self, language: str) -> bool:
        engine = self.engines.get(language)
        return engine is not None and engine.supports(language)

    async def recognise(self, text: str, language: str) -> list[RawMention]:
        engine = self.engines.get(language)
        if engine is None:
            return []
        return await engine.recognise(text, language)

    async def aclose(self) -> None:
        closed: set[int] = set()
        for engine in self.engines.values():
            if id(engine) not in closed:
                closed.add(id(engine))
                await engine.aclose()


def spacy_languages(settings: Settings) -> dict[str, str]:
    """Languages (of ``ner_languages``) configured to use an installed spaCy pipeline, and that pipeline."""
    return {lang: model for lang, model in settings.ner_spacy_models.items() if lang in settings.ner_languages}


def with_voters(corenlp: NerEngine, settings: Settings, languages: list[str]) -> NerEngine:
    """``corenlp`` behind a :class:`VotingEngine` for the languages with a second model (``VOTER_MODELS``), unless
    ``ner_corenlp_voting`` is off or the language's model was configured by hand."""
    from newsingest.enrich.ner.corenlp import CoreNLPEngine

    voters: dict[str, NerEngine] = {}
    for lang in languages:
        own = dict(settings.ner_corenlp_properties.get(lang, {}))
        if lang not in VOTER_MODELS or "ner.model" in own or not settings.ner_corenlp_voting:
            continue
        update = {"ner_corenlp_properties": {lang: {**own, "ner.model": VOTER_MODELS[lang]}}}
        voters[lang] = CoreNLPEngine(settings.model_copy(update=update), languages=[lang])
    return VotingEngine(corenlp, voters, vote_below=settings.ner_vote_below_confidence) if voters else corenlp


def build_engine(settings: Settings) -> NerEngine:
    """The engine the service uses; a :class:`NullEngine` when ``settings.ner_enabled`` is False.

    Languages in ``ner_spacy_models`` use that spaCy pipeline (spaCy must be installed: checked here), the other
    languages of ``ner_languages`` the CoreNLP server; languages with neither get no entities.
    """
    if not settings.ner_enabled:
        return NullEngine()
    from newsingest.enrich.ner.corenlp import CoreNLPEngine, corenlp_languages

    spacy_models = spacy_languages(settings)
    corenlp_langs = [lang for lang in corenlp_languages(settings) if lang not in spacy_models]
    engines: dict[str, NerEngine] = {}
    if corenlp_langs:
        corenlp = CoreNLPEngine(settings, languages=corenlp_langs)
        voted = with_voters(corenlp, settings, corenlp_langs)
        sure = ConfidenceFilter(voted, settings.ner_min_confidence, settings.ner_min_confidence_one_word)
        engines.update(dict.fromkeys(corenlp_langs, sure))
    if spacy_models:
        from newsingest.enrich.ner.spacy_engine import SpacyEngine, check_installed

        check_installed(spacy_models)
        spacy = SpacyEngine(spacy_models, chunk_chars=settings.ner_chunk_chars, concurrency=settings.ner_concurrency)
        engines.update(dict.fromkeys(spacy_models, spacy))
    if not engines:
        return NullEngine()
    distinct = {id(engine): engine for engine in engines.values()}
    if len(distinct) == 1:
        return OrgHeadEngine(next(iter(distinct.values())))
    return OrgHeadEngine(LanguageRouter(engines))
