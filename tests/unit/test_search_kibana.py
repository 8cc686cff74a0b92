"""Kibana assets: generated file up to date, every field they use exists in the template and is aggregatable
where a visualisation aggregates it, references resolve, and `newsingest kibana import` posts them."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any, ClassVar

import pytest
from click.testing import CliRunner

from newsingest.cli import cli
from newsingest.index.template import mappings
from newsingest.web.kibana import render
from newsingest_devtools.checkout import KIBANA_ASSETS_FILE as ASSETS_FILE

AGGREGATABLE = {
    "keyword",
    "date",
    "long",
    "integer",
    "short",
    "byte",
    "double",
    "float",
    "half_float",
    "boolean",
    "geo_point",
    "ip",
}


def _objects() -> list[dict[str, Any]]:
    return [json.loads(line) for line in ASSETS_FILE.read_text().splitlines() if line]


def _field_types(properties: dict[str, Any], prefix: str = "") -> dict[str, dict[str, Any]]:
    """Every searchable path (objects flattened, multi-fields as `a.b`) -> its mapping."""
    found: dict[str, dict[str, Any]] = {}
    for name, spec in properties.items():
        path = prefix + name
        if spec.get("type") == "alias":
            continue
        if "properties" in spec:
            found |= _field_types(spec["properties"], path + ".")
            continue
        found[path] = spec
        for sub, sub_spec in spec.get("fields", {}).items():
            found[f"{path}.{sub}"] = sub_spec
    return found


FIELDS = _field_types(mappings()["properties"])


def _aggregatable(field: str) -> bool:
    spec = FIELDS[field]
    return spec.get("type") in AGGREGATABLE and spec.get("doc_values", True) is not False


def _used_fields(obj: dict[str, Any]) -> tuple[set[str], set[str]]:
    """(fields referenced, fields aggregated) by one saved object."""
    used: set[str] = set()
    aggregated: set[str] = set()
    attrs = obj["attributes"]
    if obj["type"] == "index-pattern":
        used.add(attrs["timeFieldName"])
        aggregated.add(attrs["timeFieldName"])
        used |= set(json.loads(attrs.get("fieldAttrs", "{}")))
    if "kibanaSavedObjectMeta" in attrs:
        query = json.loads(attrs["kibanaSavedObjectMeta"]["searchSourceJSON"]).get("query", {}).get("query", "")
        used |= set(re.findall(r"([A-Za-z_][\w.]*)\s*:", query))
    if obj["type"] == "search":
        used |= set(attrs["columns"])
        sort_fields = {field for field, _ in attrs["sort"]}
        used |= sort_fields
        aggregated |= sort_fields
    if obj["type"] == "visualization":
        for agg in json.loads(attrs["visState"])["aggs"]:
            if "field" in agg.get("params", {}):
                used.add(agg["params"]["field"])
                aggregated.add(agg["params"]["field"])
    if obj["type"] == "map":
        for layer in json.loads(attrs["layerListJSON"]):
            source = layer.get("sourceDescriptor", {})
            if "geoField" in source:
                used.add(source["geoField"])
                aggregated.add(source["geoField"])
            for metric in source.get("metrics", []):
                if "field" in metric:
                    used.add(metric["field"])
                    aggregated.add(metric["field"])
    return used, aggregated


def test_ndjson_is_generated_by_build_py() -> None:
    assert ASSETS_FILE.read_text() == render(), (
        "run `newsingest-dev generate` and commit deploy/kibana/newsingest.ndjson"
    )


@pytest.mark.parametrize("obj", _objects(), ids=lambda o: o["id"])
def test_every_field_exists_and_aggregated_fields_are_aggregatable(obj: dict[str, Any]) -> None:
    used, aggregated = _used_fields(obj)
    assert used or obj["type"] == "dashboard", "every asset but the dashboard uses at least one field"
    assert used - set(FIELDS) == set(), "fields missing in the index template"
    assert {f for f in aggregated if not _aggregatable(f)} == set(), "aggregated fields must be aggregatable"


def test_data_view_dashboard_and_references() -> None:
    objects = {(o["type"], o["id"]): o for o in _objects()}
    view = objects[("index-pattern", "newsingest-articles")]
    assert view["attributes"]["title"] == "news"
    assert view["attributes"]["timeFieldName"] == "date"
    for obj in objects.values():
        for ref in obj["references"]:
            assert (ref["type"], ref["id"]) in objects, (obj["id"], ref)
    dashboard = objects[("dashboard", "newsingest-overview")]
    panels = {ref["id"] for ref in dashboard["references"]}
    assert {
        "newsingest-articles-over-time",
        "newsingest-languages",
        "newsingest-top-persons",
        "newsingest-top-organisations",
        "newsingest-top-places",
        "newsingest-sources",
        "newsingest-places-map",
        "newsingest-latest",
    } == panels
    assert len([o for o in objects.values() if o["type"] == "search"]) >= 2


class _FakeKibana(BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[str, dict[str, str], bytes]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((self.path, dict(self.headers), body))
        count = body.count(b'"migrationVersion"')
        payload = json.dumps({"success": True, "successCount": count}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def fake_kibana() -> Iterator[str]:
    _FakeKibana.received = []
    server = HTTPServer(("127.0.0.1", 0), _FakeKibana)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_kibana_import_posts_the_assets_with_the_configured_alias(
    fake_kibana: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSINGEST_READ_ALIAS", "my-news")
    result = CliRunner().invoke(cli, ["kibana", "import", "--url", fake_kibana, "--space", "ops"])
    assert result.exit_code == 0, result.output
    assert f"imported {len(_objects())} saved objects" in result.output
    path, headers, body = _FakeKibana.received[0]
    assert path == "/s/ops/api/saved_objects/_import?overwrite=true"
    assert headers["kbn-xsrf"]
    assert "multipart/form-data" in headers["Content-Type"]
    assert b'"title": "my-news"' in body
    assert b'"timeFieldName": "date"' in body


def test_kibana_import_reports_an_unreachable_kibana() -> None:
    result = CliRunner().invoke(cli, ["kibana", "import", "--url", "http://127.0.0.1:9"])
    assert result.exit_code == 1
    assert "cannot reach Kibana" in result.output
