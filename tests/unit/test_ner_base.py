"""Chunking, offset conversion and tag mapping shared by every NER engine."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsingest.enrich.ner.base import (
    EntityType,
    NerEngine,
    NullEngine,
    RawMention,
    entity_type,
    split_chunks,
    split_tag,
    utf16_to_index,
)


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("PERSON", EntityType.PERSON),
        ("I-PER", EntityType.PERSON),
        ("B-PER", EntityType.PERSON),
        ("ORGANIZATION", EntityType.ORGANISATION),
        ("I-ORG", EntityType.ORGANISATION),
        ("LOCATION", EntityType.LOCATION),
        ("B-LOC", EntityType.LOCATION),
        ("GPE", EntityType.LOCATION),
        ("MISC", EntityType.MISC),
        ("I-MISC", EntityType.MISC),
        ("B-OTH", EntityType.MISC),
        ("O", None),
        ("DATE", None),
        ("NUMBER", None),
        ("MONEY", None),
        ("TITLE", None),
        ("B-LOCderiv", None),
        ("I-ORGpart", None),
        ("", None),
    ],
)
def test_entity_type_maps_tag_sets(tag: str, expected: EntityType | None) -> None:
    assert entity_type(tag) == expected


def test_split_tag() -> None:
    assert split_tag("B-PER") == ("B", "PER")
    assert split_tag("i-loc") == ("I", "loc")
    assert split_tag("PERSON") == ("", "PERSON")
    assert split_tag("O") == ("", "O")


def test_short_text_is_one_chunk() -> None:
    assert [(c.start, c.text) for c in split_chunks("Kurz. Text.", 200)] == [(0, "Kurz. Text.")]


def test_chunks_prefer_paragraphs_then_sentences() -> None:
    para1 = "Erster Satz hier. Zweiter Satz hier."
    para2 = "Dritter Satz dort. Vierter Satz dort."
    text = f"{para1}\n\n{para2}"
    chunks = split_chunks(text, len(para1) + 5)
    assert [c.text.strip() for c in chunks] == [para1, para2]
    long_paragraph = " ".join(f"Satz Nummer {i} endet hier." for i in range(20))
    for chunk in split_chunks(long_paragraph, 100):
        assert len(chunk.text) <= 100
        assert chunk.text.rstrip().endswith(".")


def test_overlong_word_is_cut_hard() -> None:
    text = "x" * 250
    chunks = split_chunks(text, 100)
    assert [len(c.text) for c in chunks] == [100, 100, 50]


def test_whitespace_only_pieces_are_left_out() -> None:
    assert split_chunks("   \n\n  ", 200) == []


@given(st.text(alphabet=st.sampled_from("ab .\n!?é😀"), max_size=600), st.integers(min_value=1, max_value=80))
def test_chunks_cover_the_text_in_order(text: str, size: int) -> None:
    chunks = split_chunks(text, size)
    position = 0
    for chunk in chunks:
        assert len(chunk.text) <= size
        assert text[position : chunk.start].strip() == ""  # only whitespace is ever skipped
        assert text[chunk.start : chunk.start + len(chunk.text)] == chunk.text
        position = chunk.start + len(chunk.text)
    assert text[position:].strip() == ""


def test_utf16_offsets() -> None:
    assert utf16_to_index("München") is None
    text = "a😀b"  # Java counts 😀 as two code units
    table = utf16_to_index(text)
    assert table is not None
    assert table[0] == 0
    assert table[3] == 2  # "b" begins at UTF-16 offset 3
    assert table[4] == 3


async def test_null_engine() -> None:
    engine = NullEngine()
    assert isinstance(engine, NerEngine)
    assert not engine.supports("de")
    assert await engine.recognise("Angela Merkel", "de") == []
    await engine.aclose()


def test_raw_mention_is_frozen() -> None:
    mention = RawMention(0, 6, "Merkel", EntityType.PERSON)
    with pytest.raises(AttributeError):
        mention.start = 1  # type: ignore[misc]
