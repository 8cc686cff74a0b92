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

from newsingest.models import Entity, EntityType, Mention

_NOT_A_COMPOUND = r"(?![\w-])"


def _seats(*seats: tuple[str, str]) -> tuple[tuple[str, ...], re.Pattern[str]]:
    """Canonical names, and one pattern whose group ``i + 1`` matches the forms of seat ``i`` (one pass a text)."""
    alternatives = "|".join(f"({forms})" for _, forms in seats)
    return tuple(name for name, _ in seats), re.compile(rf"(?<![\w-])(?:{alternatives}){_NOT_A_COMPOUND}")


SEATS: dict[str, tuple[tuple[str, ...], re.Pattern[str]]] = {
    "de": _seats(
        ("Kreml", r"Kreml(?:e?s)?"),
        ("Weißes Haus", r"Wei(?:ß|ss)e[sn]? Haus(?:es)?"),
        ("Élysée-Palast", r"(?:Élysée|Elysée|Elysee)(?:-Palast(?:e?s)?)?"),
        ("Downing Street", r"Downing Street"),
        ("Pentagon", r"Pentagons?"),
        ("Bundeskanzleramt", r"Bundeskanzleramt(?:e?s)?"),
        ("Quai d'Orsay", r"Quai d['’]Orsay"),
        ("Zhongnanhai", r"Zhongnanhai"),
    ),
    "en": _seats(
        ("Kremlin", r"Kremlin"),
        ("White House", r"White House"),
        ("Élysée Palace", r"(?:Élysée|Elysée|Elysee)(?: Palace)?"),
        ("Downing Street", r"Downing Street"),
        ("Pentagon", r"Pentagon"),
        ("Capitol Hill", r"Capitol Hill"),
        ("Whitehall", r"Whitehall"),
        ("Quai d'Orsay", r"Quai d['’]Orsay"),
        ("Zhongnanhai", r"Zhongnanhai"),
    ),
}


def _names_seat(name: str, canonical: str, names: tuple[str, ...], pattern: re.Pattern[str]) -> bool:
    """Whether an entity name is one of the forms of the seat ``canonical`` ("Weißen Hauses")."""
    m = pattern.fullmatch(name)
    return m is not None and names[(m.lastindex or 1) - 1] == canonical


def _overlaps(mention: Mention, field: str, start: int, end: int) -> bool:
    return mention.field == field and mention.start < end and start < mention.end


def with_seats(entities: list[Entity], texts: dict[str, str], language: str) -> list[Entity]:
    """``entities`` with every seat of power the texts (``{"title": ..., "body": ...}``) name as one organisation
    under its canonical name; entities come most-mentioned first, as before."""
    seats = SEATS.get(language.split("-")[0])
    if seats is None:
        return entities
    names, pattern = seats
    found: dict[str, list[tuple[str, int, int, str]]] = {}
    for field, text in texts.items():
        for m in pattern.finditer(text):
            name = names[(m.lastindex or 1) - 1]
            found.setdefault(name, []).append((field, m.start(), m.end(), m.group()))
    if not found:
        return entities
    result = list(entities)
    for canonical, matches in found.items():
        merged = [e for e in result if e.name == canonical or _names_seat(e.name, canonical, names, pattern)]
        others = [e for e in result if e not in merged]
        mentions = [m for e in merged for m in e.mentions]
        for field, start, end, text in matches:
            if any(_overlaps(m, field, start, end) for m in mentions):
                continue
            if any(_overlaps(m, field, start, end) for e in others for m in e.mentions):
                continue  # part of another name ("Pentagon Papers")
            mentions.append(Mention(start=start, end=end, text=text, field=field))  # type: ignore[arg-type]
        if not mentions:
            continue
        mentions.sort(key=lambda m: (m.field != "title", m.start))
        count = max(len(mentions), sum(e.count for e in merged))
        result = [*others, Entity(name=canonical, type=EntityType.ORGANISATION, count=count, mentions=mentions)]
    order = {id(e): i for i, e in enumerate(result)}
    return sorted(result, key=lambda e: (-e.count, order[id(e)]))
