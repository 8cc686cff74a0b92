"""Words of a text for comparing articles: tokens for shingles, and weighted content terms.

Content terms are case-folded words without diacritics, minus function words and newsroom boilerplate
(German and English lists below), cut to a 6-letter prefix: a crude stemmer that folds inflection
("Waffenlieferung"/"Waffenlieferungen", "besuchen"/"besucht") and costs nothing.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

from newsingest.text.folding import strip_diacritics

_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*", re.UNICODE)
STEM_CHARS = 6
MAX_TERMS = 64

_STOPWORDS_TEXT = """
    a ab aber about above after again against all allem allen aller alles als also am an and andere anderen
    any are as at auch auf aus bei beim bereits bis bisher bleibt bin bist da dabei dadurch dafür dagegen daher
    damit dann daran darauf darum das dass dem den denen denn der deren des deshalb dessen die dies diese diesem
    diesen dieser dieses doch dort du durch ein eine einem einen einer eines einige er es etwa euch für gegen
    gibt habe haben hat hatte hatten hier hin hinter ich ihm ihn ihnen ihr ihre ihrem ihren ihrer im in ins ist
    ja jedoch jetzt kann kein keine können konnte könnte man mehr mit muss musste nach nicht noch nun nur ob oder
    ohne rund schon sehr sei seien sein seine seinem seinen seiner seit sich sie sind so soll sollen sollte
    sondern sowie über um und uns unter viel vom von vor war waren was weil weiter welche wenn wer werde werden
    wie wieder will wir wird wurde wurden zu zum zur zwar zwischen sagte sagten sagt erklärte erklärt berichtete
    berichtet hieß heißt teilte mitteilte laut demnach zudem allerdings außerdem montag dienstag mittwoch
    donnerstag freitag samstag sonntag januar februar märz april mai juni juli august september oktober november
    dezember jahr jahre jahren prozent millionen milliarden uhr woche wochen tag tage tagen heute gestern morgen
    also an be been before being below between both but by can could did do does doing down during each few
    from further had has have having he her here hers herself him himself his how i if into is it its itself
    just me more most my myself no nor not now of off on once only or other our ours out over own same she
    should so some such than that the their theirs them themselves then there these they this those through to
    too under until up very was we were what when where which while who whom why will with would you your
    said says say told according added also monday tuesday wednesday thursday friday saturday sunday january
    february march april may june july august september october november december year years percent million
    billion week weeks day days today yesterday new one two three first last mr mrs
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


def words(text: str) -> list[str]:
    """Lower-cased words of a text, in order (for shingles)."""
    return [w.casefold() for w in _WORD.findall(text)]


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """(cached: news repeats its words, and the diacritics are stripped through Unicode decomposition)"""
    return strip_diacritics(word)[:STEM_CHARS]


@lru_cache(maxsize=1 << 16)
def _term(word: str) -> str:
    """The content term of a word of :func:`words`, or "" for a function word, a short word or a number."""
    if len(word) < 3 or word in STOPWORDS or word.isdigit() or word.replace("-", "").isdigit():
        return ""
    return stem(word)


def content_terms(title: str, body: str, *, limit: int = MAX_TERMS) -> dict[str, float]:
    """Up to ``limit`` stemmed content terms with L2-normalised sublinear tf weights (title words count double)."""
    return content_terms_of(words(title), words(body), limit=limit)


def content_terms_of(title_words: Sequence[str], body_words: Sequence[str], *, limit: int = MAX_TERMS
                     ) -> dict[str, float]:
    """:func:`content_terms` of texts already split by :func:`words` (a text is split once for all features)."""
    counts = Counter(map(_term, body_words))  # counted in C: a word's term is looked up once per process
    for term, n in Counter(map(_term, title_words)).items():
        counts[term] += 2 * n
    counts.pop("", None)
    weighted = {term: 1.0 + math.log(count) for term, count in counts.items()}
    top = sorted(weighted.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    norm = math.sqrt(sum(w * w for _, w in top)) or 1.0
    return {term: round(w / norm, 5) for term, w in top}


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    """Cosine of two L2-normalised sparse vectors."""
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(term, 0.0) for term, w in a.items())
