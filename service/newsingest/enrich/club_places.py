"""Place names that name something else, told apart by how the article uses them.

**Clubs named after their town.** Sports reports name clubs by their town ("Leicester star Lewis Moody", "Wasps'
12-9 loss to Bath", "West Ham striker", "beat Portsmouth 2-1"); the NER models read the town and type the mention
as a place, so the place facet fills with clubs and the organisation facet misses them (on the 40 English dev
articles: Gloucester, Leicester, Portsmouth, West Ham, West Brom). In an article that reads as a sports report
(:func:`is_sports_report`: several distinct sports words, or a match score and some), a place entity whose name
is a town (a GeoNames city; never a country or region: "England" against "Wales" are national teams, which the
place facet keeps) becomes an organisation when more of its mentions are used as a club than as a place. A club
use is a role or match noun right after the name ("Leicester coach", "Wasps' loss", "Portsmouth 2-1"), a person
right after its possessive ("Gloucester's Andy Hazell"), a match verb or preposition right before it ("beat
Portsmouth", "loss to Bath", "against Saracens"), or parentheses after a name ("Fletcher (West Ham)", a squad
list); a place use is "in", "at" or "near" before it ("at Leicester", the ground).

**Places in a list of places.** Coordinated names are of one kind: "polls at Bristol, Isle of Wight and
Stockton-on-Tees" lists places even where the model typed "Isle of Wight" an organisation. Outside sports
reports (where "Bath, Gloucester and Leicester" are clubs), an organisation whose name is a known place becomes a
place when every one of its mentions is in a list with a place's mention (", ", " and ", " or " between
neighbours, a conjunction in the list) and none is in a list with an organisation's. Companies named after towns
("Nokia") stay: they are listed with companies, or named outside lists too.

The word lists are English and German; other languages are left as the model typed them.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from newsingest.enrich.gazetteer import Gazetteer
from newsingest.models import Entity, EntityType, Mention

_SPORTS_WORDS = {
    "en": frozenset({
        "match", "matches", "league", "coach", "manager", "striker", "midfielder", "defender", "goalkeeper",
        "keeper", "winger", "fly-half", "scrum-half", "full-back", "flanker", "try", "tries", "goal", "goals",
        "penalty", "kick-off", "fixture", "fixtures", "premiership", "squad", "relegation", "stadium", "half-time",
        "referee", "season", "semi-final", "quarter-final", "final", "cup", "championship", "title", "tournament",
        "club", "clubs", "player", "players", "captain", "international", "injury", "score", "scored", "win",
        "victory", "defeat", "draw", "beat", "game", "games", "team", "side", "football", "rugby", "cricket",
        "tennis", "golf", "athletics", "race", "medal", "olympic", "sprint", "coaching", "wicket", "innings",
    }),
    "de": frozenset({
        "spiel", "spiele", "liga", "bundesliga", "trainer", "stürmer", "mittelfeldspieler", "verteidiger",
        "torhüter", "tormann", "tor", "tore", "elfmeter", "saison", "tabelle", "abstieg", "aufstieg", "stadion",
        "halbzeit", "schiedsrichter", "finale", "halbfinale", "viertelfinale", "pokal", "meisterschaft", "meister",
        "turnier", "verein", "klub", "spieler", "kapitän", "nationalteam", "nationalmannschaft", "verletzung",
        "sieg", "niederlage", "remis", "mannschaft", "team", "fußball", "rugby", "tennis", "golf", "medaille",
        "rennen", "punkte", "runde", "treffer", "kader", "transfer", "heimspiel", "auswärtsspiel", "derby",
    }),
}
#: distinct sports words for a sports report: (without, with a match score "12-9", "2:1"); German agency reports
#: are short (chosen on the categories of 2,225 BBC and 1,028 10kGNAD articles: docs/ner.md)
_MIN_SPORTS_WORDS = {"en": (6, 4), "de": (3, 2)}
_SCORE = re.compile(r"(?<![\d.,:/-])\d{1,3}(?:-|:|–)\d{1,3}(?![\d.,:/-])")
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")

_CLUB_AFTER = {
    "en": re.compile(
        r"^(?:(?:'s?|’s?)?\s*(?:\d{1,3}-\d{1,3}\b|(?:coach|manager|boss|striker|captain|skipper|star|players?"
        r"|youngster|winger|defender|midfielder|keeper|goalkeeper|chairman|fans|supporters|squad|forward|prop|lock"
        r"|flanker|hooker|centre|scrum-half|fly-half|full-back|number eight|academy|reserves|debut|side|team-mate"
        r"|lineup|line-up|director of rugby|director of football)\b)"
        # a result only after the possessive: "Wasps' 12-9 loss", not "Dubai loss" (the tournament's place)
        r"|(?:'s?|’s?)\s*(?:\d{1,3}-\d{1,3}\s+)?(?:loss|defeat|win|victory|draw)\b)",
        re.IGNORECASE,
    ),
    "de": re.compile(
        r"^\s*(?:\d{1,3}:\d{1,3}\b|(?:Trainer|Coach|Stürmer|Kapitän|Torhüter|Tormann|Verteidiger|Spieler|Fans"
        r"|Anhänger|Sportdirektor|Manager|Präsident)\b)"
    ),
}
_CLUB_BEFORE = {
    "en": re.compile(
        r"\b(?:beat|beats|beating|beaten by|lost to|lose to|loss to|losing to|defeat by|defeat to|defeated|win over"
        r"|won over|victory over|draw with|drew with|draw against|against|hosts?|hosting|host to|visit of|visitors"
        r"|face|faces|facing|v|vs|join|joined|joins|joining|signed by|signed for|sign for|left|leave|leaving)\s+$",
        re.IGNORECASE,
    ),
    "de": re.compile(r"\b(?:gegen|Sieg über|Niederlage gegen|Remis gegen|wechselt zu|wechselte zu)\s+$"),
}
_PLACE_BEFORE = {
    "en": re.compile(r"\b(?:in|at|near|around|outside)\s+$", re.IGNORECASE),
    "de": re.compile(r"\b(?:in|im|nahe|bei|aus)\s+$"),
}
_AFFILIATION = re.compile(r"\s?\($")
_PERSON_AFTER_POSSESSIVE = re.compile(r"^(?:'s?|’s?)\s+$")
_CONJUNCTION = re.compile(r"\b(?:and|or|und|oder)\b")
_LIST_GOES_ON = re.compile(r",?\s+(?:and|or|und|oder)\s+[A-ZÄÖÜ]")  # "Bristol, Isle of Wight and Stockton"
_COORDINATION = re.compile(r"^(?:\s*,\s*(?:and\s+|or\s+|und\s+|oder\s+)?|\s+(?:and|or|und|oder)\s+)$")


def is_sports_report(texts: Mapping[str, str], language: str) -> bool:
    """Whether the article reads as a sports report: enough distinct sports words, fewer with a match score."""
    words = _SPORTS_WORDS.get(language)
    if not words:
        return False
    found: set[str] = set()
    scores = False
    for text in texts.values():
        found |= words.intersection(_WORD.findall(text.casefold()))
        scores = scores or _SCORE.search(text) is not None
    plain, with_score = _MIN_SPORTS_WORDS[language]
    return len(found) >= (with_score if scores else plain)


class _Persons(NamedTuple):
    """Where the article's person mentions start and end: (field, offset)."""

    starts: set[tuple[str, int]]
    ends: set[tuple[str, int]]


