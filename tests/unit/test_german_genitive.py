"""German persons named once in the prenominal genitive lose the -s (enrich/german_genitive.py)."""

from __future__ import annotations

import pytest

from newsingest.enrich.german_genitive import is_surname_in_s, strip_prenominal_genitives
from newsingest.enrich.mention_clean import CleanMention
from newsingest.models import EntityType


def persons(text: str, *names: str) -> list[CleanMention]:
    found = []
    for name in names:
        start = text.index(name)
        found.append(CleanMention("body", start, start + len(name), name, name, EntityType.PERSON))
    return found


def forms(text: str, *names: str) -> list[str]:
    return [m.form for m in strip_prenominal_genitives(persons(text, *names), {"body": text})]


@pytest.mark.parametrize(("text", "name", "form"), [
    ("Die Wähler lehnten Walter Ulbrichts Reformen ab.", "Walter Ulbrichts", "Walter Ulbricht"),
    ("Das Gericht prüft Gerhard Schröders  Vertrag.", "Gerhard Schröders", "Gerhard Schröder"),  # two spaces
    ("Kritik an Stalins Politik wurde laut.", "Stalins", "Stalin"),
    ("Seine Rolle in Tom Hanks Regiedebüt war klein.", "Tom Hanks", "Tom Hanks"),  # a surname in -s
    ("Sie trainiert mit Venus Williams Aufschläge.", "Venus Williams", "Venus Williams"),
    ("Das sagte Walter Ulbrichts. Politik ist das nicht.", "Walter Ulbrichts", "Walter Ulbrichts"),  # no noun after
    ("Das Werk von Walter Ulbrichts gilt als verloren.", "Walter Ulbrichts", "Walter Ulbrichts"),  # a verb after
    ("Der Musiker Hans Glatz spielt.", "Hans Glatz", "Hans Glatz"),  # a sibilant before the -s: no genitive
])  # fmt: skip
def test_a_genitive_before_a_noun_loses_its_s(text: str, name: str, form: str) -> None:
    assert forms(text, name) == [form]


def test_a_name_that_also_stands_alone_keeps_its_s() -> None:
    text = "Nach Karl Grubers Rede sprach sein Sohn. Grubers selbst schwieg."
    alone = text.rindex("Grubers")
    mentions = [*persons(text, "Karl Grubers"),
                CleanMention("body", alone, alone + 7, "Grubers", "Grubers", EntityType.PERSON)]
    assert [m.form for m in strip_prenominal_genitives(mentions, {"body": text})] == ["Karl Grubers", "Grubers"]
    assert forms(text, "Karl Grubers") == ["Karl Gruber"]  # the same sentence without the second mention


def test_census_surnames_in_s_are_told_from_genitives_of_common_ones() -> None:
    assert is_surname_in_s("Hanks")
    assert is_surname_in_s("Woods")  # ranks close to "Wood": a name of its own
    assert not is_surname_in_s("Millers")  # far rarer than "Miller": the genitive
    assert not is_surname_in_s("Ulbrichts")  # no census surname at all
