"""English organisation names of the form "X of Y": "Bank of England", "House of Lords", "University of Lille".

The English CRF model often tags the head and the place apart ("Bank" ORG, "of" O, "England" LOC), and the
place alone may even fall to the confidence filter: the facet becomes "Bank". Two rules from how English builds
these names:

- **Join.** An organisation mention followed by " of " and a capitalised name that is a known place or another
  mention of the article is one name; the place inside it is no facet of its own. Only "of", and only directly.
  The same for a place mention that ends in a noun of a kind of place ("Gulf" of Suez, "Isle" of Man, "Bay" of
  Biscay, "Strait" of Hormuz): "Gulf" alone is no facet.
- **No person after "of".** A span the model ran over "of" into a person ("the defection to Labour of Robert
  Jackson") is cut there: an organisation and a person. A person is two or three capitalised words, a given
  name then a surname of the 1990 US census lists (shipped in the ``names`` package), and no known place.
- **Short reference.** The article then calls it by its head, the word before "of" ("the Bank", "the House",
  "the University"), or by all of the part before "of" ("the Reserve Bank"). Such an organisation mention,
  when it fits exactly one "X of Y" name of the article, takes that name as its form; with two ("Bank of
  England", "Bank of America") it stays itself.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Mapping

from newsingest.enrich.mention_clean import CleanMention
from newsingest.enrich.us_census import GIVEN_NAMES, SURNAMES, census_ranks
from newsingest.models import EntityType
from newsingest.text.folding import fold

_OF_WORD = r"[A-Z][\w'’-]*(?:\.[\w'’-]+)*"  # a full stop ends it: "of England. The Bank ..."
_OF_NAME = re.compile(rf" of ({_OF_WORD}(?: {_OF_WORD}){{0,3}})")
_JOINABLE = frozenset({EntityType.LOCATION, EntityType.ORGANISATION})
#: kinds of place that name a place "X of Y" (a closed class of the language)
_PLACE_HEADS = frozenset({
    "gulf", "bay", "sea", "isle", "island", "islands", "strait", "straits", "cape", "lake", "mount", "port", "bight",
    "firth", "sound", "vale", "valley", "peninsula",
})  # fmt: skip


@functools.cache
def _census(*lists: str) -> frozenset[str]:
    return frozenset(name.casefold() for list_name in lists for name in census_ranks(list_name))


def _is_person(words: list[str], known: Callable[[str], bool]) -> bool:
    """Two or three capitalised words: a given name that is no known place, then a surname ("Robert Jackson";
    not "America Capital Management")."""
    return (
        2 <= len(words) <= 3
        and all(w[:1].isupper() for w in words)
        and words[0].casefold() in _census(*GIVEN_NAMES)
        and words[-1].casefold() in _census(SURNAMES)
        and not known(words[0])
        and not known(" ".join(words))
    )


def _cut_persons(m: CleanMention, known: Callable[[str], bool]) -> list[CleanMention]:
    """``m``, or its organisation and the person after its " of " when the model ran the span into a person."""
    if m.type is not EntityType.ORGANISATION or " of " not in m.text:
        return [m]
    head, _, rest = m.text.rpartition(" of ")
    if not head.strip() or not _is_person(rest.split(), known):
        return [m]
    person_start = m.start + len(head) + len(" of ")
    return [
        dataclasses.replace(m, end=m.start + len(head), text=head, form=" ".join(head.split())),
        dataclasses.replace(m, start=person_start, text=rest, form=" ".join(rest.split()), type=EntityType.PERSON),
    ]


def _complement(text: str, m: CleanMention, known: Callable[[str], bool],
                by_start: Mapping[int, CleanMention]) -> tuple[int, CleanMention | None] | None:
    """(end of the joined name, the mention it swallows) when " of <Name>" follows ``m``, else None."""
    following = _OF_NAME.match(text, m.end)
    if following is None:
        return None
    other = by_start.get(following.start(1))
    if other is not None:  # a person or a work after "of" ("the defection to Labour of Robert Jackson")
        return (other.end, other) if other.type in _JOINABLE else None
    place = following.group(1)
    return (following.start(1) + len(place), None) if known(place) else None


def join_of_names(mentions: list[CleanMention], texts: Mapping[str, str],
                  known: Callable[[str], bool]) -> list[CleanMention]:
    """English mentions with organisation + " of " + place or name joined, and heads named alone completed
    (``mentions`` in text order)."""
    mentions = [part for m in mentions for part in _cut_persons(m, known)]
    by_start: dict[str, dict[int, CleanMention]] = {}
    for m in mentions:
        by_start.setdefault(m.field, {})[m.start] = m
    swallowed: set[tuple[str, int]] = set()
    joined: list[CleanMention] = []
    for m in mentions:
        if (m.field, m.start) in swallowed:
            continue  # the place of a name joined before it
        text = texts.get(m.field, "")
        found = None
        if m.type is EntityType.ORGANISATION or (
            m.type is EntityType.LOCATION and m.form.rsplit(" ", 1)[-1].casefold() in _PLACE_HEADS
        ):
            found = _complement(text, m, known, by_start[m.field])
        if found is None:
            joined.append(m)
            continue
        end, other = found
        if other is not None:
            swallowed.add((other.field, other.start))
        surface = text[m.start : end]
        joined.append(dataclasses.replace(m, end=end, text=surface, form=" ".join(surface.split())))
    return _complete_heads(joined)


def _complete_heads(mentions: list[CleanMention]) -> list[CleanMention]:
    """Organisation mentions that are the head ("Bank") or the whole part before "of" ("Reserve Bank") of
    exactly one "X of Y" name of the article take that name as their form."""
    names: dict[str, set[str]] = {}
    for m in mentions:
        if m.type is EntityType.ORGANISATION and " of " in m.form:
            before = m.form.split(" of ", 1)[0]
            for key in {fold(before), fold(before.split()[-1])}:
                names.setdefault(key, set()).add(m.form)
    result = []
    for m in mentions:
        full = names.get(fold(m.form), set()) if m.type is EntityType.ORGANISATION and " of " not in m.form else set()
        result.append(dataclasses.replace(m, form=next(iter(full))) if len(full) == 1 else m)
    return result
