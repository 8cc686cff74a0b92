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
import functools
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
    "verband", "organisation", "miliz", "journal", "magazin", "klub", "club", "kette", "bündnis", "medium",
}  # fmt: skip
_ENGLISH_KIND = {
    "party", "union", "company", "firm", "group", "band", "club", "bank", "airline", "carmaker", "retailer",
    "broadcaster", "newspaper", "magazine", "agency", "label", "charity", "militia", "developer", "publisher",
    "journal", "studio", "insurer", "supermarket", "regulator", "watchdog", "lender", "brewer",
}  # fmt: skip
# kinds of works (films, games, albums, books, shows): a name after one is a work, not a person or organisation
_GERMAN_WORK = {"film", "spiel", "game", "serie", "album", "buch", "roman", "song", "single", "musical", "sendung",
                "lied", "show", "oper", "hit", "komödie", "drama", "thriller", "krimi", "doku", "dokumentation",
                "sitcom", "titel"}  # fmt: skip
_GERMAN_KINDS = tuple(_GERMAN_KIND | _GERMAN_WORK)
_KIND_ENDING = re.compile(
    "(?:" + "|".join(sorted(_GERMAN_KIND | _GERMAN_WORK, key=len, reverse=True)) + ")(?:e|en|n|s|es|er|ern)?$"
)
_ENGLISH_WORK = {
    "film", "movie", "album", "single", "song", "game", "book", "novel", "show", "series", "musical", "sequel",
    "prequel", "drama", "comedy", "sitcom", "thriller", "documentary", "programme", "opera", "blockbuster",
    "fable", "ballad", "titled", "entitled", "animation", "cartoon", "biopic", "remake", "soundtrack", "videogame",
    "trilogy", "miniseries", "franchise",
}  # fmt: skip
_FIRST_NAMES = {"Roman"}  # kind nouns that are first names too
_DETERMINED = re.compile(r"(?<![\w-])[a-zäöüß][\w-]*[ \t]+[\w-]+\s+$")  # "im Roman ": a lower-case word right before
_MAX_OCCURRENCES = 8  # of a name, looked at for a kind noun before it
_WORD_BEFORE = re.compile(r"([\w-]+)\s+$")
# "Filmen wie Echo Park", "films such as Shrek", "bands like Keane", "shows including Joey": the kind noun
# stands before the word that introduces the examples
_EXAMPLES = {"wie", "like", "including", "as"}
# one more name of the same list: "Blade Runner, Full Metal Jacket und Apocalypse Now"
_LIST_GAP = re.compile(r"^\s*(?:,|,?\s+(?:und|oder|sowie|and|or))\s+$")


def german_kind(word: str) -> tuple[EntityType, bool] | None:
    """(type, compound?) of a German kind noun, by the last element of the compound as HanTa splits it
    ("Ärzte|gewerkschaft", "Rock|band", "Film|en"); a short kind must be that whole element ("Mitglied" is no
    "-lied"), a long one may end a lexicalised compound ("Linkspartei")."""
    if not word[:1].isupper() or not _KIND_ENDING.search(word.casefold()):
        return None  # cheap test first: HanTa only for words that end like a (possibly inflected) kind noun
    last = re.split(r"[-‐‑]", word)[-1]
    morphemes = [m for m, tag in analyse((last,))[0][2] if tag.startswith("NN")]
    element = morphemes[-1].casefold() if morphemes else last.casefold()
    compound = len(morphemes) > 1 or last != word
    # a plural HanTa tags as a name ("Hits") loses its "s" ("Spieler" is no "Spiel": only "s" is stripped)
    for candidate in dict.fromkeys((element, element.removesuffix("s"))):
        for kinds, kind in ((_GERMAN_KIND, EntityType.ORGANISATION), (_GERMAN_WORK, EntityType.MISC)):
            for noun in kinds:
                if candidate == noun or (len(noun) >= 6 and candidate.endswith(noun)):
                    return kind, compound or candidate != noun
    return None


def english_kind(word: str) -> EntityType | None:
    for form in dict.fromkeys((word, word[:-1] if word.endswith("s") and len(word) > 4 else word)):
        if form in _ENGLISH_KIND:
            return EntityType.ORGANISATION
        if form in _ENGLISH_WORK:
            return EntityType.MISC
    return None


def _kind(word: str, language: str) -> EntityType | None:
    """The type a noun before a name gives it: an organisation kind, a kind of work (MISC), or None. English
    kinds are lower case ("the group X", not "Group Menatep")."""
    if language == "de":
        found = german_kind(word)
        return found[0] if found else None
    return english_kind(word)


def _inflected(word: str, language: str) -> bool:
    """The kind noun is a plural (or, in German, another inflected form): "Filmen", "Bühnenhits", "shows"."""
    if language == "de":
        return not word.casefold().endswith(_GERMAN_KINDS)
    return word not in _ENGLISH_KIND and word not in _ENGLISH_WORK


