"""The alerts page in headless Chromium, with the match produced by hand: "Save this search as an alert" turns the
page's query and filters into a rule; the Alerts view lists it; an AlertMatch put on the isolated news.alerts
topic (as the indexer's matching will) appears in the live panel via Server-Sent Events, raises the rule's match
and unread counts, and opening the rule marks it read. (The drop-a-file-into-the-inbox variant needs the
indexer's matching hook.)"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from newsingest.config import Settings
from newsingest.models import EnrichedArticle
from tests.e2e.support import delete_namespace, index_articles, sample_articles, start_server
from tests.integration.alert_support import alert_match, produce_matches
from tests.integration.harness import isolated_settings


@pytest.fixture
def articles(samples_dir: Path) -> list[EnrichedArticle]:
    return sample_articles(samples_dir)


@pytest.fixture
def site(stack: Settings, tmp_path: Path, articles: list[EnrichedArticle]) -> Iterator[tuple[Settings, str]]:
    from newsingest_devtools.sandbox import remove_namespace

    settings = isolated_settings(stack, tmp_path)
    index_articles(settings, articles)
    server, url = start_server(settings, tmp_path / "serve.log")
    try:
        yield settings, url
    finally:
        server.stop()
        delete_namespace(settings)
        remove_namespace(settings)


def has_rule(browser: webdriver.Chrome, rule_id: str) -> bool:
    return bool(browser.find_elements(By.CSS_SELECTOR, f'#alerts-list li[data-alert="{rule_id}"]'))


def alert_count(browser: webdriver.Chrome) -> str | None:
    return browser.find_element(By.ID, "alerts-status").get_attribute("data-count")


def rule_item(browser: webdriver.Chrome, rule_id: str) -> webdriver.remote.webelement.WebElement:
    return browser.find_element(By.CSS_SELECTOR, f'#alerts-list li[data-alert="{rule_id}"]')


def rule_attribute(browser: webdriver.Chrome, rule_id: str, name: str) -> str | None:
    """Read in one script call: the list is re-rendered whenever a rule or a count changes, so an element found
    in one call may be gone by the next."""
    value = browser.execute_script(
        "const li = document.querySelector(`#alerts-list li[data-alert='${arguments[0]}']`);"
        "return li ? li.getAttribute(arguments[1]) : null;",
        rule_id,
        name,
    )
    return value if isinstance(value, str) else None


def click_in_rule(browser: webdriver.Chrome, rule_id: str, css: str) -> None:
    """Click a control of the rule's list item, finding it again if a re-render replaced it mid-way."""

    def click(b: webdriver.Chrome) -> bool:
        rule_item(b, rule_id).find_element(By.CSS_SELECTOR, css).click()
        return True

    WebDriverWait(browser, 20, ignored_exceptions=(StaleElementReferenceException,)).until(click)


