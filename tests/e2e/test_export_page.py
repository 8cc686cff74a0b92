"""The page's download links in headless Chromium: they carry the current query and filters, and clicking one
saves the whole result (plain link without an API key; fetched with the key header when the server needs one)."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from pydantic import SecretStr
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
def indexed(stack: Settings, tmp_path: Path, articles: list[EnrichedArticle]) -> Iterator[Settings]:
    settings = isolated_settings(stack, tmp_path)
    index_articles(settings, articles)
    yield settings
    delete_namespace(settings)


def _downloaded(folder: Path, suffix: str) -> Path:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        done = [p for p in folder.glob(f"*{suffix}") if p.stat().st_size > 0]
        if done:
            return done[0]
        time.sleep(0.2)
    raise AssertionError(f"no {suffix} file in {folder}: {list(folder.iterdir())}")


def _export_link(browser: webdriver.Chrome, url: str, fmt: str) -> webdriver.remote.webelement.WebElement:
    browser.get(url)
    WebDriverWait(browser, 20).until(lambda b: b.find_element(By.ID, "export").is_displayed(),
                                     message="the download links")
    return browser.find_element(By.ID, f"export-{fmt}")


@pytest.mark.parametrize("with_key", [False, True])
def test_download_the_whole_result(browser: webdriver.Chrome, indexed: Settings, tmp_path: Path,
                                   articles: list[EnrichedArticle], with_key: bool) -> None:
    settings = indexed.model_copy(update={"api_key": SecretStr("k3y")}) if with_key else indexed
    server, site = start_server(settings, tmp_path / "serve.log")
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    try:
        browser.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
        if with_key:
            browser.get(f"{site}/static/style.css")  # same origin, to set the key before the page runs
            browser.execute_script("localStorage.setItem('newsingest-api-key', 'k3y')")
        link = _export_link(browser, f"{site}/?q=Putin&person=wladimir+putin&sort=date", "csv")
        query = parse_qs(urlsplit(link.get_attribute("href")).query)
        assert query == {"q": ["Putin"], "person": ["wladimir putin"], "sort": ["date"], "format": ["csv"]}
        link.click()
        saved = _downloaded(downloads, ".csv")
        assert saved.name.startswith("newsingest-putin-")
        rows = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8"), newline="")))
        assert sorted(r["id"] for r in rows) == sorted(a.article_id for a in articles)
        assert "Wladimir Putin" in rows[0]["persons"]
        # no results: no links
        browser.get(f"{site}/?q=nothingmatchesthis")
        WebDriverWait(browser, 20).until(lambda b: b.find_element(By.ID, "status").get_attribute("data-total") == "0")
        assert not browser.find_element(By.ID, "export").is_displayed()
    finally:
        server.stop()
