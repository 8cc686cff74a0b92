"""The search page in headless Chromium: type a query, see highlighted results, click a facet and see the
result list change, remove the filter, follow "more from this story". Saves a screenshot (committed as
docs/screenshot-search.png when NEWSINGEST_UPDATE_SCREENSHOT=1)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from newsingest.config import Settings
from newsingest.models import EnrichedArticle
from tests.conftest import REPO
from tests.e2e.support import delete_namespace, index_articles, sample_articles, start_server
from tests.integration.harness import isolated_settings

SCREENSHOT = REPO / "docs" / "screenshot-search.png"


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


def results(browser: webdriver.Chrome) -> list[WebElement]:
    return browser.find_elements(By.CSS_SELECTOR, "#results .result")


def wait_for_total(browser: webdriver.Chrome, total: int) -> None:
    WebDriverWait(browser, 20).until(
        lambda b: b.find_element(By.ID, "status").get_attribute("data-total") == str(total)
        and len(results(b)) == total
        and not b.find_element(By.ID, "status").text.endswith("…"),
        message=f"{total} results",
    )


def facet_button(browser: webdriver.Chrome, facet: str, value: str) -> WebElement:
    return browser.find_element(By.CSS_SELECTOR, f'section[data-facet="{facet}"] button[data-value="{value}"]')


def test_query_facet_and_story_in_a_real_browser(browser: webdriver.Chrome, site: str, tmp_path: Path,
                                                 articles: list[EnrichedArticle]) -> None:
    browser.get(f"{site}/")
    wait_for_total(browser, 2)  # empty query: every article

    box = browser.find_element(By.ID, "q")
    box.send_keys("Gipfeltreffen", Keys.ENTER)
    wait_for_total(browser, 1)
    assert "q=Gipfeltreffen" in browser.current_url
    marks = [m.text for m in browser.find_elements(By.CSS_SELECTOR, "#results .snippet mark")]
    assert marks
    assert {m.lower() for m in marks} == {"gipfeltreffen"}

    box = browser.find_element(By.ID, "q")
    box.clear()
    box.send_keys("Putin", Keys.ENTER)
    wait_for_total(browser, 2)
    assert browser.find_elements(By.CSS_SELECTOR, "#histogram rect")
    persons = browser.find_element(By.CSS_SELECTOR, 'section[data-facet="person"]').text
    assert "Wladimir Putin" in persons  # display form, not the lowercase bucket key
    browser.save_screenshot(str(tmp_path / "search.png"))
    if os.environ.get("NEWSINGEST_UPDATE_SCREENSHOT") == "1":
        shutil.copyfile(tmp_path / "search.png", SCREENSHOT)

    before = [r.get_attribute("data-id") for r in results(browser)]
    facet_button(browser, "source", "reuters").click()
    wait_for_total(browser, 1)
    after = [r.get_attribute("data-id") for r in results(browser)]
    assert after != before
    assert "source=reuters" in browser.current_url
    assert "active" in (facet_button(browser, "source", "reuters").get_attribute("class") or "")
    reuters = next(a for a in articles if a.source == "Reuters")
    assert after == [reuters.article_id]

    browser.find_element(By.CSS_SELECTOR, '#chips .chip[data-facet="source"]').click()  # remove the filter
    wait_for_total(browser, 2)

    browser.find_element(By.CSS_SELECTOR, "#results .result .story").click()  # more from this story
    WebDriverWait(browser, 20).until(lambda b: "story=" in b.current_url, message="story view")
    wait_for_total(browser, 2)
    assert browser.find_element(By.ID, "q").get_attribute("value") == ""
    assert browser.find_element(By.ID, "sort").get_attribute("value") == "date"

    browser.back()  # the URL holds the state: back to the query
    wait_for_total(browser, 2)
    assert browser.find_element(By.ID, "q").get_attribute("value") == "Putin"
