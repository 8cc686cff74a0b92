"""The page's Ingest view in a real browser: the status of an isolated namespace with a failed file, refreshing
itself (a file set aside after the page was opened appears without a reload)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from newsingest.config import Settings
from newsingest.models import utcnow
from newsingest_devtools.sandbox import isolated_settings, remove_namespace
from tests.e2e.support import start_server


def set_aside(settings: Settings, name: str) -> None:
    (settings.failed_path / name).write_text("Title\n\nBody.")
    record = {"file": name, "stage": "parse", "code": "bad_markup", "reason": f"{name} is broken", "detail": {},
              "size": 13, "failed_at": utcnow().isoformat()}
    (settings.failed_path / f"{name}.error.json").write_text(json.dumps(record))


@pytest.fixture
def site(stack: Settings, tmp_path: Path) -> Iterator[tuple[Settings, str]]:
    settings = isolated_settings(stack, tmp_path)
    for folder in (settings.inbox_dir, settings.failed_path, settings.processed_path):
        folder.mkdir(parents=True)
    server, url = start_server(settings, tmp_path / "serve.log")
    try:
        yield settings, url
    finally:
        server.stop()
        remove_namespace(settings)


def test_the_ingest_view_shows_the_status_and_refreshes(browser: webdriver.Chrome,
                                                        site: tuple[Settings, str]) -> None:
    settings, url = site
    set_aside(settings, "first.xml")
    (settings.inbox_dir / "waiting.txt").write_text("Title\n\nBody.")
    browser.get(f"{url}/#ingest")
    wait = WebDriverWait(browser, 30)
    wait.until(lambda b: "first.xml is broken" in b.find_element(By.ID, "ingest-failures").text)
    assert browser.find_element(By.ID, "ingest-waiting").text == "1"
    assert not browser.find_element(By.ID, "results").is_displayed()  # the search view is hidden
    assert "parse/bad_markup: 1" in browser.find_element(By.ID, "ingest-reasons").text
    assert [c.text for c in browser.find_elements(By.CSS_SELECTOR, "#ingest-stages tbody td:first-child")] == [
        "produce", "enrich", "index"]
    set_aside(settings, "second.xml")
    wait.until(lambda b: "second.xml is broken" in b.find_element(By.ID, "ingest-failures").text)
    assert browser.find_element(By.ID, "ingest-failed").text == "2 / 2"
    browser.find_element(By.ID, "nav-search").click()
    wait.until(lambda b: not b.find_element(By.ID, "ingest").is_displayed())