def test_saved_search_alert_shows_a_produced_match_live(
    browser: webdriver.Chrome, site: tuple[Settings, str], tmp_path: Path, articles: list[EnrichedArticle]
) -> None:
    settings, url = site
    browser.get(f"{url}/?q=Gipfeltreffen&person={quote('kim jong un')}&lang=de&since=2023-01-01")
    WebDriverWait(browser, 20).until(lambda b: b.find_elements(By.CSS_SELECTOR, "#results .result"))
    browser.find_element(By.ID, "save-alert").click()
    assert "since" in browser.find_element(By.ID, "save-alert-note").text  # dates are not kept in an alert
    name = browser.find_element(By.ID, "save-alert-name")
    name.clear()
    name.send_keys("Gipfel mit Kim")
    browser.find_element(By.CSS_SELECTOR, "#save-alert-form button[type=submit]").click()
    WebDriverWait(browser, 20).until(
        lambda b: b.find_element(By.ID, "save-alert-status").get_attribute("data-alert"), message="the saved alert"
    )
    rule_id = browser.find_element(By.ID, "save-alert-status").get_attribute("data-alert")
    assert rule_id
    stored = httpx.get(f"{url}/api/alerts/{rule_id}", timeout=10).json()
    assert stored["name"] == "Gipfel mit Kim"
    assert stored["query"] == "Gipfeltreffen"
    assert stored["filters"] == {"person": ["kim jong un"], "lang": ["de"]}

    browser.find_element(By.ID, "nav-alerts").click()
    WebDriverWait(browser, 20).until(lambda b: has_rule(b, rule_id))
    assert not browser.find_element(By.ID, "results").is_displayed()
    assert rule_attribute(browser, rule_id, "data-matches") == "0"
    WebDriverWait(browser, 20).until(
        lambda b: b.find_element(By.ID, "alerts-live-status").get_attribute("data-state") == "open", message="SSE"
    )

    article = next(a for a in articles if "Gipfeltreffen" in a.body)
    produce_matches(settings, [alert_match(rule_id, "Gipfel mit Kim", article)])
    WebDriverWait(browser, 30).until(
        lambda b: b.find_elements(By.CSS_SELECTOR, f'#alerts-live li[data-alert="{rule_id}"]'), message="the match"
    )
    live = browser.find_element(By.CSS_SELECTOR, f'#alerts-live li[data-alert="{rule_id}"]')
    assert live.get_attribute("data-article") == article.article_id
    assert article.title in live.text
    assert "Gipfel mit Kim" in live.text
    assert rule_attribute(browser, rule_id, "data-matches") == "1"
    assert rule_attribute(browser, rule_id, "data-unread") == "1"
    assert browser.find_element(By.ID, "alerts-unread").text == "1"
    browser.save_screenshot(str(tmp_path / "alerts.png"))

    click_in_rule(browser, rule_id, ".alert-name")  # opening marks it read
    WebDriverWait(browser, 20).until(lambda b: rule_attribute(b, rule_id, "data-unread") == "0")
    WebDriverWait(browser, 20).until(lambda b: "articles in the index" in b.find_element(By.ID, "alert-matches").text)
    assert not browser.find_element(By.ID, "alerts-unread").is_displayed()
    browser.refresh()  # read state survives a reload (localStorage); the count comes from news.alerts
    WebDriverWait(browser, 20).until(lambda b: has_rule(b, rule_id))
    WebDriverWait(browser, 20).until(lambda b: rule_attribute(b, rule_id, "data-matches") == "1")
    assert rule_attribute(browser, rule_id, "data-unread") == "0"

    click_in_rule(browser, rule_id, "input[type=checkbox]")  # disable
    WebDriverWait(browser, 20).until(
        lambda b: httpx.get(f"{url}/api/alerts/{rule_id}", timeout=10).json()["enabled"] is False
    )
    click_in_rule(browser, rule_id, ".alert-delete")
    WebDriverWait(browser, 20).until(lambda b: not has_rule(b, rule_id))
    assert httpx.get(f"{url}/api/alerts/{rule_id}", timeout=10).status_code == 404


def test_watchlist_upload_on_the_page(browser: webdriver.Chrome, site: tuple[Settings, str], tmp_path: Path) -> None:
    _, url = site
    csv = tmp_path / "names.csv"
    csv.write_text("name,type\nWladimir Putin,person\n=1+1\nSeoul\n", encoding="utf-8")
    browser.get(f"{url}/#alerts")
    WebDriverWait(browser, 20).until(lambda b: alert_count(b) == "0")
    browser.find_element(By.ID, "watchlist-file").send_keys(str(csv))
    browser.find_element(By.CSS_SELECTOR, "#watchlist-form button[type=submit]").click()
    WebDriverWait(browser, 30).until(
        lambda b: b.find_element(By.ID, "watchlist-status").get_attribute("data-created") == "2", message="upload"
    )
    report = browser.find_element(By.ID, "watchlist-status").text
    assert "2 rules created, 1 lines refused" in report
    assert "watchlist: Wladimir Putin: 2 past matches" in report
    assert "line 3: looks like a spreadsheet formula" in report
    WebDriverWait(browser, 20).until(lambda b: alert_count(b) == "2")


