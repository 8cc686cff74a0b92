"""The alert prefilter never leaves out a rule that matches (real Elasticsearch, its own analyzers and stems).

Hypothesis draws rules from the articles' own words — inflected, cut short, re-spelled (umlauts, ``ß``), in
other cases, with stop words and as phrases — and checks that every rule ``match_batch`` finds a match for
among a random batch is one the prefilter keeps for that batch.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from newsingest.alerts.matcher import match_batch
from newsingest.alerts.prefilter import RulePrefilter
from newsingest.alerts.rules import AlertRule
from newsingest.config import Settings
from newsingest.index.client import async_client
from newsingest.index.document import to_document
from newsingest.models import EnrichedArticle
from tests.e2e.support import delete_namespace, index_articles, sample_articles
from tests.integration.harness import isolated_settings
from tests.integration.test_search_index import EXTRA, _article

TRICKY = [
    _article("e", "Nationalization and relational sensibility", "The ponies' owners hoped the generalized "
             "conditionality of nationalizations would end. Trump's tariffs were dying; the cloth was dyed. "
             "O'Brien flies to the U.S. for e-mail co-operation with a naïve café owner in the 3rd quarter. "
             "Happiness, capability and sensational operators relate to troubled hopping skies.", "en", None),
    _article("f", "Die Münchner Straßenbahn", "Die Straßenbahn fährt nach München, nicht nach Muenchen. Grüße "
             "an die Bäume und Häuser der Bauern; Frauen der Vereinigten Staaten messen die Größe der Quellen "
             "in der Strasse. Die Gipfeltreffens-Ergebnisse: Maße, Füße, Öl und Äpfel.", "de", None),
    _article("1", "Happy to agree", "A general feeling: Trump's happy voters agree.", "en", None),
    _article("2", "Muenchen", "Baeume in Muenchen, Groesse der Strasse, Grüße, Öl.", "de", None),
    _article("9", "Kurz notiert", "Soft\u00adhyphen, Łódź, İstanbul, Škoda 2024 und Ærø.", "und", None),
]
STOP = ["the", "which", "their", "die", "der", "und", "diese", "nicht", "and", "with"]
SUFFIXES = ["", "s", "es", "e", "en", "er", "ern", "ing", "ed", "ly", "ness", "ung", "ation", "ization"]
RESPELL = [("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"), ("ae", "ä"), ("oe", "ö"), ("ue", "ü"), ("ss", "ß")]


def _vocabulary(articles: list[EnrichedArticle]) -> list[str]:
    words = {w for a in articles for w in re.findall(r"\w+", f"{a.title} {a.body}") if len(w) > 1}
    return sorted(words)


@pytest.fixture(scope="module")
def corpus(stack: Settings, tmp_path_factory: pytest.TempPathFactory, samples_dir: Path
           ) -> Iterator[tuple[Settings, list[EnrichedArticle]]]:
    settings = isolated_settings(stack, tmp_path_factory.mktemp("prefilter"))
    articles = [*sample_articles(samples_dir), *EXTRA, *TRICKY]
    index_articles(settings, articles)
    yield settings, articles
    delete_namespace(settings)


@st.composite
def words(draw: st.DrawFn, vocabulary: list[str]) -> str:
    word = draw(st.sampled_from(vocabulary))
    cut = draw(st.integers(0, 3))
    if cut and len(word) > cut + 2:
        word = word[:-cut]
    word += draw(st.sampled_from(SUFFIXES))
    old, new = draw(st.sampled_from(RESPELL))
    if draw(st.booleans()):
        word = word.replace(old, new)
    case = draw(st.sampled_from([str, str.lower, str.upper, str.capitalize]))
    return str(case(word))


def queries(vocabulary: list[str]) -> st.SearchStrategy[str]:
    term = st.one_of(words(vocabulary), st.sampled_from(STOP))
    phrase = st.lists(term, min_size=2, max_size=3).map(lambda ws: '"' + " ".join(ws) + '"')
    return st.lists(st.one_of(term, term, phrase), min_size=1, max_size=3).map(" ".join)


async def _check(settings: Settings, batch: list[EnrichedArticle], texts: list[str]) -> tuple[int, int]:
    es = async_client(settings)
    try:
        rules = [AlertRule(name=f"rule {n}", query=q) for n, q in enumerate(texts)]
        prefilter = RulePrefilter()
        await prefilter.learn(es, settings.read_alias, rules)
        kept = {rule.id for rule in prefilter.select(rules, [to_document(a) for a in batch])}
        ids = [a.article_id for a in batch]
        matched = await match_batch(es, settings.read_alias, rules, ids, languages={a.language for a in batch})
        assert not matched.failed
        left_out = {r.query: matched.matches[r.id] for r in rules if r.id in matched.matches and r.id not in kept}
        assert not left_out, f"rules left out that match: {left_out}"
        return len(kept), len(rules)
    finally:
        await es.close()


def test_rules_that_match_are_always_kept(corpus: tuple[Settings, list[EnrichedArticle]]) -> None:
    settings, articles = corpus
    vocabulary = _vocabulary(articles)
    trusted = [a for a in articles if a.language in {"de", "en", "und"}]
    kept_share: list[float] = []

    @hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(texts=st.lists(queries(vocabulary), min_size=1, max_size=12), data=st.data())
    def check(texts: list[str], data: st.DataObject) -> None:
        batch = data.draw(st.lists(st.sampled_from(trusted), min_size=1, max_size=3,
                                   unique_by=lambda a: a.article_id), label="batch")
        kept, total = asyncio.run(_check(settings, batch, texts))
        kept_share.append(kept / total)

    check()
    assert sum(kept_share) / len(kept_share) < 0.9  # it does leave rules out (or the test proves nothing)


def test_stems_and_spellings_that_differ_from_the_text_are_kept(corpus: tuple[Settings, list[EnrichedArticle]]
                                                                ) -> None:
    """Words that match only through the language field's stem (``happiness`` ~ ``happy``) or a German
    spelling (``Münchens`` ~ ``Muenchen``): Elasticsearch matches them, and the prefilter keeps them."""
    settings, articles = corpus
    english, german = (next(a for a in articles if a.article_id == key * 64) for key in "12")
    cases = [(english, ["happiness", "agreed", "generalization", "Trump", "HAPPIER"]),
             (german, ["Münchens", "Bäume", "Grüsse", "Größe", "Straße", "Oel", "Muenchen"])]

    async def main() -> None:
        es = async_client(settings)
        try:
            for article, texts in cases:
                rules = [AlertRule(name=t, query=t) for t in [*texts, "zzzunknown"]]
                matched = await match_batch(es, settings.read_alias, rules, [article.article_id],
                                            languages={article.language})
                assert {r.query for r in rules if r.id in matched.matches} >= set(texts) - {"HAPPIER"}
                prefilter = RulePrefilter()
                await prefilter.learn(es, settings.read_alias, rules)
                kept = [r.query for r in prefilter.select(rules, [to_document(article)])]
                assert set(kept) >= {r.query for r in rules if r.id in matched.matches}
                assert "zzzunknown" not in kept
        finally:
            await es.close()

    asyncio.run(main())


def test_every_word_of_every_article_is_kept(corpus: tuple[Settings, list[EnrichedArticle]]) -> None:
    """Each word of the corpus as a rule, against each article alone: the rules that match are all kept."""
    settings, articles = corpus
    vocabulary = _vocabulary(articles)
    for article in articles:
        if article.language in {"de", "en", "und"}:
            asyncio.run(_check(settings, [article], vocabulary))


def test_an_article_in_an_untrusted_language_sends_every_rule(corpus: tuple[Settings, list[EnrichedArticle]]
                                                             ) -> None:
    _, articles = corpus
    french = next(a for a in articles if a.language == "fr")
    rules = [AlertRule(name="x", query="zzzunknown")]
    assert RulePrefilter().select(rules, [to_document(french)]) == rules
