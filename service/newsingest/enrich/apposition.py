"""Types from appositions: a name right after a common noun that says what kind of thing it is.

"die Ärztegewerkschaft Asklepios", "die Linkspartei Podemos", "the band Franz Ferdinand", "the bank Wells
Fargo": the noun before the name classifies it as an organisation, whatever type the model gave the name
(organisations named after people or places are typed PER or LOC by the model). Kinds of works ("der Film",
"das Survival-Game", "the album") make the name a work (MISC, no facet). German nouns count by the last
element of the compound ("Ärzte|gewerkschaft", "Links|partei"); when the model took the noun into the span
("Linkspartei Podemos"), it is cut off: the name is what follows it. Every mention of the same name in the
article gets the organisation type.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping

from newsingest.enrich.german_case import analyse
from newsingest.enrich.mention_clean import CleanMention
from newsingest.models import EntityType
from newsingest.text.folding import fold

# kinds of organisation (closed, from the language; the last compound element in German)
_GERMAN_KIND = {
    "partei", "gewerkschaft", "konzern", "unternehmen", "firma", "verein", "band", "gruppe", "sender", "zeitung",
    "zeitschrift", "agentur", "bank", "airline", "fluglinie", "fluggesellschaft", "hersteller", "autobauer",
    "verband", "organisation", "miliz",
}  # fmt: skip
_ENGLISH_KIND = {
    "party", "union", "company", "firm", "group", "band", "club", "bank", "airline", "carmaker", "retailer",
    "broadcaster", "newspaper", "magazine", "agency", "label", "charity", "militia", "developer", "publisher",
}  # fmt: skip
# kinds of works (films, games, albums, books, shows): a name after one is a work, not a person or organisation
_GERMAN_WORK = {"film", "spiel", "game", "serie", "album", "buch", "roman", "song", "single", "musical", "sendung",
                "lied", "show"}  # fmt: skip
_KIND_ENDINGS = tuple(_GERMAN_KIND | _GERMAN_WORK)
_ENGLISH_WORK = {"film", "movie", "album", "single", "song", "game", "book", "novel", "show", "series", "musical"}
_WORD_BEFORE = re.compile(r"([\w-]+)\s+$")


def _german_kind(word: str) -> tuple[EntityType, bool] | None:
    """(type, compound?) of a German kind noun, by the last element of the compound as HanTa splits it
    ("Ärzte|gewerkschaft", "Rock|band"); a short kind must be that whole element ("Mitglied" is no "-lied"),
    a long one may end a lexicalised compound ("Linkspartei")."""
    if not word[:1].isupper() or not word.casefold().endswith(_KIND_ENDINGS):
        return None  # cheap test first: HanTa only for words that end like a kind noun
    last = re.split(r"[-‐‑]", word)[-1]
    morphemes = [m for m, tag in analyse((last,))[0][2] if tag.startswith("NN")]
    element = morphemes[-1].casefold() if morphemes else last.casefold()
    compound = len(morphemes) > 1 or last != word
    for kinds, kind in ((_GERMAN_KIND, EntityType.ORGANISATION), (_GERMAN_WORK, EntityType.MISC)):
        for noun in kinds:
            if element == noun or (len(noun) >= 6 and element.endswith(noun)):
                return kind, compound or element != noun
    return None


def _kind(word: str, language: str) -> EntityType | None:
    """The type a noun before a name gives it: an organisation kind, a kind of work (MISC), or None."""
    if language == "de":
        found = _german_kind(word)
        return found[0] if found else None
    if word in _ENGLISH_KIND:
        return EntityType.ORGANISATION
    return EntityType.MISC if word in _ENGLISH_WORK else None


def _compound_kind(word: str) -> EntityType | None:
    """The type a compound kind noun gives ("Linkspartei", "Survival-Game"); a bare one may begin a name
    ("Bank Austria", "Film Austria")."""
    found = _german_kind(word)
    return found[0] if found and found[1] else None


def retype_appositions(
    mentions: list[CleanMention], texts: Mapping[str, str], language: str, known: Callable[[str], bool]
) -> list[CleanMention]:
    """Mentions after (or starting with) a kind noun take its type (organisation, or MISC for works), and so
    do the other mentions of the same name."""
    language = language.split("-")[0]
    if language not in {"de", "en"}:
        return mentions
    kinds: dict[str, EntityType] = {}
    result: list[CleanMention] = []
    for m in mentions:
        words = m.text.split()
        inner = _compound_kind(words[0]) if len(words) > 1 and language == "de" else None
        if inner is not None and m.type is not EntityType.PERSON:
            cut = m.text.index(words[1], len(words[0]))
            surface = m.text[cut:]
            m = dataclasses.replace(m, start=m.start + cut, text=surface, form=" ".join(surface.split()))
            kinds.setdefault(fold(m.form), inner)
        else:
            before = _WORD_BEFORE.search(texts.get(m.field, "")[max(0, m.start - 40) : m.start])
            kind = _kind(before.group(1), language) if before else None
            if kind is EntityType.MISC and known(m.form):
                kind = None  # "im Animationsfilm Kanada (wird die Schuld zugeschoben)": a known place stays one
            if kind is not None:
                kinds.setdefault(fold(m.form), kind)
        result.append(m)
    if not kinds:
        return result
    return [dataclasses.replace(m, type=kinds[fold(m.form)]) if fold(m.form) in kinds else m for m in result]