def _persons_at(entities: Sequence[Entity]) -> _Persons:
    mentions = [m for e in entities if e.type is EntityType.PERSON for m in e.mentions]
    return _Persons({(m.field, m.start) for m in mentions}, {(m.field, m.end) for m in mentions})


def _club_uses(entity: Entity, texts: Mapping[str, str], language: str, persons: _Persons) -> int:
    """Club uses minus place uses of the entity's mentions."""
    after, before, place = _CLUB_AFTER[language], _CLUB_BEFORE[language], _PLACE_BEFORE[language]
    balance = 0
    for m in entity.mentions:
        text = texts.get(m.field, "")
        left, right = text[max(0, m.start - 30) : m.start], text[m.end : m.end + 40]
        affiliation = right.startswith(")") and _after_person(m, left, persons)
        if affiliation or after.match(right) or before.search(left) or _possessive_of_person(m, right, persons):
            balance += 1
        elif place.search(left):
            balance -= 1
    return balance


def _after_person(mention: Mention, left: str, persons: _Persons) -> bool:
    """"Fletcher (West Ham)": the name in parentheses right after a person's mention (a squad list)."""
    found = _AFFILIATION.search(left)
    return found is not None and (mention.field, mention.start - len(found.group(0))) in persons.ends


def _possessive_of_person(mention: Mention, right: str, persons: _Persons) -> bool:
    """"Gloucester's Andy Hazell": a person's mention right after the name's possessive."""
    cut = right.find(" ", 0, 4)
    if cut < 0 or not _PERSON_AFTER_POSSESSIVE.match(right[: cut + 1]):
        return False
    return (mention.field, mention.end + cut + 1) in persons.starts


