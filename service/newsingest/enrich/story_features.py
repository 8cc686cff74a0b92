"""What the story index compares, computed from one article alone (pure; CPU-bound on long texts).

- ``terms``: content terms of title and body (sublinear tf, title words count double, L2-normalised);
- ``title_terms``: content terms of the title alone (weighted up as a signal of their own);
- ``entities``: language-neutral keys of the article's persons, organisations and places with weights
  (``p:<family name>``, ``org:<name>``, ``g:<geonames id>``...), and which of them are generic (countries);
- the event interval (``published_at`` widened to its stated precision, or "at or before ``received_at``")
  and the ingest time;
- ``title``: the headline, a story's readable label when the article is the story's most central one;
- ``quotes``: hashes of the eight-word windows of its quotations (:mod:`~newsingest.enrich.story_quotes`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from newsingest.enrich import simhash as sh
from newsingest.enrich.story_quotes import quote_passages
from newsingest.enrich.terms import content_terms_of, words
from newsingest.models import DatePrecision, Entity, EntityType, Place, RawArticle
from newsingest.text.agencies import canonical_agency
from newsingest.text.folding import fold

TITLE_TERMS = 16
LABEL_CHARS = 300  # a story's label (a headline) is cut to this many characters
STORY_TERMS = 128  # more than the 64 of a near-duplicate check: long reports share their rarer words
_TYPE_WEIGHT = {EntityType.PERSON: 3.0, EntityType.ORGANISATION: 2.0, EntityType.MISC: 1.0,
                EntityType.LOCATION: 1.5}  # fmt: skip
_PLACE_WEIGHT = {"city": 2.0, "region": 1.5, "country": 0.5, "other": 0.5}


# --- features -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class StoryFeatures:
    article_id: str
    simhash: int
    tokens: int
    terms: dict[str, float]
    title_terms: dict[str, float]
    entities: dict[str, float]  # entity key -> weight
    generic: frozenset[str]  # entity keys that never make a story on their own (countries, continents)
    start: float | None  # event interval (epoch seconds); None: open towards the past
    end: float
    seen: float  # ingest time; drives expiry
    title: str = ""  # the headline: the story's label when this article is its most central one
    title_derived: bool = False  # the file had no headline (the title is the text's first words)
    quotes: tuple[int, ...] = ()  # sampled hashes of the eight-word windows inside quotation marks

    @property
    def simhash_hex(self) -> str:
        return sh.to_hex(self.simhash)


def _add_precision(moment: datetime, precision: DatePrecision | None) -> datetime:
    if precision is DatePrecision.YEAR:
        return moment + timedelta(days=366 if moment.month <= 2 and moment.year % 4 == 0 else 365)
    if precision is DatePrecision.MONTH:
        return (moment.replace(day=1) + timedelta(days=32)).replace(day=1)
    if precision is DatePrecision.DAY:
        return moment + timedelta(days=1)
    return moment


def event_interval(raw: RawArticle) -> tuple[float | None, float]:
    """When the article's event happened, as far as the article says."""
    if raw.published_at is None:
        return None, raw.provenance.received_at.timestamp()
    start = raw.published_at
    return start.timestamp(), _add_precision(start, raw.published_precision).timestamp()


def event_gap(a: tuple[float | None, float], b: tuple[float | None, float]) -> float:
    """Seconds between two event intervals (0 when they overlap); a ``None`` start (an undated article) is open
    to the past, except between two undated articles, which compare their ingest times."""
    a_start, a_end = a
    b_start, b_end = b
    if a_start is None and b_start is None:
        return abs(a_end - b_end)
    gaps = [0.0]
    if a_start is not None:
        gaps.append(a_start - b_end)
    if b_start is not None:
        gaps.append(b_start - a_end)
    return max(gaps)


def _place_key(place: Place) -> str:
    return f"g:{place.geonames_id}" if place.geonames_id else f"g:{place.country_code}:{fold(place.resolved_name)}"


def entity_keys(
    entities: Sequence[Entity], places: Sequence[Place], source: str | None = None
) -> tuple[dict[str, float], frozenset[str]]:
    """Language-neutral keys of an article's entities with weights; and which of them are generic."""
    by_name = {place.name: place for place in places}
    own_agency = canonical_agency(source) if source else None
    keys: dict[str, float] = {}
    generic: set[str] = set()

    def add(key: str, weight: float, is_generic: bool = False) -> None:
        keys[key[:120]] = max(keys.get(key[:120], 0.0), weight)
        if is_generic:
            generic.add(key[:120])

    for entity in entities:
        boost = 1.0 + math.log(entity.count)
        name = fold(entity.name)
        if not name:
            continue
        place = by_name.get(entity.name)
        if place is not None:
            add(_place_key(place), _PLACE_WEIGHT[place.kind] * boost, place.kind in ("country", "other"))
            continue
        if entity.type is EntityType.PERSON:  # by family name: "Putin" and "Vladimir Putin" are one key
            tokens = name.split()
            add(
                f"p:{tokens[-1] if len(tokens) > 1 and len(tokens[-1]) >= 3 else name}",
                _TYPE_WEIGHT[entity.type] * boost,
            )
            continue
        if own_agency and canonical_agency(entity.name) == own_agency:
            continue  # the article's own agency says nothing about its story
        add(f"{entity.type.value.lower()}:{name}", _TYPE_WEIGHT[entity.type] * boost)
    named = {entity.name for entity in entities}
    for place in places:  # dateline places not named in the text
        if place.name not in named:
            add(_place_key(place), _PLACE_WEIGHT[place.kind], place.kind in ("country", "other"))
    return keys, frozenset(generic)


def story_features(raw: RawArticle, entities: Sequence[Entity], places: Sequence[Place]) -> StoryFeatures:
    """Everything the story index compares, computed from the article alone (pure; CPU-bound on long texts)."""
    title_words, body_words = words(raw.title), words(raw.body)
    tokens = body_words if raw.body else title_words
    keys, generic = entity_keys(entities, places, raw.source)
    start, end = event_interval(raw)
    return StoryFeatures(
        article_id=raw.article_id,
        simhash=sh.simhash(tokens),
        tokens=len(tokens),
        terms=content_terms_of(title_words, body_words, limit=STORY_TERMS),
        title_terms=content_terms_of(title_words, (), limit=TITLE_TERMS),
        entities=keys,
        generic=generic,
        start=start,
        end=end,
        seen=raw.provenance.received_at.timestamp(),
        title=" ".join(raw.title.split())[:LABEL_CHARS],
        title_derived=raw.title_derived,
        quotes=quote_passages(raw.body),
    )
