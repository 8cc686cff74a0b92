"""Rules that cannot match a batch, told apart in Python before Elasticsearch is asked.

Elasticsearch's cost of matching a round is parsing every rule's ``query_string`` (hundreds of milliseconds for
1,000 rules on a busy node, whatever the batch's size), yet most rules cannot match most batches. A rule is
left out of a round only when a *necessary* condition fails for every article of the batch, so leaving it out
never changes a match:

- Its query is plain words and quoted phrases of Latin letters and digits, separated by blanks (``AND`` is the
  default operator: every word is required). Anything else — operators, wildcards, fuzzy or field syntax,
  other scripts — and the rule is always sent.
- Each word must start some word of the article's title or body, compared after ``fold`` (lowercase, accents
  and the German ``ae/oe/ue``/``ß`` spellings folded, other characters blanks): as written (the ``standard``
  ``title``/``body`` fields), or as its stem in the article's language without the stem's last character (the
  ``title_<lang>``/``body_<lang>`` fields). The stems are Elasticsearch's own (``_analyze``), learned once per
  word. Only languages whose stemmers cut words at the end, rewriting at most the last character of the stem,
  are trusted this way (``STEMMED``: English's Porter, German's light stemmer); an article in a language with
  another analyzer makes every rule go to Elasticsearch. Languages without a language analyzer have only the
  standard fields.
- A word whose stem is a stop word (no token) is required in the standard fields only, as Elasticsearch does;
  a word too short to compare (under two characters folded) is no condition.

The integration test ``test_alert_prefilter`` checks on real Elasticsearch that every rule that matches is
kept, for random rules made of the articles' own words, inflected, re-spelled and mixed with stop words.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from elasticsearch import AsyncElasticsearch

from newsingest.alerts.rules import AlertRule
from newsingest.index.template import LANGUAGE_ANALYZERS
from newsingest.log import get_logger

log = get_logger(__name__)

#: language analyzers whose stem of a word is the folded word cut at the end, but for its last character
STEMMED = frozenset({"english", "german"})
NEEDLE_MAX = 6  # characters of a word compared (a longer word is compared by its first six)
NEEDLE_MIN = 2
ANALYZE_WORDS = 2000  # words in one _analyze request (its token limit is 10,000)

_WORD = re.compile(r"[0-9A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u017F]+")
_PIECE = re.compile(r'"([^"]*)"|([^\s"]+)')
_OPERATORS = frozenset({"AND", "OR", "NOT"})
_FOLDED_TOKEN = re.compile(r"[a-z0-9]+")


_COMMON_MARKS = re.compile("[\u0300-\u036f\u00ad\u200b-\u200f\u2060\ufeff]")  # most of what is deleted
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _deleted(char: str) -> bool:
    """Combining marks (what NFKD splits off letters) and format characters (soft hyphen, zero-width joiners):
    deleted, so they never split a word; any other character not ASCII becomes a blank."""
    return unicodedata.combining(char) != 0 or unicodedata.category(char) in {"Mn", "Cf"}


def _rest(match: re.Match[str]) -> str:
    return "".join("" if _deleted(char) else " " for char in match.group())


_OTHER = re.compile(r"[^a-z0-9]+")
_E_AFTER_AOU = re.compile(r"([aou])e+")


def fold(text: str) -> str:
    """Lowercase ASCII letters and digits, everything else a blank: accents dropped, ``ß`` -> ``ss``, and an
    ``e`` after ``a``/``o``/``u`` dropped (so ``Muenchen``, ``München`` and ``Munchen`` agree). Coarser than
    every analyzer trusted here, and a prefix of a text folds to a prefix of the folded text. (Not
    ``text.folding.fold``, which keys names and keeps other scripts.)"""
    text = text.lower()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text.replace("ß", "ss"))
        text = _NON_ASCII.sub(_rest, _COMMON_MARKS.sub("", text))
    return _E_AFTER_AOU.sub(r"\1", _OTHER.sub(" ", text))


def query_words(query: str) -> list[str] | None:
    """The words a plain query requires (its words and its phrases' words), or None when the query is
    anything else (then the rule is always sent)."""
    words: list[str] = []
    end = 0
    for piece in _PIECE.finditer(query):
        if query[end : piece.start()].strip() or (piece.start() > 0 and not query[piece.start() - 1].isspace()):
            return None
        end = piece.end()
        if end < len(query) and not query[end].isspace():
            return None
        phrase, word = piece.group(1), piece.group(2)
        parts = phrase.split() if phrase is not None else [word]
        if not parts or any(not _WORD.fullmatch(p) or p in _OPERATORS for p in parts):
            return None
        words += parts
    if query[end:].strip():
        return None
    return words


def _needle(text: str) -> str | None:
    folded = fold(text).strip()
    if len(folded) < NEEDLE_MIN or not _FOLDED_TOKEN.fullmatch(folded):
        return None
    return folded[:NEEDLE_MAX]


def word_needles(word: str, stems: Sequence[str] | None) -> frozenset[str] | None:
    """Folded word starts of which an article must hold one for ``word`` to match in it (None: no condition).
    ``stems``: the word's tokens in the article's language field (None: the article has none)."""
    options = set()
    for text in [word, *(stem[:-1] for stem in stems or ())]:
        needle = _needle(text)
        if needle is None:
            return None
        options.add(needle)
    return frozenset(options)


def article_starts(document: dict[str, Any], lengths: Iterable[int]) -> set[str]:
    """The starts (of ``lengths`` characters) of the folded words of the article's title and body."""
    tokens = set(fold(f"{document.get('title') or ''} {document.get('body') or ''}").split())
    starts: set[str] = set()
    for length in lengths:  # a shorter word's whole self is no start of this length: filtered out by length
        starts.update(start for start in map(itemgetter(slice(0, length)), tokens) if len(start) == length)
    return starts



_UNLEARNED: frozenset[str] = frozenset({"\0unlearned"})  # a sentinel, compared by identity


class RulePrefilter:
    """Keeps, for each round, the rules that may match one of its articles (see the module's docstring)."""

    def __init__(self) -> None:
        self.stems: dict[tuple[str, str], tuple[str, ...]] = {}  # (analyzer, word) -> its tokens
        self._plans: dict[str, tuple[str, ...] | None] = {}  # query -> its words
        self._needle_cache: dict[tuple[str | None, str], frozenset[str] | None] = {}
        self._indexed_for: tuple[tuple[int, ...], int] | None = None
        self._indexes: dict[str | None, _RuleIndex] = {}
        self._indexed_rules: list[AlertRule] = []
        self._learned_for: tuple[int, ...] | None = None
        self._learned_rules: list[AlertRule] = []

    def _plan(self, rule: AlertRule) -> tuple[str, ...] | None:
        if rule.query not in self._plans:
            if len(self._plans) > 100_000:
                self._plans.clear()
            words = query_words(rule.query)
            self._plans[rule.query] = tuple(dict.fromkeys(words)) if words else None
        return self._plans[rule.query]

    async def learn(self, es: AsyncElasticsearch, index: str, rules: Iterable[AlertRule]) -> None:
        """Ask Elasticsearch for the stems of the rules' words not seen yet (one ``_analyze`` per analyzer and
        ``ANALYZE_WORDS`` words). A word it cannot tell is left unknown: its rules are always sent."""
        rules = list(rules)
        key = tuple(map(id, rules))
        if key == self._learned_for:  # the same rules (objects) as last time: nothing new to learn
            return
        words = {word for rule in rules if (plan := self._plan(rule)) for word in plan}
        for analyzer in sorted(STEMMED):
            new = sorted(word for word in words if (analyzer, word) not in self.stems)
            for first in range(0, len(new), ANALYZE_WORDS):
                await self._analyze(es, index, analyzer, new[first : first + ANALYZE_WORDS])
        if all((analyzer, word) in self.stems for analyzer in STEMMED for word in words):
            self._learned_for, self._learned_rules = key, rules  # else: asked again next round

    async def _analyze(self, es: AsyncElasticsearch, index: str, analyzer: str, words: list[str]) -> None:
        starts: dict[int, str] = {}
        at = 0
        for word in words:
            starts[at] = word
            at += len(word) + 1
        try:
            response = await es.indices.analyze(index=index, analyzer=analyzer, text=" ".join(words))
        except Exception as exc:  # the rules keep going to Elasticsearch unfiltered
            log.warning("could not learn the stems of alert words", analyzer=analyzer, words=len(words),
                        error=str(exc)[:300])
            return
        found: dict[str, list[str]] = {word: [] for word in words}
        unknown: set[str] = set()
        for token in response.get("tokens", []):
            word = starts.get(int(token.get("start_offset", -1)))
            if word is None or int(token.get("end_offset", -1)) != int(token["start_offset"]) + len(word):
                unknown.update(w for s, w in starts.items() if s <= int(token.get("start_offset", -1)) < s + len(w))
                continue
            found[word].append(str(token["token"]))
        for word, tokens in found.items():
            if word not in unknown:
                self.stems[(analyzer, word)] = tuple(tokens)

    def select(self, rules: Sequence[AlertRule], documents: Iterable[dict[str, Any]]) -> list[AlertRule]:
        """The rules that may match one of ``documents`` (in their order); all of them when an article is in a
        language whose stemming is not trusted. The cost grows with the articles and the rules they may match,
        not with all the rules: the rules' conditions are indexed once per set of rules (and stems learned)."""
        groups: dict[str | None, list[dict[str, Any]]] = {}
        for document in documents:
            analyzer = LANGUAGE_ANALYZERS.get(str(document.get("language") or ""))
            if analyzer is not None and analyzer not in STEMMED:
                return list(rules)
            groups.setdefault(analyzer, []).append(document)
        if not groups:
            return []
        key = (tuple(map(id, rules)), len(self.stems))
        if key != self._indexed_for:  # the rules are held with the key: no other object can take their ids
            self._indexed_for, self._indexed_rules, self._indexes = key, list(rules), {}
        kept: set[int] = set()
        for analyzer, docs in groups.items():
            index = self._indexes.get(analyzer)
            if index is None:
                index = self._indexes[analyzer] = _RuleIndex.build(
                    [self._conditions(rule, analyzer) for rule in rules])
            kept |= index.may_match(docs)
        return [rule for n, rule in enumerate(rules) if n in kept]

    def _conditions(self, rule: AlertRule, analyzer: str | None) -> list[frozenset[str]] | None:
        """Per word of the rule, the needles one of which an article must hold (None: the rule is always sent)."""
        plan = self._plan(rule)
        if plan is None:
            return None
        conditions: list[frozenset[str]] = []
        for word in plan:
            options = self._word_needles(analyzer, word)
            if options is _UNLEARNED:  # no condition can be trusted
                return None
            if options is not None:
                conditions.append(options)
        return conditions

    def _word_needles(self, analyzer: str | None, word: str) -> frozenset[str] | None:
        """``word_needles`` in the articles of ``analyzer`` (None: standard fields only), kept once known;
        ``_UNLEARNED`` while the word's stems are not."""
        key = (analyzer, word)
        if key in self._needle_cache:
            return self._needle_cache[key]
        stems: tuple[str, ...] | None = None
        if analyzer is not None:
            stems = self.stems.get((analyzer, word))
            if stems is None:
                return _UNLEARNED
        if len(self._needle_cache) > 200_000:
            self._needle_cache.clear()
        options = self._needle_cache[key] = word_needles(word, stems)
        return options


@dataclass
class _RuleIndex:
    """The conditions of a set of rules in one language, indexed by the needles of each rule's first one."""

    conditions: list[list[frozenset[str]] | None]
    always: set[int]  # rules without a condition (always sent)
    anchors: dict[str, list[int]]  # a needle of a rule's first condition -> the rules
    needles: set[str]  # every needle of every condition
    wanted: set[int]  # their lengths

    @classmethod
    def build(cls, conditions: list[list[frozenset[str]] | None]) -> _RuleIndex:
        always: set[int] = set()
        anchors: dict[str, list[int]] = {}
        needles: set[str] = set()
        for n, rule_conditions in enumerate(conditions):
            if not rule_conditions:
                always.add(n)
                continue
            rule_conditions.sort(key=len)  # the fewest needles first: the anchor, then the cheapest checks
            for needle in rule_conditions[0]:
                anchors.setdefault(needle, []).append(n)
            for options in rule_conditions:
                needles |= options
        return cls(conditions, always, anchors, needles, {len(needle) for needle in needles})

    def may_match(self, documents: list[dict[str, Any]]) -> set[int]:
        """The rules (positions) that may match one of ``documents``."""
        having: dict[str, set[int]] = {}  # needle -> the articles (positions) holding it
        for n, document in enumerate(documents):
            for needle in article_starts(document, self.wanted) & self.needles:
                having.setdefault(needle, set()).add(n)
        kept = set(self.always)
        for needle in having.keys() & self.anchors.keys():
            for rule in self.anchors[needle]:
                if rule not in kept and self._holds(self.conditions[rule], having):
                    kept.add(rule)
        return kept

    @staticmethod
    def _holds(conditions: list[frozenset[str]] | None, having: dict[str, set[int]]) -> bool:
        """Whether one article holds a needle of every condition."""
        articles: set[int] | None = None
        for options in conditions or ():
            holding: set[int] = set()
            for needle in options:
                holding |= having.get(needle, set())
            articles = holding if articles is None else articles & holding
            if not articles:
                return False
        return True
