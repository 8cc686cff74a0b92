"""bench/ner_eval.py: reading CoNLL and GermEval, span scoring, mapping predicted spans to tokens (tiny hand-made
strings only: the corpora are never copied into the repository)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from newsingest.enrich.ner.base import EntityType, RawMention
from tests.conftest import REPO


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("ner_eval", REPO / "bench" / "ner_eval.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["ner_eval"] = module
    spec.loader.exec_module(module)
    return module


ne = _load()

CONLL = """-DOCSTART- -X- -X- O

Anna NNP B-NP B-PER
Meyer NNP I-NP I-PER
visits VBZ B-VP O
Acme NNP B-NP B-ORG
Corp NNP I-NP I-ORG
in IN B-PP O
Ruritania NNP B-NP B-LOC
. . O O

Zorblish JJ B-NP B-MISC
food NN I-NP O

-DOCSTART- -X- -X- O

Bob NNP B-NP I-PER
"""

GERMEVAL = """#\thttp://example.org/a\t[2020-01-01]
1\tAnna\tB-PER\tO
2\tMeyer\tI-PER\tO
3\tbesucht\tO\tO
4\tdie\tO\tO
5\tzorbische\tB-LOCderiv\tO
6\tFirma\tO\tO
7\tAcme-Werke\tB-ORGpart\tO
8\tin\tO\tO
9\tRuritanien\tB-LOC\tO
10\tam\tO\tO
11\tZorbtag\tB-OTH\tO

#\thttp://example.org/b\t[2020-01-02]
1\tBob\tB-PER\tB-LOC
"""


def test_read_conll_documents_and_tags() -> None:
    documents = ne.read_conll(CONLL.splitlines())
    assert len(documents) == 2
    first = documents[0]
    assert [len(s.tokens) for s in first.sentences] == [8, 2]
    assert first.sentences[0].gold == ["B-PER", "I-PER", "O", "B-ORG", "I-ORG", "O", "B-LOC", "O"]
    assert first.sentences[1].gold == ["B-MISC", "O"]
    assert documents[1].sentences[0].gold == ["I-PER"]  # IOB1 tag kept, spans() reads it


def test_read_germeval_maps_deriv_part_to_o_and_oth_to_misc() -> None:
    documents = ne.read_germeval(GERMEVAL.splitlines())
    assert len(documents) == 2
    sentence = documents[0].sentences[0]
    assert sentence.tokens[4] == "zorbische"
    assert sentence.gold == ["B-PER", "I-PER", "O", "O", "O", "O", "O", "O", "B-LOC", "O", "B-MISC"]
    assert documents[1].sentences[0].gold == ["B-PER"]  # outer column only


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        (["B-PER", "I-PER", "O", "B-LOC"], {(0, 2, "PER"), (3, 4, "LOC")}),
        (["I-PER", "I-PER", "I-LOC"], {(0, 2, "PER"), (2, 3, "LOC")}),  # IOB1
        (["B-PER", "B-PER"], {(0, 1, "PER"), (1, 2, "PER")}),
        (["O", "I-ORG", "I-ORG"], {(1, 3, "ORG")}),
        (["O", "O"], set()),
    ],
)
def test_spans(tags: list[str], expected: set[tuple[int, int, str]]) -> None:
    assert ne.spans(tags) == expected


def test_score_exact_match_and_overall_excludes_misc() -> None:
    sentence = ne.Sentence(
        tokens=["a", "b", "c", "d", "e"],
        gold=["B-PER", "I-PER", "O", "B-LOC", "B-MISC"],
        pred=["B-PER", "O", "O", "B-LOC", "B-MISC"],  # PER boundary wrong, LOC right, MISC right
    )
    counts = ne.score([sentence])
    assert (counts["PER"].tp, counts["PER"].fp, counts["PER"].fn) == (0, 1, 1)
    assert (counts["LOC"].tp, counts["LOC"].fp, counts["LOC"].fn) == (1, 0, 0)
    assert counts["MISC"].f1 == 1.0
    overall = counts["overall"]
    assert (overall.tp, overall.fp, overall.fn) == (1, 1, 1)
    assert overall.precision == pytest.approx(0.5)
    assert overall.recall == pytest.approx(0.5)
    assert overall.f1 == pytest.approx(0.5)
    assert ne.Counts().f1 == 0.0


def test_document_text_and_token_offsets() -> None:
    document = ne.Document([ne.Sentence(["Anna", "Meyer", "."], ["O"] * 3), ne.Sentence(["Bob"], ["O"])])
    text, offsets = ne.document_text(document)
    assert text == "Anna Meyer .\n\nBob"
    assert offsets == [[(0, 4), (5, 10), (11, 12)], [(14, 17)]]
    for sentence, spans in zip(document.sentences, offsets, strict=True):
        assert [text[s:e] for s, e in spans] == sentence.tokens


def test_tags_from_mentions_maps_spans_back_to_tokens() -> None:
    spans = [(0, 4), (5, 10), (11, 20), (21, 25)]  # "Anna Meyer Acme-Werk Bonn"
    mentions = [
        RawMention(0, 10, "Anna Meyer", EntityType.PERSON),
        RawMention(11, 15, "Acme", EntityType.ORGANISATION),  # part of a token still tags the token
        RawMention(21, 25, "Bonn", EntityType.LOCATION),
    ]
    assert ne.tags_from_mentions(spans, mentions) == ["B-PER", "I-PER", "B-ORG", "B-LOC"]


async def test_predict_and_output_with_a_stub_engine(tmp_path: Path) -> None:
    class Stub:
        name = "stub"

        def supports(self, language: str) -> bool:
            return True

        async def recognise(self, text: str, language: str) -> list[RawMention]:
            found = []
            for word, kind in (("Anna Meyer", EntityType.PERSON), ("Ruritania", EntityType.LOCATION)):
                start = text.find(word)
                if start >= 0:
                    found.append(RawMention(start, start + len(word), word, kind))
            return found

        async def aclose(self) -> None:
            return None

    documents = ne.read_conll(CONLL.splitlines())
    await ne.predict(Stub(), documents, "en", concurrency=2)
    sentences = [s for d in documents for s in d.sentences]
    assert sentences[0].pred == ["B-PER", "I-PER", "O", "O", "O", "O", "B-LOC", "O"]
    counts = ne.score(sentences)
    assert counts["PER"].tp == 1
    assert counts["ORG"].fn == 1
    lines = "".join(ne.iter_output(documents)).split("\n")
    assert lines[0] == "Anna B-PER B-PER"
    assert "PER/LOC/ORG" in ne.report(counts)
