"""Stories against the real Elasticsearch: ``GET /api/stories`` (latest, growing), ``GET /api/stories/{id}``
with its timeline, 400/401/404, and ``newsingest stories`` / ``stories show`` as real processes."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from newsingest.config import Settings
from newsingest.models import EnrichedArticle, Entity, EntityType, Provenance
from newsingest.web.api import create_api
from tests.e2e.support import delete_namespace, index_articles, sample_articles
from tests.integration.harness import isolated_settings, settings_env

NEWSINGEST = str(Path(sys.executable).with_name("newsingest"))
NOW = datetime.now(UTC).replace(microsecond=0)
BUDGET = "b" * 64  # the recent story's id (its first article's id)
LABEL = "Coalition agrees on the 2027 budget after all-night talks"


def _article(key: str, title: str, hours_ago: float, *, source: str, language: str = "en",
             story: str | None = BUDGET, label: str | None = LABEL) -> EnrichedArticle:
    moment = NOW - timedelta(hours=hours_ago)
    return EnrichedArticle(
        article_id=key * 64, title=title, body=f"{title}. The finance minister spoke to reporters.",
        language=language, language_confidence=0.99, published_at=moment, source=source,
        entities=[Entity(name="Christian Lindner", type=EntityType.PERSON, count=2),
                  Entity(name="Bundestag", type=EntityType.ORGANISATION, count=1)],
        word_count=12, story_id=story, story_label=label, pipeline_version="test",
        provenance=Provenance(file_name=f"{key}.txt", file_sha256="0" * 64, file_size=1, media_type="text/plain",
                              format="text", received_at=moment + timedelta(minutes=5)),
    )


BUDGET_STORY = [
    _article("b", "Budget talks resume in Berlin", 30, source="dpa", language="de", label="Budget talks resume"),
    _article("c", LABEL, 2, source="Reuters"),
    _article("e", "Opposition criticises the budget deal", 1, source="AP"),
]
SINGLE = _article("f", "Local election results", 3, source="AP", story="f" * 64, label="Local election results")


@pytest.fixture(scope="module")
def samples(samples_dir: Path) -> list[EnrichedArticle]:
    return sample_articles(samples_dir)


@pytest.fixture(scope="module")
def indexed(stack: Settings, tmp_path_factory: pytest.TempPathFactory,
            samples: list[EnrichedArticle]) -> Iterator[Settings]:
    settings = isolated_settings(stack, tmp_path_factory.mktemp("stories"))
    index_articles(settings, [*samples, *BUDGET_STORY, SINGLE])
    yield settings
    delete_namespace(settings)


@pytest.fixture(scope="module")
def client(indexed: Settings) -> Iterator[TestClient]:
    with TestClient(create_api(indexed)) as test_client:
        yield test_client


def test_latest_stories_with_label_dates_sources_and_entities(client: TestClient,
                                                              samples: list[EnrichedArticle]) -> None:
    response = client.get("/api/stories")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["sort"] == "latest"
    assert body["hours"] is None
    stories = body["stories"]
    assert [s["id"] for s in stories] == [BUDGET, samples[0].story_id]  # newest first; a single article is no story
    budget, summit = stories
    assert budget["label"] == LABEL  # the latest ingested article's label, not the first one's
    assert budget["articles"] == 3
    assert budget["recent"] is None
    assert datetime.fromisoformat(budget["first_seen"]) == NOW - timedelta(hours=30)
    assert datetime.fromisoformat(budget["last_seen"]) == NOW - timedelta(hours=1)
    assert {v["value"] for v in budget["sources"]} == {"dpa", "Reuters", "AP"}
    assert {v["value"]: v["count"] for v in budget["languages"]} == {"en": 2, "de": 1}
    assert budget["persons"] == [{"value": "Christian Lindner", "count": 3}]
    assert budget["organisations"] == [{"value": "Bundestag", "count": 3}]
    assert summit["label"] == samples[0].title  # the real headline, not the one derived from 001's text
    assert summit["articles"] == 2
    assert {v["value"] for v in summit["places"]} >= {"Wladiwostok", "Seoul"}
    assert {v["value"] for v in summit["persons"]} == {"Kim Jong Un", "Wladimir Putin"}
    singles = client.get("/api/stories", params={"min_articles": 1}).json()["stories"]
    assert {s["id"] for s in singles} == {BUDGET, samples[0].story_id, "f" * 64}


def test_growing_stories_count_the_articles_of_the_period(client: TestClient) -> None:
    body = client.get("/api/stories", params={"sort": "growing"}).json()
    assert body["hours"] == 24
    assert [(s["id"], s["recent"], s["articles"]) for s in body["stories"]] == [(BUDGET, 2, 3)]
    wider = client.get("/api/stories", params={"sort": "growing", "hours": 48, "min_articles": 1}).json()
    assert [(s["id"], s["recent"]) for s in wider["stories"]] == [(BUDGET, 3), ("f" * 64, 1)]
    latest_recent = client.get("/api/stories", params={"hours": 2, "min_articles": 1}).json()["stories"]
    assert [s["id"] for s in latest_recent] == [BUDGET]


def test_one_story_with_its_timeline(client: TestClient, samples: list[EnrichedArticle]) -> None:
    response = client.get(f"/api/stories/{BUDGET}")
    assert response.status_code == 200, response.text
    story = response.json()
    assert story["label"] == LABEL
    assert story["articles"] == 3
    timeline = story["timeline"]
    assert [entry["id"] for entry in timeline] == [a.article_id for a in BUDGET_STORY]  # oldest first
    assert [entry["source"] for entry in timeline] == ["dpa", "Reuters", "AP"]
    assert [entry["language"] for entry in timeline] == ["de", "en", "en"]
    assert timeline[0]["title"] == "Budget talks resume in Berlin"
    summit = client.get(f"/api/stories/{samples[0].story_id}").json()
    assert summit["label"] == samples[0].title
    assert {entry["id"] for entry in summit["timeline"]} == {a.article_id for a in samples}


@pytest.mark.parametrize("path", [
    "/api/stories?sort=biggest", "/api/stories?hours=0", "/api/stories?hours=abc", "/api/stories?size=0",
    "/api/stories?size=101", "/api/stories?min_articles=0", "/api/stories/not-a-story-id",
    f"/api/stories/{'A' * 64}", f"/api/stories/{'a' * 65}",
])  # fmt: skip
def test_bad_parameters_are_400_with_a_reason(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 400, response.text
    assert response.json()["detail"]


def test_unknown_story_is_404(client: TestClient) -> None:
    response = client.get(f"/api/stories/{'0' * 64}")
    assert response.status_code == 404
    assert "no story" in response.json()["detail"]


def test_the_api_key_protects_the_stories(indexed: Settings) -> None:
    settings = indexed.model_copy(update={"api_key": SecretStr("s3cret")})
    with TestClient(create_api(settings)) as client:
        assert client.get("/api/stories").status_code == 401
        assert client.get(f"/api/stories/{BUDGET}").status_code == 401
        assert client.get("/api/stories", headers={"X-API-Key": "wrong"}).status_code == 401
        assert client.get(f"/api/stories/{BUDGET}", headers={"X-API-Key": "s3cret"}).status_code == 200


def test_search_facet_shows_the_story_label(client: TestClient) -> None:
    buckets = client.get("/api/search").json()["facets"]["story"]
    assert {b["value"]: b["display"] for b in buckets}[BUDGET] == LABEL


def run(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([NEWSINGEST, "stories", *args], env=settings_env(settings), capture_output=True,
                          text=True, timeout=60)


def test_cli_lists_and_shows_stories(indexed: Settings, samples: list[EnrichedArticle]) -> None:
    listed = run(indexed, "--sort", "growing", "--hours", "24", "--json")
    assert listed.returncode == 0, listed.stderr
    assert [s["id"] for s in json.loads(listed.stdout)["stories"]] == [BUDGET]
    plain = run(indexed)
    assert plain.returncode == 0, plain.stderr
    assert plain.stdout.startswith("2 latest stories")
    assert plain.stdout.index(LABEL) < plain.stdout.index(samples[0].title)
    assert "3 articles" in plain.stdout
    shown = run(indexed, "show", BUDGET)
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0] == LABEL
    timeline = [line for line in lines if "(dpa" in line or "(Reuters" in line or "(AP" in line]
    assert [line.split("  ")[2] for line in timeline] == [a.title for a in BUDGET_STORY]
    as_json = run(indexed, "show", BUDGET, "--json")
    assert json.loads(as_json.stdout)["articles"] == 3
    assert run(indexed, "show", "0" * 64).returncode == 1
    bad = run(indexed, "show", "nope")
    assert bad.returncode == 2
    assert "invalid story id" in bad.stderr
    assert run(indexed, "--hours", "0").returncode == 2
