from __future__ import annotations

from collections.abc import Sequence

from newsingest.enrich.ner.base import RawMention
from newsingest.enrich.normalise import normalise_entities
from newsingest.models import Entity, EntityType
from tests.fixtures.enrich.fakes import LOC, MISC, ORG, PER, mentions

KNOWN_PLACES = {"Nordkorea", "Russland", "Moskau", "Paris", "Pari", "Athen", "Athens", "Iran"}


def known(name: str) -> bool:
    return name in KNOWN_PLACES


def run(
    body: str,
    spans: Sequence[tuple[str, EntityType]],
    *,
    language: str = "de",
    title: str = "",
    title_spans: Sequence[tuple[str, EntityType]] = (),
) -> list[Entity]:
    return normalise_entities(
        [("title", title, mentions(title, title_spans)), ("body", body, mentions(body, spans))],
        language=language,
        known=known,
    )


def by_name(entities: list[Entity]) -> dict[str, Entity]:
    return {e.name: e for e in entities}


def test_putin_variants_fold_into_the_full_name_with_offsets() -> None:
    body = "Wladimir Putin empfing Gäste. Putins Sprecher sagte, Putin sei zufrieden."
    entities = run(body, [("Wladimir Putin", PER), ("Putins", PER), ("Putin", PER)])
    assert [e.name for e in entities] == ["Wladimir Putin"]
    putin = entities[0]
    assert putin.type is EntityType.PERSON
    assert putin.count == 3
    assert [m.text for m in putin.mentions] == ["Wladimir Putin", "Putins", "Putin"]
    for mention in putin.mentions:
        assert body[mention.start : mention.end] == mention.text
        assert mention.field == "body"


def test_genitive_of_a_known_place_is_stripped() -> None:
    body = "Die Führung Nordkoreas und die Isolation Moskaus wachsen."
    entities = by_name(run(body, [("Nordkoreas", LOC), ("Moskaus", LOC)]))
    assert set(entities) == {"Nordkorea", "Moskau"}
    assert entities["Nordkorea"].mentions[0].text == "Nordkoreas"


def test_genitive_stripping_needs_evidence() -> None:
    body = "In Paris traf Karl Kraus den Minister. Athens Bürgermeister und Hans sprachen."
    entities = by_name(run(body, [("Paris", LOC), ("Karl Kraus", PER), ("Athens", LOC), ("Hans", PER)]))
    assert {"Paris", "Karl Kraus", "Athens", "Hans"} <= set(entities)
    assert "Pari" not in entities
    assert "Karl Krau" not in entities
    assert "Han" not in entities


def test_genitive_stripped_when_the_base_form_occurs_in_the_article() -> None:
    body = "Der Bundestag tagte. Eine Sitzung des Bundestages folgte. Merkels Rede: Merkel sprach."
    entities = by_name(run(body, [("Bundestag", ORG), ("Bundestages", ORG), ("Merkels", PER), ("Merkel", PER)]))
    assert entities["Bundestag"].count == 2
    assert entities["Merkel"].count == 2


def test_english_possessives_but_no_bare_s_stripping() -> None:
    body = "Putin's allies met Serena Williams and Prince William. Jones' car was seen; Williams won."
    spans = [("Putin's", PER), ("Serena Williams", PER), ("William", PER), ("Jones'", PER), ("Williams", PER)]
    entities = by_name(run(body, spans, language="en"))
    assert entities["Putin"].mentions[0].text == "Putin"
    assert "Jones" in entities
    assert entities["Serena Williams"].count == 2
    assert "William" in entities


def test_a_saints_possessive_is_part_of_the_name() -> None:
    body = "They won at St Mary's and at St. John's Wood; St Helens' coach and San Francisco's mayor spoke."
    spans = [("St Mary", LOC), ("St. John's", LOC), ("St Helens'", ORG), ("San Francisco's", LOC)]
    assert set(by_name(run(body, spans, language="en"))) == {"St Mary's", "St. John's", "St Helens", "San Francisco"}