def test_live_panel_with_an_api_key(
    browser: webdriver.Chrome, stack: Settings, tmp_path: Path, articles: list[EnrichedArticle]
) -> None:
    """With an API key the page asks for it, then passes it to the event stream as ?key= (EventSource cannot
    send headers)."""
    from pydantic import SecretStr

    from newsingest_devtools.sandbox import remove_namespace

    settings = isolated_settings(stack, tmp_path, api_key=SecretStr("k3y-e2e"))
    index_articles(settings, articles)
    server, url = start_server(settings, tmp_path / "serve.log")
    try:
        created = httpx.post(
            f"{url}/api/alerts",
            json={"name": "Putin", "filters": {"person": ["wladimir putin"]}},
            headers={"X-API-Key": "k3y-e2e"},
            timeout=30,
        )
        assert created.status_code == 201, created.text
        rule_id = created.json()["id"]
        browser.get(f"{url}/#alerts")
        WebDriverWait(browser, 20).until(lambda b: b.find_element(By.ID, "key-box").is_displayed())
        browser.find_element(By.ID, "api-key").send_keys("k3y-e2e")
        browser.find_element(By.CSS_SELECTOR, "#key-form button[type=submit]").click()
        WebDriverWait(browser, 20).until(lambda b: has_rule(b, rule_id))
        WebDriverWait(browser, 20).until(
            lambda b: b.find_element(By.ID, "alerts-live-status").get_attribute("data-state") == "open", message="SSE"
        )
        produce_matches(settings, [alert_match(rule_id, "Putin", articles[1])])
        WebDriverWait(browser, 30).until(
            lambda b: b.find_elements(By.CSS_SELECTOR, f'#alerts-live li[data-article="{articles[1].article_id}"]'),
            message="the match",
        )
        assert rule_attribute(browser, rule_id, "data-unread") == "1"
    finally:
        server.stop()
        delete_namespace(settings)
        remove_namespace(settings)


def test_a_search_saved_as_an_alert_sees_a_dropped_article_arrive(
    browser: webdriver.Chrome, stack: Settings, tmp_path: Path, samples_dir: Path
) -> None:
    """End to end: the page saves a search as an alert while ``newsingest run`` watches the inbox; a sample
    dropped afterwards is enriched, indexed, matched by the indexer and appears in the live panel."""
    from newsingest.ingest.formats.base import SourceFile
    from newsingest.ingest.formats.registry import parse_file
    from newsingest_devtools.sandbox import remove_namespace
    from tests.integration.harness import PipelineProcess, drop, wait_for

    settings = isolated_settings(stack, tmp_path, ner_enabled=False)
    settings.inbox_dir.mkdir(parents=True)
    pipeline = PipelineProcess(settings, tmp_path / "run.log").start()
    server, url = start_server(settings, tmp_path / "serve.log")
    try:
        wait_for(lambda: "indexer started" in pipeline.log(), 120, "the indexer", pipeline.log)
        browser.get(f"{url}/?q=Wladiwostok&lang=de")
        WebDriverWait(browser, 20).until(lambda b: b.find_element(By.ID, "save-alert").is_displayed())
        browser.find_element(By.ID, "save-alert").click()
        name = browser.find_element(By.ID, "save-alert-name")
        name.clear()
        name.send_keys("Wladiwostok")
        browser.find_element(By.CSS_SELECTOR, "#save-alert-form button[type=submit]").click()
        WebDriverWait(browser, 20).until(
            lambda b: b.find_element(By.ID, "save-alert-status").get_attribute("data-alert"), message="saved alert"
        )
        rule_id = browser.find_element(By.ID, "save-alert-status").get_attribute("data-alert")
        browser.find_element(By.ID, "nav-alerts").click()
        WebDriverWait(browser, 20).until(
            lambda b: b.find_element(By.ID, "alerts-live-status").get_attribute("data-state") == "open",
            message="the event stream",
        )
        sample = sorted(samples_dir.glob("*.txt"))[0]
        article = parse_file(SourceFile(name=sample.name, data=sample.read_bytes()))[0]
        drop([sample], settings.inbox_dir)
        WebDriverWait(browser, 120).until(
            lambda b: b.find_elements(By.CSS_SELECTOR, f'#alerts-live li[data-alert="{rule_id}"]'),
            message="the dropped article in the live panel",
        )
        live = browser.find_element(By.CSS_SELECTOR, f'#alerts-live li[data-alert="{rule_id}"]')
        assert live.get_attribute("data-article") == article.article_id
        assert article.title in live.text
        WebDriverWait(browser, 20).until(lambda b: rule_attribute(b, rule_id, "data-matches") == "1")
    finally:
        server.stop()
        pipeline.stop()
        delete_namespace(settings)
        remove_namespace(settings)