def _is_town(name: str, gazetteer: Gazetteer) -> bool:
    place = gazetteer.best(name)
    return place is not None and place.kind == "city"


def _neighbours(entities: Sequence[Entity]) -> dict[str, list[tuple[int, int, EntityType]]]:
    """Every field's mentions in text order: (start, end, type of their entity)."""
    spans: dict[str, list[tuple[int, int, EntityType]]] = {}
    for e in entities:
        for m in e.mentions:
            spans.setdefault(m.field, []).append((m.start, m.end, e.type))
    for found in spans.values():
        found.sort(key=lambda span: (span[0], span[1]))
    return spans


def _listed_with(mention: Mention, spans: Mapping[str, list[tuple[int, int, EntityType]]],
                 texts: Mapping[str, str]) -> set[EntityType]:
    """The types of the mentions in a list with this one ("A, B and C"): the chain of mentions with only a
    comma, "and" or "or" between neighbours, which must hold a conjunction or end in one ("In Argentina, Suez's
    subsidiary" is no list); a name inside a hyphenated compound is no list item ("Nokia and Canada-based
    firms")."""
    text, ordered = texts.get(mention.field, ""), spans.get(mention.field, [])
    i = bisect_left(ordered, (mention.start, mention.end))
    if i >= len(ordered) or ordered[i][:2] != (mention.start, mention.end):
        return set()
    first = last = i
    while first > 0 and _joined(text, ordered[first - 1], ordered[first]):
        first -= 1
    while last + 1 < len(ordered) and _joined(text, ordered[last], ordered[last + 1]):
        last += 1
    if first == last:
        return set()
    gaps = [text[ordered[k][1] : ordered[k + 1][0]] for k in range(first, last)]
    if not (any(_CONJUNCTION.search(gap) for gap in gaps) or _LIST_GOES_ON.match(text, ordered[last][1])):
        return set()
    return {ordered[k][2] for k in range(first, last + 1) if k != i}


def _in_place_lists(entity: Entity, spans: Mapping[str, list[tuple[int, int, EntityType]]],
                    texts: Mapping[str, str]) -> bool:
    """Every mention of the entity is in a list with a place and none with an organisation."""
    for mention in entity.mentions:
        kinds = _listed_with(mention, spans, texts)
        if EntityType.LOCATION not in kinds or EntityType.ORGANISATION in kinds:
            return False
    return bool(entity.mentions)


def _joined(text: str, left: tuple[int, int, EntityType], right: tuple[int, int, EntityType]) -> bool:
    gap = text[left[1] : right[0]]
    if left[1] > right[0] or len(gap) > 8 or _COORDINATION.match(gap) is None:
        return False
    return text[left[0] - 1 : left[0]] != "-" and text[right[1] : right[1] + 1] != "-"


def retype_place_names(
    entities: list[Entity], texts: Mapping[str, str], language: str, gazetteer: Gazetteer
) -> list[Entity]:
    """The entities with clubs named after towns typed as organisations in sports reports and, elsewhere,
    organisations named like a place that the article lists among places typed as places (module docstring)."""
    if language not in _SPORTS_WORDS or not any(e.type in (EntityType.LOCATION, EntityType.ORGANISATION)
                                                for e in entities):
        return entities
    if is_sports_report(texts, language):
        persons = _persons_at(entities)
        return [
            e.model_copy(update={"type": EntityType.ORGANISATION})
            if e.type is EntityType.LOCATION
            and _is_town(e.name, gazetteer)
            and _club_uses(e, texts, language, persons) > 0
            else e
            for e in entities
        ]
    spans = _neighbours(entities)
    out = []
    for e in entities:
        if e.type is EntityType.ORGANISATION and gazetteer.identity(e.name) is not None and _in_place_lists(
            e, spans, texts
        ):
            e = e.model_copy(update={"type": EntityType.LOCATION})
        out.append(e)
    return out
