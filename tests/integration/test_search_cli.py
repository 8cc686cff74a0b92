"""`newsingest search` and `newsingest serve` as real processes on the two samples."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from newsingest.config import Settings
from newsingest.models import EnrichedArticle
from tests.e2e.support import delete_namespace, index_articles, sample_articles, start_server
from tests.integration.harness import isolated_settings, settings_env

NEWSINGEST = str(Path(sys.executable).with_name("newsingest"))


@pytest.fixture(scope="module")
def articles(samples_dir: Path) -> list[EnrichedArticle]:
    return sample_articles(samples_dir)


@pytest.fixture(scope="module")
def indexed(stack: Settings, tmp_path_factory: pytest.TempPathFactory,
            articles: list[EnrichedArticle]) -> Iterator[Settings]:
    settings = isolated_settings(stack, tmp_path_factory.mktemp("cli"))
    index_articles(settings, articles)
    yield settings
    delete_namespace(settings)


def run(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([NEWSINGEST, "search", *args], env=settings_env(settings), capture_output=True, text=True,
                          timeout=60)


def test_search_json_with_filters(indexed: Settings, articles: list[EnrichedArticle]) -> None:
    done = run(indexed, "Gipfeltreffen", "--lang", "de", "--person", "WLADIMIR PUTIN", "--place", "moskau",
               "--source", "Reuters", "--since", "2023-09-01", "--until", "2023-09-30", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["total"] == 1
    assert result["hits"][0]["id"] == next(a.article_id for a in articles if a.source == "Reuters")
    assert "<mark>Gipfeltreffen</mark>" in " ".join(result["hits"][0]["snippets"])
    assert {b["display"] for b in result["facets"]["person"]} == {"Kim Jong Un", "Wladimir Putin"}


def test_search_plain_output_pages_and_story(indexed: Settings, articles: list[EnrichedArticle]) -> None:
    first = run(indexed, "Putin", "--org", "kreml", "--sort", "date", "--size", "1")
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("2 articles")
    assert "«Putin»" in first.stdout
    token = first.stdout.split("--after ")[1].split()[0]
    second = run(indexed, "Putin", "--org", "kreml", "--sort", "date", "--size", "1", "--after", token)
    assert second.returncode == 0, second.stderr
    assert "next page" not in second.stdout
    titles = {a.title for a in articles}
    shown = [line for line in (first.stdout + second.stdout).splitlines() if line.replace("«", "").replace("»", "")
             in titles]
    assert len(shown) == 2
    story = run(indexed, "--story", articles[0].story_id or "", "--json")
    assert json.loads(story.stdout)["total"] == 2


def test_search_bad_query_exits_2_with_the_reason(indexed: Settings) -> None:
    done = run(indexed, "Putin AND (")
    assert done.returncode == 2
    assert "Failed to parse query" in done.stderr
    assert run(indexed, "x", "--since", "last tuesday").returncode == 2


def test_serve_with_an_api_key(indexed: Settings, tmp_path: Path) -> None:
    server, url = start_server(indexed.model_copy(update={"api_key": SecretStr("k3y")}), tmp_path / "serve.log")
    try:
        assert httpx.get(f"{url}/api/search", params={"q": "Putin"}).status_code == 401
        answer = httpx.get(f"{url}/api/search", params={"q": "Putin"}, headers={"X-API-Key": "k3y"})
        assert answer.status_code == 200
        assert answer.json()["total"] == 2
        assert httpx.get(f"{url}/").status_code == 200
        assert "/api/search" in httpx.get(f"{url}/openapi.json").json()["paths"]
    finally:
        assert server.stop() in (0, -15)  # uvicorn shuts down gracefully, then re-raises SIGTERM
