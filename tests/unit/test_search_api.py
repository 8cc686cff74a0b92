"""The HTTP API without Elasticsearch: API key, error statuses, the page and the OpenAPI document."""

from __future__ import annotations

from typing import Any

import pytest
from elastic_transport import ApiResponseMeta, ConnectionError, HttpHeaders, NodeConfig
from elasticsearch import BadRequestError
from fastapi.testclient import TestClient
from pydantic import SecretStr

from newsingest.config import Settings
from newsingest.web.api import create_api

EMPTY = {
    "took": 1,
    "hits": {"total": {"value": 0, "relation": "eq"}, "hits": []},
    "aggregations": {"date_min": {"value": None}, "date_max": {"value": None}, "dates": {"buckets": []}},
}


class FakeES:
    def __init__(self, outcome: Any = EMPTY) -> None:
        self.outcome = outcome
        self.bodies: list[dict[str, Any]] = []

    def options(self, **_: Any) -> FakeES:
        return self

    async def search(self, *, index: str, body: dict[str, Any], **_: Any) -> Any:
        self.bodies.append(body)
        if isinstance(self.outcome, Exception):
            raise self.outcome
        return type("Response", (), {"body": self.outcome})()

    async def close(self) -> None:
        pass


def _client(es: FakeES, **settings: Any) -> TestClient:
    return TestClient(create_api(Settings().model_copy(update=settings), es_factory=lambda: es))  # type: ignore[arg-type]


def _meta(status: int) -> ApiResponseMeta:
    return ApiResponseMeta(
        status=status,
        http_version="1.1",
        headers=HttpHeaders(),
        duration=0.0,
        node=NodeConfig("http", "localhost", 9200),
    )


def test_search_answers_and_passes_filters() -> None:
    es = FakeES()
    with _client(es) as client:
        response = client.get(
            "/api/search",
            params=[("q", "Putin"), ("person", "Kim"), ("person", "Putin"), ("lang", "de"), ("sort", "date")],
        )
    assert response.status_code == 200, response.text
    assert response.json()["total"] == 0
    filters = es.bodies[0]["query"]["bool"]["filter"]
    assert {"term": {"persons": "Kim"}} in filters
    assert {"term": {"language": "de"}} in filters


@pytest.mark.parametrize(
    "query",
    ["size=0", "size=101", "sort=random", "since=2023-13-01", "after=garbage", "facets=maybe", "q=" + "x" * 1001],
)
def test_invalid_requests_are_400_with_a_reason(query: str) -> None:
    with _client(FakeES()) as client:
        response = client.get(f"/api/search?{query}")
    assert response.status_code == 400
    assert response.json()["detail"]


def test_query_syntax_errors_from_elasticsearch_are_400() -> None:
    error = BadRequestError(
        "search_phase_execution_exception",
        _meta(400),
        {
            "error": {
                "root_cause": [{"type": "query_shard_exception", "reason": "Failed to parse query [a AND (]"}],
                "failed_shards": [{"reason": {"caused_by": {"reason": 'Encountered "<EOF>" at line 1\nexpected'}}}],
            }
        },
    )
    with _client(FakeES(error)) as client:
        response = client.get("/api/search?q=a%20AND%20(")
    assert response.status_code == 400
    assert response.json()["detail"] == 'Failed to parse query [a AND (]: Encountered "<EOF>" at line 1'


def test_unreachable_elasticsearch_is_503() -> None:
    with _client(FakeES(ConnectionError("refused"))) as client:
        response = client.get("/api/search?q=x")
    assert response.status_code == 503


def test_api_key_protects_the_api_when_set() -> None:
    with _client(FakeES(), api_key=SecretStr("s3cret")) as client:
        assert client.get("/api/search").status_code == 401
        assert client.get("/api/search", headers={"X-API-Key": "wrong"}).status_code == 401
        assert client.get("/api/search", headers={"X-API-Key": "s3cret"}).status_code == 200
        assert client.get("/api/facets").status_code == 401
        assert client.get("/api/health").status_code == 200
        assert client.get("/").status_code == 200  # the page asks for the key itself


def test_page_static_files_and_openapi() -> None:
    with _client(FakeES()) as client:
        page = client.get("/")
        assert page.status_code == 200
        assert 'id="q"' in page.text
        assert client.get("/static/app.js").status_code == 200
        spec = client.get("/openapi.json").json()
    params = {p["name"] for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert {
        "q",
        "lang",
        "person",
        "org",
        "place",
        "source",
        "author",
        "country",
        "keyword",
        "story",
        "since",
        "until",
        "sort",
        "size",
        "after",
    } <= params
    assert "400" in spec["paths"]["/api/search"]["get"]["responses"]
