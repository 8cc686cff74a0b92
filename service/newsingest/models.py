"""Message contracts: the single source of every message newsingest writes.

``schemas/*.schema.json`` are generated from these models (``newsingest-dev generate``); a unit test fails
when the committed schemas drift from the models. Consumers of ``news.enriched`` rely on the JSON Schema only.

Versioning: ``SCHEMA_VERSION`` is semantic. A new optional field is a minor bump; removing, renaming or
retyping a field is a major bump (see docs/consuming.md).
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.3.0"

ArticleId = Annotated[
    str,
    Field(pattern=r"^[0-9a-f]{64}$", description="hex SHA-256 of the article's normalised title and body"),
]
LanguageCode = Annotated[
    str,
    Field(pattern=r"^([a-z]{2,3}|und)$", description="ISO 639-1 code (639-3 where no 639-1 exists), or 'und'"),
]


def utcnow() -> datetime:
    return datetime.now(UTC)


class _Message(BaseModel):
    # extra="ignore": a reader built against an older minor version accepts messages with newer optional
    # fields (the compatibility policy in docs/consuming.md only ever adds optional fields).
    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)


class DatePrecision(StrEnum):
    """How much of ``published_at`` the source actually stated. Nothing finer is ever invented."""

    YEAR = "year"
    MONTH = "month"
    DAY = "day"
    MINUTE = "minute"
    SECOND = "second"


class Provenance(_Message):
    """Where an article came from."""

    file_name: str = Field(
        description="file name as dropped into the inbox, in a readable form: bytes that are not UTF-8 appear as "
        "\\xNN, control characters escaped (see file_name_b64 for the exact name)"
    )
    file_name_b64: str | None = Field(
        default=None, description="the file name's exact bytes, base64 (standard alphabet); since 1.1.0"
    )
    file_sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the file's bytes")
    file_size: int = Field(ge=0, description="size of the file in bytes")
    media_type: str = Field(description="detected media type, e.g. text/plain, application/json")
    format: str = Field(description="name of the parser that read the file (text, json, html, nitf, newsml)")
    encoding: str | None = Field(default=None, description="detected text encoding, where the format has one")
    index_in_file: int = Field(default=0, ge=0, description="position of the article in a multi-article file")
    received_at: datetime = Field(default_factory=utcnow, description="when the watcher picked the file up")


class RawArticle(_Message):
    """One parsed article, as the producer puts it on ``news.raw`` (key: ``article_id``)."""

    schema_version: str = SCHEMA_VERSION
    article_id: ArticleId
    title: str = Field(description="headline, cleaned of agency suffixes")
    title_derived: bool = Field(
        default=False, description="true when the file had no headline and the title was derived from the text"
    )
    body: str = Field(description="article text, paragraphs separated by blank lines, boilerplate removed")
    published_at: datetime | None = Field(
        default=None, description="publication time (start of the stated period, UTC); see published_precision"
    )
    published_precision: DatePrecision | None = Field(
        default=None, description="precision of published_at as stated by the source"
    )
    authors: list[str] = Field(default_factory=list)
    dateline: str | None = Field(default=None, description="dateline as written, e.g. 'SEOUL/MOSKAU (Reuters)'")
    dateline_places: list[str] = Field(default_factory=list, description="places named in the dateline")
    source: str | None = Field(default=None, description="publisher or agency, e.g. Reuters")
    url: str | None = None
    language_hint: LanguageCode | None = Field(default=None, description="language stated by the file, if any")
    keywords: list[str] = Field(default_factory=list, description="subjects/keywords stated by the file")
    provenance: Provenance


class EntityType(StrEnum):
    PERSON = "PER"
    ORGANISATION = "ORG"
    LOCATION = "LOC"
    MISC = "MISC"


class Mention(_Message):
    start: int = Field(ge=0, description="character offset in the text the mention was found in")
    end: int = Field(ge=0)
    text: str
    field: Literal["title", "body"] = "body"


class Entity(_Message):
    """One real-world thing an article mentions, with all its mentions folded together."""

    name: str = Field(description="canonical form, e.g. 'Wladimir Putin' for 'Putin', 'Putins'")
    type: EntityType
    count: int = Field(ge=1, description="number of mentions")
    mentions: list[Mention] = Field(default_factory=list)


class Place(_Message):
    """A location entity resolved to a country and coordinates."""

    name: str = Field(description="name as the article uses it (canonical form of the entity)")
    resolved_name: str = Field(description="name of the resolved place in the gazetteer")
    kind: Literal["country", "city", "region", "other"] = "other"
    country_code: str | None = Field(default=None, pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2")
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    geonames_id: int | None = None
    count: int = Field(default=1, ge=1)


class LanguageShare(_Message):
    """One language of a mixed-language article and its share of the judged text."""

    code: LanguageCode
    share: float = Field(ge=0, le=1, description="share of the article's judged letters in this language")


class EnrichedArticle(RawArticle):
    """A RawArticle plus everything enrichment adds, as put on ``news.enriched`` (key: ``article_id``)."""

    language: LanguageCode = Field(description="detected language; 'und' when too short or mixed")
    language_confidence: float = Field(ge=0, le=1)
    languages: list[LanguageShare] = Field(
        default_factory=list,
        description="languages of the article with their shares, largest first (one entry with share 1 when"
        " monolingual, empty when 'und'). Codes: ISO 639-1 where it exists, else ISO 639-3; Norwegian is 'nb' or"
        " 'nn', never 'no'",
    )
    entities: list[Entity] = Field(default_factory=list)
    places: list[Place] = Field(default_factory=list)
    countries: list[str] = Field(default_factory=list, description="ISO 3166-1 alpha-2 codes of places")
    word_count: int = Field(ge=0)
    story_id: str | None = Field(
        default=None, description="id of the group of articles reporting the same event (an article_id)"
    )
    duplicate_of: str | None = Field(
        default=None, description="article_id of an earlier near-identical text, if any"
    )
    story_label: str | None = Field(
        default=None, description="readable label of the story when this article joined it: the headline of the "
        "story's most central article (closest to its centroid); since 1.2.0",
    )
    simhash: str | None = Field(default=None, description="64-bit SimHash of the body, hex")
    enriched_at: datetime = Field(default_factory=utcnow)
    pipeline_version: str = Field(description="version of the newsingest enrichment that produced this")


class Stage(StrEnum):
    PARSE = "parse"
    DECODE = "decode"
    ENRICH = "enrich"
    INDEX = "index"
    ALERT = "alert"


class DeadLetter(_Message):
    """A message that could not be processed, as put on ``news.dlq`` (key: the original key)."""

    schema_version: str = SCHEMA_VERSION
    stage: Stage
    error_type: str = Field(description="exception class or error code, e.g. ValidationError")
    error_message: str
    article_id: str | None = None
    source_topic: str | None = None
    source_partition: int | None = None
    source_offset: int | None = None
    key: str | None = Field(default=None, description="original message key (UTF-8, replacement chars)")
    payload_base64: str = Field(description="the original message value, base64")
    first_failed_at: datetime = Field(default_factory=utcnow)
    failed_at: datetime = Field(default_factory=utcnow)
    attempts: int = Field(default=1, ge=1)


class AlertMatch(_Message):
    """An article matched by an alert rule, as put on ``news.alerts`` (key: ``<alert_id>:<article_id>``).

    The webhook body is this message without ``schema_version``. A rule fires once per article; after a
    crash the same match may be delivered again (same key, same ``X-Newsingest-Delivery``)."""

    schema_version: str = SCHEMA_VERSION
    alert_id: str = Field(pattern=r"^[0-9a-f]{32}$", description="the rule's id")
    alert_name: str = Field(description="the rule's name when it matched")
    article_id: ArticleId
    title: str
    url: str | None = Field(default=None, description="the article's canonical URL, if known")
    published_at: datetime | None = None
    language: str = Field(description="ISO 639-1 (or 639-3) code of the article's language, 'und' if unknown")
    matched_at: datetime = Field(default_factory=utcnow, description="when the rule matched the indexed article")
    snippet: str = Field(description="the beginning of the article's body (at most 300 characters)")
    persons: list[str] = Field(default_factory=list, description="person facet values of the article")
    organisations: list[str] = Field(default_factory=list, description="organisation facet values")
    places: list[str] = Field(default_factory=list, description="place facet values")


MESSAGE_MODELS: dict[str, type[BaseModel]] = {
    "raw-article": RawArticle,
    "enriched-article": EnrichedArticle,
    "dead-letter": DeadLetter,
    "alert-match": AlertMatch,
}