def _kind_before(text: str, start: int, language: str) -> tuple[EntityType, bool] | None:
    """The kind given by the words right before ``start`` ("der Film X", "the animated fable The X", "Filmen wie
    X", "films such as X"), and whether they introduce a list (a plural kind noun or "wie", "such as", ...);
    None when punctuation stands between ("the film, X")."""
    window = text[max(0, start - 60) : start]
    if not _WORD_BEFORE.search(window):
        return None
    words = re.findall(r"[\w-]+", window)
    if language == "en" and len(words) > 1 and words[-1] == "The":
        words.pop()  # a title's own article: "animated fable The Polar Express"
    examples = words[-1] in _EXAMPLES
    if examples:
        introducer = words.pop()
        if introducer == "as":  # "such as", not "known as"
            if not words or words[-1] != "such":
                return None
            words.pop()
        if not words:
            return None
    if words[-1] in _FIRST_NAMES and not examples and not _DETERMINED.search(window):
        return None  # "Stürmer Roman Kienast", ". Roman Kienast": a first name; the noun has one ("im Roman X")
    kind = _kind(words[-1], language)
    return (kind, examples or _inflected(words[-1], language)) if kind else None


def _kind_elsewhere(surface: str, texts: Mapping[str, str], language: str) -> EntityType | None:
    """The kind given to another occurrence of ``surface`` the model did not tag: "aus den Filmen Blade Runner ...
    bei Terminator und Blade Runner"."""
    for text in texts.values():
        start = text.find(surface)
        for _ in range(_MAX_OCCURRENCES):
            if start < 0:
                break
            alone = not (start and text[start - 1].isalnum()) and not _possessive(text, start + len(surface))
            if alone and (found := _kind_before(text, start, language)):
                return found[0]
            start = text.find(surface, start + len(surface))
    return None


def _possessive(text: str, end: int) -> bool:
    """The name at ``end`` owns what follows ("groups including Norway's performing rights body"): the kind noun
    before it classifies that, not the name."""
    return text[end : end + 2] in {"'s", "’s"}


def _continues_list(listed: CleanMention | None, m: CleanMention, text: str) -> bool:
    """``m`` is the next name of the list ``listed`` is in: only a comma or "and" stands between them."""
    if listed is None or listed.field != m.field or listed.end > m.start:
        return False
    return _LIST_GAP.match(text[listed.end : m.start]) is not None


def _compound_kind(word: str) -> EntityType | None:
    """The type a compound kind noun gives ("Linkspartei", "Survival-Game"); a bare one may begin a name
    ("Bank Austria", "Film Austria")."""
    found = german_kind(word)
    return found[0] if found and found[1] else None


def _english_inner_kind(text: str) -> tuple[int, EntityType] | None:
    """(offset of the name, kind) when an English span runs over a lower-case kind noun into the name after it
    ("US TV drama Baretta", "UK food group Vestey"): the model took the apposition into the span. Lower-case words
    inside English names are function words and particles ("Bank of England", "Stratford-upon-Avon"), never a
    kind noun."""
    words = list(re.finditer(r"\S+", text))
    for i in range(len(words) - 2, 0, -1):
        word = words[i].group()
        if word.islower() and (kind := english_kind(word)) is not None:
            return words[i + 1].start(), kind
    return None


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
    listed: CleanMention | None = None  # a name after a plural kind noun or "wie"/"such as": a list may go on
    # the kind at other occurrences of a name, looked for once per name however often it is mentioned
    elsewhere = functools.cache(lambda surface: _kind_elsewhere(surface, texts, language))
    for m in mentions:
        words = m.text.split()
        inner = _compound_kind(words[0]) if len(words) > 1 and language == "de" else None
        inner_cut = m.text.index(words[1], len(words[0])) if inner is not None else 0
        if language == "en" and len(words) > 2 and (english := _english_inner_kind(m.text)) is not None:
            inner_cut, inner = english
        kind: EntityType | None = None
        in_list = False
        if inner is not None and m.type is not EntityType.PERSON:
            surface = m.text[inner_cut:]
            rest = " ".join(surface.split())
            # "Ruhrfestspielen Recklinghausen", "Landesstudio Wien"; a place's genitive names the whole
            # ("Arbeiterpartei Kurdistans", "Volkspartei Österreichs")
            if not known(rest) and not (rest.endswith("s") and known(rest[:-1])):
                m = dataclasses.replace(m, start=m.start + inner_cut, text=surface, form=" ".join(surface.split()))
                kind = inner
        else:
            text = texts.get(m.field, "")
            found = None if _possessive(text, m.end) else _kind_before(text, m.start, language)
            if found:
                kind, in_list = found
            elif _continues_list(listed, m, text):
                kind, in_list = kinds.get(fold(listed.form)) if listed else None, True  # "Filmen wie A, B und C"
            elif (kind := elsewhere(m.text)) is EntityType.ORGANISATION:
                kind = None if m.type is EntityType.LOCATION and known(m.form) else kind  # "Landesstudio Wien ... Wien"
            if kind is EntityType.MISC and m.type is EntityType.LOCATION and known(m.form):
                kind = None  # "im Animationsfilm Kanada (wird die Schuld zugeschoben)": a known place stays one
        if kind is not None:
            kinds.setdefault(fold(m.form), kind)
        listed = m if kind is not None and in_list else None
        result.append(m)
    if not kinds:
        return result
    return [dataclasses.replace(m, type=kinds[fold(m.form)]) if fold(m.form) in kinds else m for m in result]
