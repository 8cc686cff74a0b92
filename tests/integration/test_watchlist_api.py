"""`POST /api/watchlists` against the real stack: a CSV body becomes one rule per name with its past matches
(typed names filter on their facet, untyped ones ask the three facets); bad lines come back with their numbers;
an empty or binary file is a 400, a too-big body a 413, another media type a 415; the API key guards it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from newsingest.alerts.watchlist import MAX_BYTES
from newsingest.config import Settings
from newsingest.models import EnrichedArticle
from newsingest.web.api import create_api
from tests.e2e.support import delete_namespace, index_articles, sample_articles
from tests.integration.harness import isolated_settings

CSV = {"content-type": "text/csv; charset=utf-8"}


@pytest.fixture(scope="module")
def articles(samples_dir: Path) -> list[EnrichedArticle]:
    return sample_articles(samples_dir)


@pytest.fixture(scope="module")
def settings(
    stack: Settings, tmp_path_factory: pytest.TempPathFactory, articles: list[EnrichedArticle]
) -> Iterator[Settings]:
    from newsingest_devtools.sandbox import remove_namespace

    isolated = isolated_settings(stack, tmp_path_factory.mktemp("watchlist-api"))
    index_articles(isolated, articles)
    yield isolated
    delete_namespace(isolated)
    remove_namespace(isolated)


def test_a_watchlist_creates_one_rule_per_name_with_past_matches(
    settings: Settings, articles: list[EnrichedArticle]
) -> None:
    body = "Wladimir Putin,person\r\nYonhap,org\r\nmoskau,place\r\nKim Jong Un\r\n@evil\r\nKreml,weapon\r\n"
    with TestClient(create_api(settings)) as client:
        answer = client.post("/api/watchlists?name_prefix=wl:%20", content=body.encode("utf-8-sig"), headers=CSV)
        assert answer.status_code == 201, answer.text
        report = answer.json()
        assert report["created"] == 4
        assert [(r["line"], r["reason"].split()[0]) for r in report["refused"]] == [(5, "looks"), (6, "unknown")]
        by_line = {r["line"]: r for r in report["rules"]}
        assert by_line[1]["rule"]["filters"] == {"person": ["Wladimir Putin"]}
        assert by_line[1]["past_matches"] == 2
        yonhap = next(a for a in articles if any(e.name == "Yonhap" for e in a.entities))
        assert by_line[2]["past_matches"] == 1
        assert [h["id"] for h in by_line[2]["first_hits"]] == [yonhap.article_id]
        assert by_line[2]["first_hits"][0]["title"] == yonhap.title
        moscow = [a for a in articles if any(p.name == "Moskau" for p in a.places)]
        assert by_line[3]["past_matches"] == len(moscow)
        assert by_line[4]["rule"]["query"].startswith('persons:"Kim Jong Un" OR ')
        assert by_line[4]["past_matches"] == 2
        names = {r["name"]: r for r in client.get("/api/alerts").json()}
        assert {"wl: Wladimir Putin", "wl: Yonhap", "wl: moskau", "wl: Kim Jong Un"} <= set(names)
        rule_id = names["wl: Yonhap"]["id"]
        search = client.get(f"/api/alerts/{rule_id}/matches").json()  # the rule is the search
        assert [h["id"] for h in search["hits"]] == [yonhap.article_id]


@pytest.mark.parametrize(
    ("body", "headers", "code"),
    [
        (b"", CSV, 400),
        (b"\x00\x01\x02\xff\n\x89PNG\r\n", CSV, 400),
        (b"name,type\n", CSV, 400),
        (b"a\n" * (MAX_BYTES // 2 + 1), CSV, 413),
        (b"Kim Jong Un\n", {"content-type": "application/json"}, 415),
    ],
    ids=["empty", "binary", "header-only", "too-big", "json"],
)
def test_bad_uploads_are_refused(settings: Settings, body: bytes, headers: dict[str, str], code: int) -> None:
    with TestClient(create_api(settings)) as client:
        answer = client.post("/api/watchlists", content=body, headers=headers)
        assert answer.status_code == code, answer.text
        assert answer.json()["detail"]
        if body.startswith(b"\x00"):
            assert [r["line"] for r in answer.json()["refused"]] == [1, 2]


def test_a_watchlist_as_a_multipart_form(settings: Settings) -> None:
    data = "\ufeffname,type\r\nWladimir Putin,person\r\n+1 555\r\n".encode()
    with TestClient(create_api(settings)) as client:
        answer = client.post("/api/watchlists?name_prefix=form:%20", files={"file": ("names.csv", data, "text/csv")})
        assert answer.status_code == 201, answer.text
        report = answer.json()
        assert [r["rule"]["name"] for r in report["rules"]] == ["form: Wladimir Putin"]
        assert report["rules"][0]["past_matches"] == 2
        assert [r["line"] for r in report["refused"]] == [3]
        other = client.post("/api/watchlists", files={"names": ("names.csv", data, "text/csv")})
        assert other.status_code == 400
        assert "file" in other.json()["detail"]
        broken = client.post("/api/watchlists", content=b"x", headers={"content-type": "multipart/form-data"})
        assert broken.status_code == 400
        huge = client.post("/api/watchlists", files={"file": ("big.csv", b"a\n" * (MAX_BYTES // 2 + 1), "text/csv")})
        assert huge.status_code == 413


def test_the_api_key_guards_watchlists(settings: Settings) -> None:
    with TestClient(create_api(settings.model_copy(update={"api_key": SecretStr("k3y")}))) as client:
        assert client.post("/api/watchlists", content=b"Kim Jong Un\n", headers=CSV).status_code == 401
