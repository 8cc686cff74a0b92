"""Reading news.enriched as a consumer: header checks, decoding, filters, consumer groups and ``newsingest tail``."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from newsingest.cli import cli
from newsingest.cli.tail import article_line, json_line
from newsingest.config import Settings
from newsingest.consume import ArticleFilter, Unreadable, check_group, consumer_options, decode, decode_headers
from newsingest.identity import article_id
from newsingest.kafka.headers import message_headers
from newsingest.models import EnrichedArticle, Entity, EntityType, Provenance

HEADERS = decode_headers(message_headers("enriched-article"))


def enriched(title: str = "Kim trifft Putin", language: str = "de", persons: tuple[str, ...] = ()) -> EnrichedArticle:
    return EnrichedArticle(
        article_id=article_id(title, "Text"),
        title=title,
        body="Text",
        provenance=Provenance(
            file_name="a.txt", file_sha256="0" * 64, file_size=4, media_type="text/plain", format="text"
        ),
        language=language,
        language_confidence=0.99,
        entities=[Entity(name=name, type=EntityType.PERSON, count=1) for name in persons]
        + [Entity(name="Kreml", type=EntityType.ORGANISATION, count=1)],
        word_count=1,
        enriched_at=datetime(2024, 5, 1, 12, 30, 5, tzinfo=UTC),
        pipeline_version="test",
    )


def value(article: EnrichedArticle, **extra: object) -> bytes:
    return json.dumps({**json.loads(article.model_dump_json()), **extra}).encode()


# --- decoding ------------------------------------------------------------------------------------------------
def test_decode_reads_a_message_with_the_documented_headers_and_keeps_newer_fields() -> None:
    article = enriched()
    raw = value(article, sentiment=0.5)
    consumed = decode(raw, HEADERS, key=article.article_id, partition=2, offset=7)
    assert consumed.article == article
    assert consumed.value == raw
    assert (consumed.key, consumed.partition, consumed.offset) == (article.article_id, 2, 7)
    assert json.loads(json_line(consumed))["sentiment"] == 0.5


def test_decode_accepts_a_message_without_headers() -> None:
    assert decode(value(enriched()), {}).article.title == "Kim trifft Putin"


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({**HEADERS, "schema": "raw-article"}, "schema header"),
        ({**HEADERS, "content-type": "application/avro"}, "content-type"),
        ({**HEADERS, "schema-version": "2.0.0"}, "not readable"),
    ],
)
def test_decode_refuses_messages_the_headers_say_are_something_else(headers: dict[str, str], reason: str) -> None:
    with pytest.raises(Unreadable, match=reason):
        decode(value(enriched()), headers)


def test_decode_accepts_a_newer_minor_version() -> None:
    assert decode(value(enriched(), schema_version="1.4.0"), {**HEADERS, "schema-version": "1.4.0"})


@pytest.mark.parametrize("payload", [b"", b"{not json", b'{"title": 1}', value(enriched(), language_confidence=3)])
def test_decode_refuses_invalid_payloads_with_a_reason(payload: bytes) -> None:
    with pytest.raises(Unreadable, match="invalid enriched article"):
        decode(payload, HEADERS)


# --- filters -------------------------------------------------------------------------------------------------
def test_language_filter() -> None:
    assert ArticleFilter(language="DE").matches(enriched(language="de"))
    assert not ArticleFilter(language="en").matches(enriched(language="de"))


def test_person_filter_matches_persons_only_case_insensitively() -> None:
    article = enriched(persons=("Wladimir Putin",))
    assert ArticleFilter(person="putin").matches(article)
    assert ArticleFilter(person="WLADIMIR").matches(article)
    assert not ArticleFilter(person="Kreml").matches(article)  # an organisation, not a person
    assert not ArticleFilter(person="putin").matches(enriched())
    assert ArticleFilter(language="de", person="putin").matches(article)
    assert not ArticleFilter(language="en", person="putin").matches(article)


# --- consumer groups -----------------------------------------------------------------------------------------
def test_pipeline_groups_are_refused() -> None:
    settings = Settings()
    check_group(settings, None)
    check_group(settings, "team-x.enriched-reader")
    for group in (settings.indexer_group, f"{settings.app_id}.enrich"):
        with pytest.raises(ValueError, match="belongs to the newsingest pipeline"):
            check_group(settings, group)


def test_without_a_group_nothing_is_committed() -> None:
    settings = Settings()
    options = consumer_options(settings, from_beginning=False, group=None)
    assert options["group_id"] is None
    assert options["enable_auto_commit"] is False
    assert options["auto_offset_reset"] == "latest"
    grouped = consumer_options(settings, from_beginning=True, group="mine")
    assert (grouped["group_id"], grouped["enable_auto_commit"], grouped["auto_offset_reset"]) == (
        "mine",
        True,
        "earliest",
    )


# --- the command ---------------------------------------------------------------------------------------------
def test_tail_is_registered_from_its_own_module() -> None:
    assert cli.commands["tail"].callback.__module__ == "newsingest.cli.tail"  # type: ignore[union-attr]


def test_tail_refuses_the_indexer_group_before_connecting() -> None:
    result = CliRunner().invoke(cli, ["tail", "--group", Settings().indexer_group])
    assert result.exit_code == 2
    assert "belongs to the newsingest pipeline" in result.output


def test_article_line_shows_time_id_language_title_and_persons() -> None:
    article = enriched(persons=("Wladimir Putin", "Kim Jong Un"))
    line = article_line(decode(value(article), HEADERS))
    assert line == f"12:30:05  {article.article_id[:12]}  [de] Kim trifft Putin  (Wladimir Putin, Kim Jong Un)"
    assert "(" not in article_line(decode(value(enriched()), HEADERS))
