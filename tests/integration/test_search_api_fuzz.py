"""The OpenAPI document of `newsingest serve`, fuzzed with schemathesis against the real server and
Elasticsearch (with the samples indexed): no request may get a 5xx, and every answer matches the document."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from newsingest.config import Settings
from newsingest_devtools.sandbox import remove_namespace
from tests.e2e.support import delete_namespace, index_articles, sample_articles, start_server
from tests.integration.harness import isolated_settings


@pytest.fixture(scope="module")
def server_url(stack: Settings, tmp_path_factory: pytest.TempPathFactory, samples_dir: Path) -> Iterator[str]:
    root = tmp_path_factory.mktemp("fuzz")
    namespace = isolated_settings(stack, root)
    index_articles(namespace, sample_articles(samples_dir))
    server, url = start_server(namespace, root / "serve.log")
    try:
        yield url
    finally:
        server.stop()
        delete_namespace(namespace)
        remove_namespace(namespace)  # the alert-rule topics the fuzzed POST /api/alerts created


@pytest.fixture(scope="module")
def api_schema(server_url: str) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(f"{server_url}/openapi.json")


schema = schemathesis.pytest.from_fixture("api_schema")


# the live stream of alert matches never ends: it has a test of its own (test_alerts_api.py)
@schema.exclude(path="/api/alerts/stream").parametrize()
@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_never_answers_a_server_error(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=[not_a_server_error, status_code_conformance, content_type_conformance,
                                   response_schema_conformance])
