"""The story view in headless Chromium: "More from this story" opens the story (its label, never its id, and the
timeline of its articles oldest first); the story facet and the filter chip show the label; the Stories list
(#stories) lists it and leads back to it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from newsingest.config import Settings
from newsingest.models import EnrichedArticle
from tests.e2e.support import delete_namespace, index_articles, sample_articles, start_server
from tests.integration.harness import isolated_settings


@pytest.fixture
def articles(samples_dir: Path) -> list[EnrichedArticle]:
    return sample_articles(samples_dir)


@pytest.fixture
def site(stack: Settings, tmp_path: Path, articles: list[EnrichedArticle]) -> Iterator[str]:
    settings = isolated_settings(stack, tmp_path)
    index_articles(settings, articles)
    server, url = start_server(settings, tmp_path / "serve.log")
    try:
        yield url
    finally:
        server.stop()
        delete_namespace(settings)


def wait_for_story(browser: webdriver.Chrome, story: str) -> None:
    WebDriverWait(browser, 20).until(
        lambda b: b.find_element(By.ID, "story-view").get_attribute("data-story") == story
        and b.find_element(By.ID, "story-view").is_displayed(),
        message="the story view",
    )


def test_more_from_this_story_opens_the_story_view(browser: webdriver.Chrome, site: str, tmp_path: Path,
                                                   articles: list[EnrichedArticle]) -> None:
    story, label = articles[0].story_id, articles[0].story_label
    assert story is not None
    assert label
    browser.get(f"{site}/")
    WebDriverWait(browser, 20).until(lambda b: len(b.find_elements(By.CSS_SELECTOR, "#results .result")) == 2)
    assert not browser.find_element(By.ID, "story-view").is_displayed()
    facet = browser.find_element(By.CSS_SELECTOR, f'section[data-facet="story"] button[data-value="{story}"]')
    assert facet.text.splitlines()[0] == label  # the label, never the id
    assert story not in facet.text

    browser.find_element(By.CSS_SELECTOR, "#results .result .story").click()  # more from this story
    wait_for_story(browser, story)
    view = browser.find_element(By.ID, "story-view")
    assert view.find_element(By.TAG_NAME, "h2").text == label
    assert "2 articles" in view.find_element(By.CSS_SELECTOR, ".meta").text
    assert {t.text for t in view.find_elements(By.CSS_SELECTOR, ".tag.person")} == {"Kim Jong Un", "Wladimir Putin"}
    entries = view.find_elements(By.CSS_SELECTOR, ".timeline li")
    by_date = sorted(articles, key=lambda a: (a.published_at or a.provenance.received_at, a.article_id))
    assert [e.get_attribute("data-id") for e in entries] == [a.article_id for a in by_date]
    assert [e.find_element(By.CSS_SELECTOR, "a, span").text for e in entries] == [a.title for a in by_date]
    browser.save_screenshot(str(tmp_path / "story.png"))
    chip = browser.find_element(By.CSS_SELECTOR, '#chips .chip[data-facet="story"]')
    assert label in chip.text
    assert story[:10] not in chip.text

    browser.find_element(By.ID, "nav-stories").click()  # the stories list
    WebDriverWait(browser, 20).until(
        lambda b: b.find_element(By.ID, "stories-status").get_attribute("data-count") == "1", message="stories")
    assert not browser.find_element(By.ID, "results").is_displayed()
    card = browser.find_element(By.CSS_SELECTOR, f'#stories-list li[data-story="{story}"]')
    browser.save_screenshot(str(tmp_path / "stories.png"))
    assert "2 articles" in card.text
    card.find_element(By.CSS_SELECTOR, "h2 a").click()
    wait_for_story(browser, story)
    assert browser.find_element(By.CSS_SELECTOR, "#story-view h2").text == label
    assert not browser.find_element(By.ID, "stories").is_displayed()
