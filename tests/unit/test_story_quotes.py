"""Shared quotations as story evidence (enrich/story_quotes.py) and the story index's quote rule."""

from __future__ import annotations

from newsingest.config import Settings
from newsingest.enrich.pipeline import Enricher
from newsingest.enrich.story_quotes import _QUOTE, MAX_PASSAGES, quote_choice, quote_passages, shared_passages
from tests.fixtures.enrich.articles import TableLike, article
from tests.fixtures.enrich.fakes import ENGLISH_NAMES, DictionaryEngine

STATEMENT = "We will not accept a budget that cuts the pensions of those who built this country after the war"
FOOTER = (
    "Copyright 2026 The Example Press. All rights reserved. This material may not be published, broadcast, "
    "rewritten or redistributed without permission. Click here to get our app and sign up for our newsletter."
)


def quotations(text: str) -> list[str]:
    return [next(group for group in match.groups() if group is not None) for match in _QUOTE.finditer(text)]


def test_quotations_of_every_style_and_never_the_narration_between_two() -> None:
    text = (
        'Smith said: "We will not give up on this bill, whatever happens." Technorati, a blog search engine, '
        'tracks about six million blogs. "Another statement long enough to count here," he added. '
        "„Wir werden das Gesetz nicht aufgeben, egal was passiert“, sagte er. »Ein Zitat in Chevrons, lang "
        "genug für die Regel«. «Nous ne renoncerons jamais à ce projet de loi, quoi qu’il arrive» dit-il. "
        "“Curly quotes of English newspapers count as well as straight ones” — and a ‘single quoted phrase "
        "that is long enough’ does not, nor does a short “quip”.\n"
        '"A quotation over two paragraphs opens both of them,\n\n"and closes only at the end of the last one." '
        "Then the narration goes on."
    )
    assert quotations(text) == [
        "We will not give up on this bill, whatever happens.",
        "Another statement long enough to count here,",
        "Wir werden das Gesetz nicht aufgeben, egal was passiert",
        "Ein Zitat in Chevrons, lang genug für die Regel",
        "Nous ne renoncerons jamais à ce projet de loi, quoi qu’il arrive",
        "Curly quotes of English newspapers count as well as straight ones",
        "A quotation over two paragraphs opens both of them,",
        "and closes only at the end of the last one.",
    ]


def test_two_reports_quoting_one_statement_share_passages_and_footers_share_none() -> None:
    left = f'The minister told parliament: "{STATEMENT}." Critics called it a stunt. {FOOTER}'
    right = f"“{STATEMENT},” the finance minister said on Tuesday, to applause from his party. {FOOTER}"
    other = f'"Nobody in this chamber has ever seen a deficit this large in peacetime," she said. {FOOTER}'
    a, b, c = quote_passages(left), quote_passages(right), quote_passages(other)
    assert len(set(a) & set(b)) >= 2  # the same windows are kept in both (the sample is by hash)
    assert not set(a) & set(c)  # the footer is outside any quotation
    assert quote_passages(FOOTER) == ()
    assert list(a) == sorted(a)
    long_quote = '"' + " ".join(f"w{i}" for i in range(450)) + '"'
    assert len(quote_passages(long_quote)) == MAX_PASSAGES


def test_only_passages_no_other_candidate_story_shares_count_and_one_story_must_stand_out() -> None:
    shared = shared_passages([1, 2, 3, 4], {"a": [1, 2, 3, 9], "b": [3, 8], "c": [7]})
    assert shared == {"a": 2}  # 3 is in a and b: common phrasing; c shares nothing
    assert quote_choice(shared, 2) == "a"
    assert quote_choice(shared, 3) is None
    assert quote_choice({"a": 2, "b": 2}, 2) is None  # two stories quote it: neither
    assert quote_choice(shared, 0) is None  # the rule switched off


def enricher(store: TableLike) -> Enricher:
    return Enricher(Settings(), engine=DictionaryEngine(ENGLISH_NAMES, capitalised=True), story_store=store)


async def test_reports_worded_apart_that_quote_one_statement_join_one_story_and_redelivery_is_idempotent() -> None:
    store = TableLike()
    e = enricher(store)
    first = article(
        "Pension cuts rejected",
        f'The opposition leader rejected the spending plan on Monday. "{STATEMENT}," he told reporters outside '
        "the assembly, where protesters had gathered since dawn with banners and drums.",
    )
    second = article(
        "Budget row deepens as retirees rally",
        "Thousands of retirees marched through the capital as the coalition quarrel over the spending plan "
        f"widened. “{STATEMENT}”, the leader of the largest opposition group said. Markets shrugged.",
    )
    unrelated = article(
        "Harbour reopens after storm",
        '"The harbour will reopen on Friday once the divers have checked the piers and the cranes," the port '
        "authority said. Fishing boats waited offshore.",
    )
    a, b, c = [await e.enrich(raw) for raw in (first, second, unrelated)]
    assert b.story_id == a.story_id == a.article_id
    assert c.story_id == c.article_id
    assert (await e.enrich(second)).story_id == a.story_id  # redelivery: the stored decision
    off = enricher(TableLike())
    off.stories.thresholds = type(off.stories.thresholds)(quotes=0)
    x, y = [await off.enrich(raw) for raw in (first, second)]
    assert y.story_id != x.story_id  # without the quote rule the two reports share too few words