def test_case_whitespace_and_hyphen_variants_are_one_entity() -> None:
    title = "KIM JONG UN reist nach Russland"
    body = "Kim  Jong Un reiste. Später kam Kim Jong-un an. Kim winkte."
    entities = run(
        body,
        [("Kim  Jong Un", PER), ("Kim Jong-un", PER), ("Kim", PER)],
        title=title,
        title_spans=[("KIM JONG UN", PER), ("Russland", LOC)],
    )
    kim = by_name(entities)["Kim Jong Un"]
    assert kim.count == 4
    assert [m.field for m in kim.mentions] == ["title", "body", "body", "body"]
    assert kim.mentions[0].start == 0
    assert kim.mentions[0].text == "KIM JONG UN"


def test_titles_inside_person_spans_are_dropped() -> None:
    body = "Präsident Wladimir Putin und Kremlchef Putin; US-Präsident Joe Biden und Mr. Tony Blair."
    spans = [("Präsident Wladimir Putin", PER), ("Kremlchef Putin", PER), ("US-Präsident Joe Biden", PER),
             ("Mr. Tony Blair", PER)]  # fmt: skip
    entities = by_name(run(body, spans))
    assert set(entities) == {"Wladimir Putin", "Joe Biden", "Tony Blair"}
    first = entities["Wladimir Putin"].mentions[0]
    assert first.text == "Wladimir Putin"
    assert body[first.start : first.end] == "Wladimir Putin"


def test_short_person_names_fold_only_when_unambiguous() -> None:
    body = "George Bush und Laura Bush kamen. Bush sprach. Kim Jong Un und Kim Yo Jong. Kim lachte."
    spans = [("George Bush", PER), ("Laura Bush", PER), ("Bush", PER), ("Kim Jong Un", PER),
             ("Kim Yo Jong", PER), ("Kim", PER)]  # fmt: skip
    entities = by_name(run(body, spans))
    assert entities["Bush"].count == 1
    assert entities["Kim"].count == 1
    assert entities["George Bush"].count == 1


def test_first_name_and_partial_names_fold_into_the_unique_longer_name() -> None:
    body = "Kim Jong Un kam. Kim sprach, Jong Un nickte."
    entities = run(body, [("Kim Jong Un", PER), ("Kim", PER), ("Jong Un", PER)])
    assert [(e.name, e.count) for e in entities] == [("Kim Jong Un", 3)]


def test_an_initialled_name_folds_into_the_one_full_name_it_abbreviates() -> None:
    body = "Michael Raffl traf zweimal. M. Raffl war Spieler des Spiels, Thomas Raffl nicht."
    entities = run(body, [("Michael Raffl", PER), ("M. Raffl", PER), ("Thomas Raffl", PER)])
    assert [(e.name, e.count) for e in entities] == [("Michael Raffl", 2), ("Thomas Raffl", 1)]
    body = "David dal Maso played. Squad: D dal Maso, J. R. R. Tolkien. John Ronald Reuel Tolkien wrote."
    spans = [("David dal Maso", PER), ("D dal Maso", PER), ("J. R. R. Tolkien", PER),
             ("John Ronald Reuel Tolkien", PER)]  # fmt: skip
    assert {e.name: e.count for e in run(body, spans, language="en")} == {"David dal Maso": 2,
                                                                        "John Ronald Reuel Tolkien": 2}
    body = "Michael Raffl traf. M. Raffl und Martin Raffl jubelten."  # two full names with an M: ambiguous
    entities = run(body, [("Michael Raffl", PER), ("M. Raffl", PER), ("Martin Raffl", PER)])
    assert {e.name for e in entities} == {"Michael Raffl", "M. Raffl", "Martin Raffl"}


def test_organisations_stay_themselves_but_inflections_and_acronyms_merge() -> None:
    body = (
        "Der Kreml schwieg. Das Weiße Haus warnte, im Weißen Haus hieß es, das Weiße Haus bleibe dabei. "
        "Die Europäische Union und die EU reagierten."
    )
    spans = [("Kreml", ORG), ("Weiße Haus", ORG), ("Weißen Haus", ORG), ("Weiße Haus", ORG),
             ("Europäische Union", ORG), ("EU", ORG)]  # fmt: skip
    entities = by_name(run(body, spans))
    assert entities["Kreml"].count == 1
    assert entities["Weißes Haus"].count == 3  # the name standing alone, in the nominative
    assert entities["Europäische Union"].count == 2
    assert "EU" not in entities


