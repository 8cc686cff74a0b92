"""How the story index picks a story among its candidates (StoryIndex._choose): the threshold, the margin, a
weaker fit that stands out from the rest (ratio), and an article in another language that names the same
specific entities as a story (cross-language)."""

from __future__ import annotations

from newsingest.enrich.stories import StoryIndex, Thresholds
from tests.fixtures.enrich.articles import TableLike


def choose(scores: dict[str, float], names: dict[str, float] | None = None, shared: set[str] | None = None,
           **thresholds: float) -> str | None:  # fmt: skip
    index = StoryIndex(TableLike(), window_hours=72.0, thresholds=Thresholds(**thresholds))  # type: ignore[arg-type]
    return index._choose(scores, names or {}, set(scores) if shared is None else shared)


def test_a_score_above_the_threshold_joins_when_it_leads_by_the_margin() -> None:
    assert choose({"a": 0.40, "b": 0.30}) == "a"
    assert choose({"a": 0.40, "b": 0.35}) is None  # two stories fit about as well: neither


def test_a_weaker_fit_joins_only_when_it_stands_out() -> None:
    assert choose({"a": 0.30}) == "a"  # the only candidate, above story_low
    assert choose({"a": 0.30, "b": 0.14}) == "a"  # more than twice the runner-up
    assert choose({"a": 0.30, "b": 0.20}) is None  # leads by the margin, but not twice the runner-up
    assert choose({"a": 0.22}) is None  # below story_low
    assert choose({"a": 0.30}, story_low=0.36) is None  # the rule switched off: story_low = story


def test_another_language_joins_the_story_naming_the_same_entities() -> None:
    # an English report of a German story: few shared words (not in ``shared``), the same places and persons
    assert choose({"de": 0.20, "en": 0.21}, {"de": 0.84, "en": 0.39}, shared={"en"}) == "de"
    # the entity match is weak, names too few entities (0.0), or does not lead the runner-up clearly
    assert choose({"de": 0.20}, {"de": 0.55}, shared=set()) is None
    assert choose({"de": 0.20}, {"de": 0.0}, shared=set()) is None
    assert choose({"de": 0.20, "x": 0.1}, {"de": 0.84, "x": 0.70}, shared=set()) is None
    # a story whose words the article shares is judged by its score alone
    assert choose({"de": 0.20, "en": 0.21}, {"de": 0.84, "en": 0.39}, shared={"de", "en"}) is None
