"""Entity normalisation: raw NER mentions of one article -> one :class:`Entity` per real thing.

Steps, in order:

1. clean each mention: trim punctuation and quotes, English possessives ("Putin's"), titles in person spans
   ("Präsident Wladimir Putin", "Kremlchef Putin"); split "SEOUL/MOSKAU" and location spans that join
   adjacent names ("Nordkorea Russland", "Nordkoreas Kim"); drop junk (one character, digits, punctuation,
   all-lowercase words); function and time words at span edges ("vom Landgericht Köln"); names joined by "&";
   two names the model joined over "and"/"und" or a spaced dash cut apart (``coordinated_names``);
   German person spans cut short completed ("Kim Jong" + "Un", ``coref.extend_persons``);
2. strip German-style genitive/inflection -s/-es ("Putins", "Nordkoreas", "Bundestages") only with evidence: the
   stripped form also occurs in the article, or is a known name (gazetteer) while the full form is not, so
   "Paris" and "Kraus" stay themselves;
2b. German adjective + noun names in the nominative ("Deutschen Bahn" -> "Deutsche Bahn", ``german_case``);
   types from appositions ("die Ärztegewerkschaft Asklepios": ORG, ``apposition``);
3. group case, whitespace, hyphen and diacritic variants;
4. merge aliases: the same gazetteer place ("Moskau"/"Moscow"), an acronym of a longer organisation in the
   article ("EU"/"Europäische Union") or introduced as "Long Form (ABBR)", adjective-inflection variants;
5. fold short person names into the one longer person name they end (or, failing that, start) with:
   "Putin" -> "Wladimir Putin", "Kim" -> "Kim Jong Un"; ambiguous short names stay themselves;
6. choose the canonical name and the majority type; keep every mention's offsets (title and body).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from newsingest.enrich.apposition import retype_appositions
from newsingest.enrich.common_nouns import drop_common_nouns, strip_leading_common_nouns
from newsingest.enrich.coordinated_names import split_coordinations
from newsingest.enrich.coref import abbreviations, complete_particles, extend_persons
from newsingest.enrich.entity_merge import (
    TYPE_PRIORITY,
    Group,
    Identity,
    canonical_name,
    fold_persons,
    group_mentions,
    merge_abbreviations,
    merge_acronyms,
    merge_by_identity,
    merge_inflections,
    merge_place_prefixed,
    position,
)
from newsingest.enrich.german_case import nominative_mentions
from newsingest.enrich.german_genitive import strip_prenominal_genitives
from newsingest.enrich.institution_names import retype_named_institutions
from newsingest.enrich.kind_recall import find_after_kinds
from newsingest.enrich.mention_clean import (
    CleanMention,
    Field,
    KnownName,
    clean_mentions,
    split_runs,
    strip_genitives,
)
from newsingest.enrich.ner.base import RawMention
from newsingest.enrich.non_names import drop_non_names
from newsingest.enrich.numbered_names import join_numbers
from newsingest.enrich.of_names import join_of_names
from newsingest.enrich.preposition_spans import split_prepositions
from newsingest.enrich.spans import is_adjective_phrase
from newsingest.models import Entity, EntityType, Mention

GENITIVE_LANGUAGES = {"de", "nl", "lb", "da", "sv", "nb", "nn", "no", "is", "fo"}


def normalise_entities(
    mentions: Iterable[tuple[Field, str, Sequence[RawMention]]],
    *,
    language: str,
    known: KnownName | None = None,
    identity: Identity | None = None,
) -> list[Entity]:
    """Entities of one article from ``(field, field_text, raw_mentions)`` triples (title and body).

    ``known(name)`` says whether a name is known from a gazetteer (allows stripping "Nordkoreas" to
    "Nordkorea"); ``identity(name, type)`` gives a key under which differently written names are one thing.
    Entities come most-mentioned first.
    """
    is_known: KnownName = known or (lambda _name: False)
    cleaned: list[CleanMention] = []
    texts: dict[str, str] = {}
    for field_name, text, raw in mentions:
        texts[field_name] = text
        cleaned.extend(clean_mentions(field_name, text, raw))
    base = language.split("-")[0]
    cleaned = join_numbers(drop_non_names(sorted(set(cleaned), key=position), texts), texts, base)
    german = base == "de"
    cleaned = split_prepositions(split_coordinations(cleaned, texts, is_known, base), texts, is_known, base)
    cleaned = complete_particles(cleaned, texts)
    if german:
        cleaned = extend_persons(cleaned, texts)
    cleaned = [m for m in cleaned if not is_adjective_phrase(m.form, language)]
    if german:
        cleaned = drop_common_nouns(strip_leading_common_nouns(cleaned), texts)
    genitive = base in GENITIVE_LANGUAGES
    cleaned = split_runs(cleaned, is_known, genitive, heads=not german)
    if base == "en":
        cleaned = join_of_names(cleaned, texts, is_known)
    if genitive:
        cleaned = strip_genitives(cleaned, is_known)
    if german:
        cleaned = nominative_mentions(strip_prenominal_genitives(cleaned, texts), texts)
    cleaned = find_after_kinds(cleaned, texts, is_known, base)
    cleaned = retype_named_institutions(retype_appositions(cleaned, texts, language, is_known))
    groups = group_mentions(cleaned)
    merge_by_identity(groups, identity)
    merge_abbreviations(groups, abbreviations(cleaned, texts, german=german))
    merge_acronyms(groups)
    merge_inflections(groups)
    merge_place_prefixed(groups, is_known)
    fold_persons(groups)

    members: dict[int, list[Group]] = {}
    roots: dict[int, Group] = {}
    for group in groups:
        root = group.root()
        roots[id(root)] = root
        members.setdefault(id(root), []).append(group)
    entities: list[tuple[int, Entity]] = []
    for key, root in roots.items():
        parts = members[key]
        all_mentions = sorted((m for g in parts for m in g.mentions), key=position)
        types = Counter(m.type for m in all_mentions)
        entity_type = (
            root.type
            if root.type is EntityType.PERSON
            else max(types, key=lambda t: (types[t], t is root.type, -TYPE_PRIORITY[t]))
        )
        entity = Entity(
            name=canonical_name(root, parts),
            type=entity_type,
            count=len(all_mentions),
            mentions=[Mention(start=m.start, end=m.end, text=m.text, field=m.field) for m in all_mentions],
        )
        entities.append((min(g.first for g in parts), entity))
    entities.sort(key=lambda pair: (-pair[1].count, pair[0]))
    return [entity for _, entity in entities]
