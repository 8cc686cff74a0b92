"""One entity registry record and its key (enrich/registry.py holds the rules that use them).

An organisation's aliases are the acronym-like mentions ("IAEA") its articles fold into its name ("Long Form
(ABBR)"). An acronym made of the initials of the name's words ("CIA" of "Central Intelligence Agency", "DFB"
of "Deutscher Fußball-Bund") is taken at once. Any other pairing is weaker evidence ("IWF" of "Internationaler
Währungsfonds", or a wrong one): it waits in ``pending`` and is used for resolution only once a second article
pairs it with the same organisation. A single wrong pairing (a person the model typed as an organisation,
followed by a party in parentheses) had renamed that party in 81 of the next 988 articles of a stream.
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass, field

from newsingest.models import Entity, EntityType
from newsingest.text.folding import fold

MAX_ALIASES = 8
"""Confirmed aliases kept per entity, and as many pending ones."""
ACRONYM = re.compile(r"^[A-ZÄÖÜ][A-ZÄÖÜ0-9&.\-]{1,9}$")
PREFIX = "e|"
NO_ALIASES = '"a":[]'


@dataclass
class Record:
    name: str
    aliases: list[str] = field(default_factory=list)
    uses: float = 0.0
    seen: float = 0.0
    context: list[str] = field(default_factory=list)  # folded names it was mentioned with, latest first
    pending: list[str] = field(default_factory=list)  # aliases seen in one article only, latest last

    def dump(self) -> str:
        data = {"n": self.name, "a": self.aliases, "u": round(self.uses, 4), "s": round(self.seen, 1),
                "c": self.context}
        if self.pending:
            data["p"] = self.pending
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def load(cls, value: str) -> Record | None:
        try:
            data = json.loads(value)
            return cls(str(data["n"]), [str(a) for a in data.get("a", [])], float(data.get("u", 0)),
                       float(data.get("s", 0)), [str(c) for c in data.get("c", [])],
                       [str(p) for p in data.get("p", [])])
        except (ValueError, KeyError, TypeError):
            return None

    def copy(self) -> Record:
        """A copy whose lists can be changed without changing this record (the index keeps this one)."""
        return dataclasses.replace(self, aliases=list(self.aliases), context=list(self.context),
                                   pending=list(self.pending))

    def decayed(self, now: float, half_life_s: float) -> float:
        return self.uses * 0.5 ** (max(0.0, now - self.seen) / half_life_s)


def entity_key(entity_type: EntityType, name: str) -> str:
    return f"{PREFIX}{entity_type.value}|{fold(name)}"


def parse_key(key: str) -> tuple[EntityType, tuple[str, ...]] | None:
    if not key.startswith(PREFIX):
        return None
    kind, _, folded = key[len(PREFIX):].partition("|")
    try:
        return EntityType(kind), tuple(folded.split())
    except ValueError:
        return None


_WORDS = re.compile(r"[^\W\d_][\w'’]*")


def is_initialism(acronym: str, name: str) -> bool:
    """The acronym's letters are the initials of the name's words, of all of them or of the capitalised ones
    (function words skipped: "Institut für Höhere Studien" -> IHS; hyphens part words: "Fußball-Bund")."""
    letters = "".join(c for c in acronym if c.isalpha()).casefold()
    words = _WORDS.findall(name)
    if len(letters) < 2 or len(words) < 2:
        return False
    every = "".join(w[0] for w in words).casefold()
    capitalised = "".join(w[0] for w in words if w[0].isupper()).casefold()
    return letters in (every, capitalised)


def learn_aliases(record: Record, entity: Entity) -> None:
    """Take the organisation's acronym-like mentions of one article: a pending alias seen again is confirmed,
    a new one waits (the oldest pending one is dropped beyond ``MAX_ALIASES``)."""
    known = {fold(a) for a in record.aliases} | {fold(record.name)}
    pending = {fold(p): p for p in record.pending}
    for text in dict.fromkeys(m.text.strip() for m in entity.mentions):
        folded = fold(text)
        if not ACRONYM.match(text) or folded in known:
            continue
        known.add(folded)
        seen_before = pending.pop(folded, None)
        if seen_before is None and not is_initialism(text, record.name):
            record.pending = [*record.pending, text][-MAX_ALIASES:]
            continue
        if seen_before is not None:
            record.pending.remove(seen_before)
        if len(record.aliases) < MAX_ALIASES:
            record.aliases.append(text)
