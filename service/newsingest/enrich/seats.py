"""Seats of power as organisations: "sagte der Kreml", "the White House said", "Downing Street hat ...".

News names a government by the building it sits in. The NER models miss many of these (CoreNLP's German model
leaves "der Kreml" untagged) or type them as places, although a reader filters by them as the actor: the
Russian presidency, the US administration. This module holds a short list of such seats per language, each
with its canonical name, and makes every one an article names an organisation entity under that name:
untagged mentions are added, an entity the model found under an inflected or partial form ("Weißen Hauses",
"Élysée") is renamed and retyped, so one seat is one facet value in every article.

Only seats whose name means the institution in news text are listed (not "Vatikan", a state and a place; not
"Hofburg", also a palace and conference centre). Hyphenated compounds are not mentions of the seat
("Kreml-Chef" is a person, "Kremlin-backed" an adjective).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsingest.models import Entity, EntityType, Mention

_NOT_A_COMPOUND = r"(?![\w-])"


@dataclass(frozen=True)
class Seat:
    canonical: str
    pattern: re.Pattern[str]


def _seat(canonical: str, forms: str) -> Seat:
    return Seat(canonical, re.compile(rf"(?<![\w-])(?:{forms}){_NOT_A_COMPOUND}"))


SEATS: dict[str, tuple[Seat, ...]] = {
    "de": (
        _seat("Kreml", r"Kreml(?:e?s)?"),
        _seat("Weißes Haus", r"Wei(?:ß|ss)e[sn]? Haus(?:es)?"),
        _seat("Élysée-Palast", r"(?:Élysée|Elysée|Elysee)(?:-Palast(?:e?s)?)?"),
        _seat("Downing Street", r"Downing Street"),
        _seat("Pentagon", r"Pentagons?"),
        _seat("Bundeskanzleramt", r"Bundeskanzleramt(?:e?s)?"),
        _seat("Quai d'Orsay", r"Quai d['’]Orsay"),
        _seat("Zhongnanhai", r"Zhongnanhai"),
    ),
    "en": (
        _seat("Kremlin", r"Kremlin"),
        _seat("White House", r"White House"),
        _seat("Élysée Palace", r"(?:Élysée|Elysée|Elysee)(?: Palace)?"),
        _seat("Downing Street", r"Downing Street"),
        _seat("Pentagon", r"Pentagon"),
        _seat("Capitol Hill", r"Capitol Hill"),
        _seat("Whitehall", r"Whitehall"),
        _seat("Quai d'Orsay", r"Quai d['’]Orsay"),
        _seat("Zhongnanhai", r"Zhongnanhai"),
    ),
}


def _overlaps(mention: Mention, field: str, start: int, end: int) -> bool:
    return mention.field == field and mention.start < end and start < mention.end


def with_seats(entities: list[Entity], texts: dict[str, str], language: str) -> list[Entity]:
    """``entities`` with every seat of power the texts (``{"title": ..., "body": ...}``) name as one organisation
    under its canonical name; entities come most-mentioned first, as before."""
    seats = SEATS.get(language.split("-")[0])
    if not seats:
        return entities
    result = list(entities)
    for seat in seats:
        found = [(field, m.start(), m.end(), m.group()) for field, text in texts.items()
                 for m in seat.pattern.finditer(text)]
        if not found:
            continue
        merged = [e for e in result if e.name == seat.canonical or seat.pattern.fullmatch(e.name)]
        others = [e for e in result if e not in merged]
        mentions = [m for e in merged for m in e.mentions]
        for field, start, end, text in found:
            if any(_overlaps(m, field, start, end) for m in mentions):
                continue
            if any(_overlaps(m, field, start, end) for e in others for m in e.mentions):
                continue  # part of another name ("Pentagon Papers")
            mentions.append(Mention(start=start, end=end, text=text, field=field))  # type: ignore[arg-type]
        if not mentions:
            continue
        mentions.sort(key=lambda m: (m.field != "title", m.start))
        count = max(len(mentions), sum(e.count for e in merged))
        result = [*others, Entity(name=seat.canonical, type=EntityType.ORGANISATION, count=count, mentions=mentions)]
    order = {id(e): i for i, e in enumerate(result)}
    return sorted(result, key=lambda e: (-e.count, order[id(e)]))
