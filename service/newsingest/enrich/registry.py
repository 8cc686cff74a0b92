"""The entity registry: canonical persons and organisations with their aliases, learned across articles.

Every enrich worker reads and writes one registry, kept like the same-story state in a compacted topic
(``news.entities``, :class:`~newsingest.streaming.replicated_map.ReplicatedMap`); tests, ``newsingest enrich``
and the benchmarks use a plain dict. One record per entity::

    key   "e|PER|george w bush"                      (type, folded canonical name)
    value {"n": "George W. Bush", "a": [], "u": 3.2, "s": 1764806400.0, "c": [...], "p": [...]}
          name as first learned, aliases (abbreviations), decayed use count, last use (epoch seconds),
          context (names mentioned with it), pending aliases (seen in one article; enrich/registry_record.py)

Resolution, for each person and organisation of an article (after the in-article coreference of
enrich/normalise.py), in this order; the first rule that gives exactly one entity wins, none leaves the name:

0. German and other languages with an -s genitive, persons only: the name less its final s is a registered
   person used at least as often as the name itself ("Angela Merkels Politik" -> "Angela Merkel"; the
   article alone gives no evidence for stripping "Merkels", and "Tom Hanks" must stay);
1. the name is a learned alias of exactly one entity of that type ("IAEA") -> that entity, unless the name is
   also registered on its own and used more often than that entity ("ÖVP" stays "ÖVP" even if some articles
   wrongly paired it with a person's name);
2. the name is a registered entity of the same type (any case/diacritics/punctuation variant) -> its name;
3. persons only: the name is part of exactly one registered full name *in context* -- its words a contiguous
   run of the full name's words that ends with the surname, or at least two of them ("Bush" -> "George W.
   Bush", "Kim Jong" -> "Kim Jong Un"), and the article names another person or organisation the full
   name was mentioned with before (its context: the latest ``CONTEXT_MAX`` such names; places do not count;
   a one-word name counts half: "Newcastle" is a football and a rugby club).
   "Roberts" in a rugby report is not "Julia Roberts"; "Bush" with two full names in context ("George W.
   Bush", "George H. W. Bush") is ambiguous and stays as it is. Organisations get no partial rule ("Bank" is
   not "Deutsche Bank").

Learning, after resolution: every person of two or more words and every organisation is recorded (or its
use count raised); an organisation's acronym-like mentions ("IAEA" folded into "Internationale
Atomenergiebehörde" by the article's own "Long Form (ABBR)") become its aliases, at most ``MAX_ALIASES``, once
two articles paired them with it (one wrong pairing must not rename an acronym in every later article).
One-word persons are never recorded (they are what rule 3 resolves).

Size: at most ``entity_registry_max`` entities. Each has a use count that halves every
``entity_registry_half_life_days`` without use; when the registry grows past the bound by ``EVICT_SLACK``, the
entities with the lowest decayed count are deleted (tombstones on the topic) down to the bound.

Concurrency: two workers updating the same entity at once keep the last write (a use count may lose an
increment; names and aliases are re-learned by the next article). Other workers' new entities are seen by
the local word index at the latest ``REFRESH_S`` later.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, MutableMapping, Sequence, Set
from typing import Any, Protocol, TypeVar

from newsingest.config import Settings
from newsingest.enrich.countries import canonical_countries, merge_same_name
from newsingest.enrich.normalise import GENITIVE_LANGUAGES
from newsingest.enrich.registry_record import (
    NO_ALIASES,
    PREFIX,
    Record,
    entity_key,
    learn_aliases,
    parse_key,
)
from newsingest.log import get_logger
from newsingest.models import Entity, EntityType, Place
from newsingest.text.folding import fold

log = get_logger(__name__)

REGISTERED_TYPES = (EntityType.PERSON, EntityType.ORGANISATION)
CONTEXT_MAX = 24
"""Names kept as an entity's context (the latest articles' other persons, organisations and places)."""
CONTEXT_TYPES = (EntityType.PERSON, EntityType.ORGANISATION)
"""Places are no context: "Wales" or "Irak" are named with too many people to tell two of them apart."""
EVICT_SLACK = 0.05
"""Eviction runs when the registry holds more than ``max * (1 + EVICT_SLACK)`` entities."""
REFRESH_S = 10.0
"""Longest time another worker's new entities may stay unseen by this worker's word index."""
REFRESH_MIN_S = 1.0
"""Least time between two rebuilds of the word index (other workers' writes change the store's size)."""


def _context_names(entities: Iterable[Entity], places: Iterable[Place] = ()) -> set[str]:
    """Folded names of the persons and organisations that are not places ("Wales" tagged ORG is a place)."""
    return {fold(e.name) for e in entities if e.type in CONTEXT_TYPES} - {fold(p.name) for p in places}


def _shared_weight(context: Set[str], record: Record | None) -> float:
    """How much an article's context supports a full name: a shared name of two or more words counts 1, a
    one-word name ("Newcastle": the football club or the rugby club?) half; at least 1 is needed."""
    if record is None:
        return 0.0
    return sum(1.0 if " " in name else 0.5 for name in context.intersection(record.context))


def _contains(words: tuple[str, ...], part: tuple[str, ...]) -> bool:
    """``part`` is a proper contiguous run of ``words`` ending at the last word, or one of two or more words."""
    n = len(part)
    if not n or n >= len(words):
        return False
    return any(words[i:i + n] == part and (i + n == len(words) or n >= 2) for i in range(len(words) - n + 1))


class _Index:
    """Local lookup structures derived from the store: word -> entity keys, alias -> entity keys, and the
    records (raw values, parsed on first use: a record without aliases needs no parsing to be indexed)."""

    def __init__(self) -> None:
        self.words: dict[tuple[EntityType, str], set[str]] = defaultdict(set)
        self.aliases: dict[tuple[EntityType, str], set[str]] = defaultdict(set)
        self.raw: dict[str, str] = {}
        self._parsed: dict[str, Record] = {}
        self.size = -1
        self.built = self.compared = 0.0

    def record(self, key: str) -> Record | None:
        record = self._parsed.get(key)
        if record is None and key in self.raw:
            record = Record.load(self.raw[key])
            if record is not None:
                self._parsed[key] = record
        return record

    def add(self, key: str, raw: str, record: Record | None = None) -> None:
        parsed = parse_key(key)
        if parsed is None:
            return
        kind, words = parsed
        if key in self.raw:
            self._drop_aliases(kind, key)
        self.raw[key] = raw
        self._parsed.pop(key, None)
        if record is not None:
            self._parsed[key] = record
        for word in words:
            self.words[(kind, word)].add(key)
        if NO_ALIASES not in raw:
            for alias in (self.record(key) or Record("")).aliases:
                self.aliases[(kind, fold(alias))].add(key)

    def remove(self, key: str) -> None:
        parsed = parse_key(key)
        if parsed is None or key not in self.raw:
            return
        kind, words = parsed
        self._drop_aliases(kind, key)
        del self.raw[key]
        self._parsed.pop(key, None)
        for word in words:
            self.words[(kind, word)].discard(key)

    def _drop_aliases(self, kind: EntityType, key: str) -> None:
        if NO_ALIASES not in self.raw[key]:
            for alias in (self.record(key) or Record("")).aliases:
                self.aliases[(kind, fold(alias))].discard(key)


class _Analysed(Protocol):
    entities: list[Entity]
    places: list[Place]


_A = TypeVar("_A", bound=_Analysed)


class EntityRegistry:
    """Canonical entities shared by every worker; see the module docstring."""

    def __init__(
        self,
        store: MutableMapping[str, str],
        settings: Settings,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.enabled = settings.entity_registry
        self.max_entities = settings.entity_registry_max
        self.half_life_s = settings.entity_registry_half_life_days * 86400.0
        self.clock = clock
        self._index = _Index()
        self._flushes: set[asyncio.Future[None]] = set()

    # --- the hook ---------------------------------------------------------------------------------------
    def resolve(self, analysis: _A, language: str) -> _A:
        """The analysis with countries under their CLDR name and persons/organisations under their registered
        name; learns the article's entities. Unchanged when the ``entity_registry`` setting is off."""
        if not self.enabled:
            return analysis
        entities, places = canonical_countries(analysis.entities, analysis.places, language)
        entities = self.resolve_entities(entities, places, genitive=language.split("-")[0] in GENITIVE_LANGUAGES)
        self.learn(entities, places)
        return dataclasses.replace(analysis, entities=entities, places=places)  # type: ignore[type-var]

    # --- resolution -------------------------------------------------------------------------------------
    def canonical(self, entity_type: EntityType, name: str, context: Set[str] = frozenset()) -> str | None:
        """The registered name ``name`` stands for, or None (unknown or ambiguous). ``context``: the folded names
        of the article's other entities (a partial name needs one of them in its full name's context)."""
        if entity_type not in REGISTERED_TYPES:
            return None
        self._refresh()
        key = entity_key(entity_type, name)
        folded = fold(name)
        owners = self._index.aliases.get((entity_type, folded), set()) & self._index.raw.keys()
        owner = next(iter(owners)) if len(owners) == 1 else None
        registered = key in self._index.raw
        if owner is not None and (not registered or self._used_as_often(owner, key)):
            return self._name(owner)  # also "IAEA" named alone before its long form's alias was confirmed
        if registered:
            return self._name(key)
        if owners or entity_type is not EntityType.PERSON:
            return None
        part = tuple(folded.split())
        if not part:
            return None
        candidates = set.intersection(*(self._index.words.get((entity_type, word), set()) for word in part))
        matches = [k for k in candidates if (p := parse_key(k)) is not None and _contains(p[1], part)]
        in_context = [k for k in matches if _shared_weight(context, self._index.record(k)) >= 1.0]
        if len(in_context) == 1:
            return self._name(in_context[0])
        return None

    def genitive_base(self, entity: Entity) -> str | None:
        """A person's name in the genitive the article gave no evidence for ("Angela Merkels Politik", "Steven
        Spielbergs Film"): the registered name without the final s, when that is registered and used at least as
        often as the name itself (a genitive learned before its base is overtaken once the base is known;
        "Tom Hanks" stays: no "Tom Hank")."""
        name = entity.name
        if entity.type is not EntityType.PERSON or " " not in name or not name.endswith("s") or name.endswith("ss"):
            return None
        self._refresh()
        base = self._index.record(entity_key(entity.type, name[:-1]))
        if base is None:
            return None
        own = self._index.record(entity_key(entity.type, name))
        now = self.clock()
        if own is not None and own.decayed(now, self.half_life_s) > base.decayed(now, self.half_life_s):
            return None
        return base.name

    def _used_as_often(self, key: str, other: str) -> bool:
        first, second = self._index.record(key), self._index.record(other)
        now = self.clock()
        return first is not None and (second is None or first.decayed(now, self.half_life_s)
                                      >= second.decayed(now, self.half_life_s))

    def _name(self, key: str) -> str | None:
        record = self._index.record(key)
        return record.name if record is not None else None

    def resolve_entities(
        self, entities: Sequence[Entity], places: Sequence[Place] = (), *, genitive: bool = False
    ) -> list[Entity]:
        resolved = []
        context = _context_names(entities, places)
        for entity in entities:
            name = (genitive and self.genitive_base(entity)) or self.canonical(
                entity.type, entity.name, context - {fold(entity.name)}
            )
            resolved.append(entity if name is None or name == entity.name else entity.model_copy(update={"name": name}))
        return merge_same_name(resolved)

    # --- learning ---------------------------------------------------------------------------------------
    def learn(self, entities: Iterable[Entity], places: Iterable[Place] = ()) -> None:
        now = self.clock()
        changed = False
        entities = list(entities)
        context = _context_names(entities, places)
        for entity in entities:
            if entity.type not in REGISTERED_TYPES:
                continue
            if entity.type is EntityType.PERSON and len(fold(entity.name).split()) < 2:
                continue
            key = entity_key(entity.type, entity.name)
            if not key[len(PREFIX) + len(entity.type.value) + 1:]:
                continue
            current = self._index.record(key)
            record = current.copy() if current else Record(entity.name)
            record.uses = record.decayed(now, self.half_life_s) + 1.0
            record.seen = now
            own = fold(entity.name)
            fresh = sorted(context - {own})
            record.context = [*fresh, *(c for c in record.context if c not in context)][:CONTEXT_MAX]
            if entity.type is EntityType.ORGANISATION:
                learn_aliases(record, entity)
            raw = record.dump()
            self.store[key] = raw
            self._index.add(key, raw, record)
            changed = True
        if changed:
            self._index.size = len(self.store)
            if len(self._index.raw) > self.max_entities * (1 + EVICT_SLACK):
                self.evict()
            self._schedule_flush()

    def evict(self) -> int:
        """Delete the entities with the lowest decayed use count down to ``max_entities``; returns how many."""
        now = self.clock()
        def score(key: str) -> float:
            record = self._index.record(key)
            return record.decayed(now, self.half_life_s) if record is not None else 0.0

        ranked = sorted(self._index.raw, key=score)
        excess = len(ranked) - self.max_entities
        for key in ranked[:max(0, excess)]:
            self.store.pop(key, None)
            self._index.remove(key)
        if excess > 0:
            log.info("entity registry evicted", evicted=excess, kept=len(self._index.raw))
        self._index.size = len(self.store)
        return max(0, excess)

    # --- keeping the local index in step with the shared store --------------------------------------------
    def _refresh(self) -> None:
        """Follow the shared store: new and deleted keys when its size changed (at most every REFRESH_MIN_S),
        every value (aliases another worker added to an entity this one knows) every REFRESH_S."""
        now, index = time.monotonic(), self._index
        full = now - index.compared >= REFRESH_S
        if not full and (len(self.store) == index.size or now - index.built < REFRESH_MIN_S):
            return
        if full:
            for key, raw in list(self.store.items()):
                if index.raw.get(key) != raw:
                    index.add(key, raw)
            index.compared = now
        keys = set(self.store.keys())
        for key in keys - index.raw.keys():
            index.add(key, self.store[key])
        for key in index.raw.keys() - keys:
            index.remove(key)
        index.size, index.built = len(self.store), now

    def _schedule_flush(self) -> None:
        """Send the writes to the topic in the background (a lost entity is re-learned; no ack waits on it)."""
        flush = getattr(self.store, "flush", None)
        if flush is None or not getattr(self.store, "started", False):
            return
        try:
            task = asyncio.ensure_future(flush())
        except RuntimeError:  # no running event loop: the next flush (or stop) sends them
            return
        self._flushes.add(task)
        task.add_done_callback(self._flushed)

    def _flushed(self, task: asyncio.Future[None]) -> None:
        self._flushes.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.warning("entity registry flush failed", error=repr(task.exception()))

    async def flush(self) -> None:
        """Wait until every write so far is on the topic (no-op for a plain dict)."""
        flush: Any = getattr(self.store, "flush", None)
        if flush is not None:
            await flush()
