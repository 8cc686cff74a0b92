"""Alert rules match exactly what ``/api/search`` finds for the same query and filters (real Elasticsearch).

A hypothesis property test draws random rules (query words, operators, phrases, prefixes, facet filters) and
compares the rule's matches among a batch of article ids with the search's hits over the same corpus.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from newsingest.alerts.matcher import match_batch
from newsingest.alerts.rules import AlertRule
from newsingest.config import Settings
from newsingest.index.client import async_client
from newsingest.index.search import Searcher, SearchRequest
from newsingest.models import EnrichedArticle
from tests.e2e.support import delete_namespace, index_articles, sample_articles
from tests.integration.harness import isolated_settings
from tests.integration.test_search_index import EXTRA

WORDS = ["Putin", "Kim", "Wladiwostok", "Vladivostok", "summit", "Gipfeltreffen", "sommet", "Nordkorea",
         "Treffen", "weapons", "talks", "Ergebnisse", "zzzunknown"]
FILTER_VALUES = {
    "person": ["Wladimir Putin", "Vladimir Putin", "Kim Jong Un", "nobody"],
    "lang": ["de", "en", "fr"],
    "source": ["dpa", "AP", "AFP", "Reuters"],
    "country": ["RU", "KP", "US"],
    "place": ["Wladiwostok", "Vladivostok"],
}


@pytest.fixture(scope="module")
def corpus(stack: Settings, tmp_path_factory: pytest.TempPathFactory, samples_dir: Path
           ) -> Iterator[tuple[Settings, list[EnrichedArticle]]]:
    settings = isolated_settings(stack, tmp_path_factory.mktemp("alerts"))
    articles = [*sample_articles(samples_dir), *EXTRA]
    index_articles(settings, articles)
    yield settings, articles
    delete_namespace(settings)


def _term() -> st.SearchStrategy[str]:
    word = st.sampled_from(WORDS)
    return st.one_of(word, word.map(lambda w: f'"{w}"'), word.map(lambda w: f"{w[:4]}*"),
                     word.map(lambda w: f"-{w}"))


queries = st.one_of(
    st.just(""),
    st.lists(_term(), min_size=1, max_size=3).map(" ".join),
    st.tuples(_term(), st.sampled_from(["AND", "OR"]), _term()).map(" ".join),
)
@st.composite
def rule_specs(draw: st.DrawFn) -> tuple[str, dict[str, list[str]]]:
    q = draw(queries)
    names = draw(st.lists(st.sampled_from(sorted(FILTER_VALUES)), max_size=2, unique=True))
    chosen = {name: draw(st.lists(st.sampled_from(FILTER_VALUES[name]), min_size=1, max_size=2, unique=True))
              for name in names}
    return q, chosen


async def _both(settings: Settings, batch: list[EnrichedArticle], specs: list[tuple[str, dict[str, list[str]]]]
                ) -> list[tuple[set[str], set[str]]]:
    """Per rule: what matching the batch found (as the indexer runs it: only the batch's languages' fields),
    and what the search finds within the batch."""
    es = async_client(settings)
    ids = [a.article_id for a in batch]
    try:
        rules = [AlertRule(name=f"rule {n}", query=q, filters=f) for n, (q, f) in enumerate(specs)]
        matched = await match_batch(es, settings.read_alias, rules, ids, languages={a.language for a in batch},
                                    chunk=3)
        assert not matched.failed
        searcher = Searcher(es, settings)
        pairs = []
        for rule, (q, f) in zip(rules, specs, strict=True):
            result = await searcher.search(SearchRequest(q=q, filters=f, size=100, facets=False))
            pairs.append((set(matched.matches.get(rule.id, [])), {hit.id for hit in result.hits} & set(ids)))
        return pairs
    finally:
        await es.close()


@hsettings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=st.lists(rule_specs(), min_size=1, max_size=8), data=st.data())
def test_a_rule_matches_what_the_same_search_finds(corpus: tuple[Settings, list[EnrichedArticle]],
                                                     specs: list[tuple[str, dict[str, list[str]]]],
                                                     data: st.DataObject) -> None:
    settings, articles = corpus
    batch = data.draw(st.lists(st.sampled_from(articles), min_size=1, unique_by=lambda a: a.article_id),
                      label="batch")  # often one language only: the other languages' fields are left out
    for matched, searched in asyncio.run(_both(settings, batch, specs)):
        assert matched == searched


def test_only_the_batch_is_matched_and_disabled_rules_never(corpus: tuple[Settings, list[EnrichedArticle]]) -> None:
    settings, articles = corpus
    batch = [a.article_id for a in articles if a.language == "en"]

    async def main() -> None:
        es = async_client(settings)
        try:
            anything = AlertRule(name="all", query="")
            off = AlertRule(name="off", query="", enabled=False)
            broken = AlertRule(name="broken", query="title:(unclosed")  # the API refuses it; here it slipped in
            result = await match_batch(es, settings.read_alias, [anything, off, broken], batch)
            assert result.matches == {anything.id: batch}
            assert list(result.failed) == [broken.id]  # reported, and the others in its search still matched
        finally:
            await es.close()

    asyncio.run(main())


def test_a_search_with_too_many_buckets_is_split_by_articles(corpus: tuple[Settings, list[EnrichedArticle]]) -> None:
    """Rules x articles over ``search.max_buckets`` (rules that match most articles): halved until it fits, with
    the same matches. The limit is lowered for this test only (a cluster setting, reset afterwards)."""
    settings, articles = corpus
    batch = [a.article_id for a in articles]
    rules = [AlertRule(name=f"all {n}", query="") for n in range(3)] + [AlertRule(name="en", query="",
                                                                                  filters={"lang": ["en"]})]

    async def main() -> None:
        es = async_client(settings)
        try:
            expected = await match_batch(es, settings.read_alias, rules, batch)
            assert expected.matches[rules[0].id] == batch
            assert len(batch) >= 4
            # one rule per search (so only the split by articles can help): 1 + len(batch) buckets > 4
            await es.cluster.put_settings(persistent={"search.max_buckets": 4})
            try:
                split = await match_batch(es, settings.read_alias, rules, batch, chunk=1)
            finally:
                await es.cluster.put_settings(persistent={"search.max_buckets": None})
            assert split.matches == expected.matches
            assert not split.failed
        finally:
            await es.close()

    asyncio.run(main())
