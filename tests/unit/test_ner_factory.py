"""build_engine: NullEngine when disabled, CoreNLP per default, installed spaCy pipelines where configured."""

from __future__ import annotations

import importlib.machinery
import sys
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from newsingest.config import Settings
from newsingest.enrich.ner import build_engine
from newsingest.enrich.ner.base import EntityType, NerEngine, NullEngine
from newsingest.enrich.ner.confidence import ConfidenceFilter
from newsingest.enrich.ner.corenlp import CoreNLPEngine
from newsingest.enrich.ner.factory import LanguageRouter
from newsingest.enrich.ner.org_heads import OrgHeadEngine
from newsingest.enrich.ner.spacy_engine import SpacyEngine, SpacyUnavailable, spacy_label_type
from newsingest.enrich.ner.voting import VotingEngine


def test_disabled_gives_the_null_engine() -> None:
    engine = build_engine(Settings(ner_enabled=False))
    assert isinstance(engine, NullEngine)


def test_default_is_corenlp_for_german_and_english() -> None:
    engine = build_engine(Settings())
    assert isinstance(engine, OrgHeadEngine)  # German organisation heads on top of the model
    assert isinstance(engine.inner, ConfidenceFilter)  # mentions the model is unsure of are dropped
    assert engine.inner.min_confidence == Settings().ner_min_confidence
    assert isinstance(engine.inner.inner, VotingEngine)  # English mentions the 4-class model is unsure of voted on
    assert isinstance(engine.inner.inner.main, CoreNLPEngine)
    assert isinstance(engine, NerEngine)
    assert engine.supports("de")
    assert engine.supports("en")
    assert not engine.supports("pl")


def test_languages_without_model_give_the_null_engine() -> None:
    assert isinstance(build_engine(Settings(ner_languages=["pl"])), NullEngine)


def test_missing_spacy_fails_early(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "spacy", None)  # as if not installed
    monkeypatch.setattr("importlib.util.find_spec", lambda name: None)
    with pytest.raises(SpacyUnavailable):
        build_engine(Settings(ner_spacy_models={"en": "en_core_web_sm"}))


@dataclass
class FakeEnt:
    start_char: int
    end_char: int
    label_: str
    text: str


class FakeNlp:
    def __init__(self, words: dict[str, str]) -> None:
        self.words = words
        self.calls: list[str] = []

    def __call__(self, text: str) -> Any:
        self.calls.append(text)
        ents = []
        for word, label in self.words.items():
            start = text.find(word)
            while start >= 0:
                ents.append(FakeEnt(start, start + len(word), label, word))
                start = text.find(word, start + 1)
        return types.SimpleNamespace(ents=sorted(ents, key=lambda e: e.start_char))


@pytest.fixture
def fake_spacy(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> FakeNlp:
    nlp = FakeNlp({"Ada Lovelace": "PERSON", "London": "GPE", "Britons": "NORP", "1843": "DATE"})
    module = types.ModuleType("spacy")
    module.__spec__ = importlib.machinery.ModuleSpec("spacy", None)
    module.load = lambda name, exclude=(): nlp  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "spacy", module)
    return nlp


async def test_spacy_engine_maps_labels_and_rebases_chunks(fake_spacy: FakeNlp) -> None:
    engine = SpacyEngine({"en": "en_fake"}, chunk_chars=200, concurrency=2)
    assert engine.supports("en")
    assert not engine.supports("de")
    text = "\n\n".join(["Ada Lovelace met Britons in London in 1843."] * 12)
    mentions = await engine.recognise(text, "en")
    await engine.aclose()
    assert len(fake_spacy.calls) > 1
    assert len(mentions) == 12 * 3
    assert {m.type for m in mentions} == {EntityType.PERSON, EntityType.LOCATION, EntityType.MISC}
    for mention in mentions:
        assert text[mention.start : mention.end] == mention.text
    assert await engine.recognise("Ada Lovelace", "de") == []


def test_spacy_labels() -> None:
    assert spacy_label_type("PERSON") == EntityType.PERSON
    assert spacy_label_type("PER") == EntityType.PERSON
    assert spacy_label_type("GPE") == EntityType.LOCATION
    assert spacy_label_type("FAC") == EntityType.MISC
    assert spacy_label_type("CARDINAL") is None


async def test_router_mixes_spacy_and_corenlp(fake_spacy: FakeNlp, tmp_path: Path) -> None:
    model_dir = tmp_path / "en_model"
    model_dir.mkdir()  # a directory is accepted as a spaCy pipeline too
    engine = build_engine(Settings(ner_spacy_models={"en": str(model_dir), "fr": "ignored"}))
    assert isinstance(engine, OrgHeadEngine)
    assert isinstance(engine.inner, LanguageRouter)
    assert engine.name == "corenlp+spacy"
    assert isinstance(engine.engines["en"], SpacyEngine)
    assert isinstance(engine.engines["de"], ConfidenceFilter)
    assert isinstance(engine.engines["de"].inner, CoreNLPEngine)
    assert not engine.supports("fr")  # not in ner_languages
    assert [m.text for m in await engine.recognise("Ada Lovelace", "en")] == ["Ada Lovelace"]
    assert await engine.recognise("Ada Lovelace", "pl") == []
    await engine.aclose()