def test_junk_is_dropped() -> None:
    body = "A 2023 -- der Berlin ."
    spans = [("A", MISC), ("2023", MISC), ("--", MISC), ("der", LOC), ("Berlin", LOC)]
    assert [e.name for e in run(body, spans)] == ["Berlin"]


def test_dateline_like_slash_spans_split_into_places() -> None:
    body = "SEOUL/MOSKAU (Reuters) - Text."
    entities = run(body, [("SEOUL/MOSKAU", LOC)])
    assert sorted(e.name for e in entities) == ["MOSKAU", "SEOUL"]
    for entity in entities:
        mention = entity.mentions[0]
        assert body[mention.start : mention.end] == mention.text


def test_identity_merges_differently_written_places() -> None:
    body = "Moskau und Moscow sind eins; Moskau bleibt."
    raw = mentions(body, [("Moskau", LOC), ("Moscow", LOC), ("Moskau", LOC)])
    entities = normalise_entities(
        [("body", body, raw)],
        language="de",
        identity=lambda name, kind: "moscow" if name in {"Moskau", "Moscow"} else None,
    )
    assert [(e.name, e.count) for e in entities] == [("Moskau", 3)]


def test_majority_type_wins_and_entities_come_most_mentioned_first() -> None:
    body = "Russland, Russland und Russland. Iran."
    raw = [*mentions(body, [("Russland", LOC), ("Russland", ORG), ("Russland", LOC)]),
           RawMention(33, 37, "Iran", LOC)]  # fmt: skip
    entities = normalise_entities([("body", body, raw)], language="de")
    assert [(e.name, e.type, e.count) for e in entities] == [("Russland", LOC, 3), ("Iran", LOC, 1)]


def test_bad_offsets_are_ignored() -> None:
    raw = [RawMention(5, 50, "x", PER), RawMention(3, 1, "y", PER)]
    assert normalise_entities([("body", "short", raw)], language="de") == []


def test_location_spans_joining_neighbouring_names_are_split() -> None:
    body = "Zwischen Nordkorea Russland gibt es Handel. Nordkoreas Kim reiste. Kim kam an. Das Weiße Haus Nordkorea."
    spans = [("Nordkorea Russland", LOC), ("Nordkoreas Kim", LOC), ("Kim", PER), ("Weiße Haus Nordkorea", LOC)]
    entities = by_name(run(body, spans))
    assert entities["Nordkorea"].count == 3
    assert entities["Russland"].count == 1
    assert entities["Kim"].type is EntityType.PERSON
    assert entities["Kim"].count == 2
    assert "Weißes Haus" in entities  # "Das Weiße Haus": the nominative standing alone
    for entity in entities.values():
        for mention in entity.mentions:
            assert body[mention.start : mention.end] == mention.text


def test_multi_word_places_with_lower_case_words_stay_whole() -> None:
    body = "Im Golf von Iran und in Sankt Paris."
    entities = by_name(run(body, [("Golf von Iran", LOC), ("Sankt Paris", LOC)], language="de"))
    assert "Golf von Iran" in entities


def test_lower_case_articles_are_not_part_of_a_name() -> None:
    body = "Talks with the United States and Der Spiegel."
    entities = by_name(run(body, [("the United States", LOC), ("Der Spiegel", ORG)], language="en"))
    assert set(entities) == {"United States", "Der Spiegel"}
    assert entities["United States"].mentions[0].start == body.index("United")


def test_one_word_modifier_is_never_cut_off_the_name_it_precedes() -> None:
    body = "Von Wiener Neustadt nach Sankt Paris, dann Nordkorea Russland."
    spans = [("Wiener Neustadt", LOC), ("Sankt Paris", LOC), ("Nordkorea Russland", LOC)]
    entities = by_name(normalise_entities(
        [("body", body, mentions(body, spans))], language="de", known=lambda n: n in {*KNOWN_PLACES, "Neustadt"},
    ))  # fmt: skip
    assert {"Wiener Neustadt", "Sankt Paris", "Nordkorea", "Russland"} <= set(entities)
    assert "Wiener" not in entities
    assert "Sankt" not in entities


def test_names_joined_by_an_ampersand_are_one_name_and_nobility_titles_go() -> None:
    body = "Serbia & Montenegro and Marks & Spencer, said Baroness Betty Boothroyd. Boothroyd and Serbia agreed."
    spans = [("Serbia", LOC), ("Montenegro", LOC), ("Marks", ORG), ("Spencer", ORG), ("Baroness Betty Boothroyd", PER),
             ("Boothroyd", PER), ("Serbia", LOC)]  # fmt: skip
    names = {e.name: e.count for e in run(body, spans, language="en")}
    assert names == {"Serbia & Montenegro": 1, "Marks & Spencer": 1, "Betty Boothroyd": 2, "Serbia": 1}


def test_a_name_after_a_place_or_country_code_is_the_same_name() -> None:
    body = "The US Secret Service said the Secret Service would act. The Red Cross and the Paris Red Cross helped."
    spans = [("US Secret Service", ORG), ("Secret Service", ORG), ("Red Cross", ORG), ("Paris Red Cross", ORG)]
    names = {e.name: e.count for e in run(body, spans, language="en")}
    assert names == {"US Secret Service": 2, "Paris Red Cross": 2}


def test_a_name_after_another_word_stays_a_different_name() -> None:
    body = "The Secret Service and the Special Secret Service met."
    names = {e.name for e in run(body, [("Secret Service", ORG), ("Special Secret Service", ORG)], language="en")}
    assert names == {"Secret Service", "Special Secret Service"}


def test_unknown_words_after_a_known_place_are_its_head_not_a_second_name() -> None:
    body = "At Melbourne Airport, in Central Park, at the Sydney Opera House; Nordkorea Russland, Weiße Haus Moskau."
    spans = [("Melbourne Airport", LOC), ("Central Park", LOC), ("Sydney Opera House", LOC),
             ("Nordkorea Russland", LOC), ("Weiße Haus Moskau", LOC)]  # fmt: skip
    places = {"Melbourne", "Central", "Sydney", "Nordkorea", "Russland", "Moskau"}
    entities = by_name(normalise_entities(
        [("body", body, mentions(body, spans))], language="en", known=lambda name: name in places,
    ))  # fmt: skip
    assert {"Melbourne Airport", "Central Park", "Sydney Opera House"} <= set(entities)
    assert not {"Melbourne", "Airport", "Central", "Park", "Sydney", "Opera House"} & set(entities)
    assert {"Nordkorea", "Russland", "Moskau"} <= set(entities)  # known names side by side are still split


def test_german_keeps_splitting_a_known_and_an_unknown_place() -> None:
    body = "Die Bezirke Niederösterreich Zwettl und Steiermark Murau."
    spans = [("Niederösterreich Zwettl", LOC), ("Steiermark Murau", LOC)]
    entities = by_name(normalise_entities(
        [("body", body, mentions(body, spans))], language="de",
        known=lambda name: name in {"Niederösterreich", "Steiermark"},
    ))  # fmt: skip
    assert {"Niederösterreich", "Zwettl", "Steiermark", "Murau"} == set(entities)


def test_a_one_word_organisation_folds_into_the_one_place_prefixed_name() -> None:
    body = "Manchester United rose. United said the bid from CSI Hypo was low; Hypo denied. Swiss Re and Re gained."
    spans = [("Manchester United", ORG), ("United", ORG), ("CSI Hypo", ORG), ("Hypo", ORG), ("Swiss Re", ORG),
             ("Re", ORG)]  # fmt: skip
    entities = normalise_entities([("body", body, mentions(body, spans))], language="en",
                                  known=lambda name: name in {"Manchester", "Swiss"})
    # the longer name is the label; an all-capital code before a one-word name is no evidence ("CSI Hypo")
    assert {e.name: e.count for e in entities} == {"Manchester United": 2, "CSI Hypo": 1, "Hypo": 1, "Swiss Re": 2}
