"""The Kibana saved objects: data view of the read alias, saved searches, visualisations, a map and a dashboard.

``newsingest kibana import`` sends them straight from here; ``deploy/kibana/newsingest.ndjson`` is the same
objects as a file (for Kibana's own import UI), generated with ``newsingest-dev generate``.

The objects are written in the 7.x saved-object format with ``migrationVersion`` set, so every Kibana from 7.11
through 9.x migrates them on import. ``tests/unit/test_search_kibana.py`` fails when the file drifts from this
module, or when an asset uses a field that the index template lacks (or aggregates one that is not aggregatable).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DATA_VIEW_ID = "newsingest-articles"
DATA_VIEW_TITLE = "news"  # the default read alias; `newsingest kibana import` uses the configured one
TIME_FIELD = "date"
INDEX_REF = "kibanaSavedObjectMeta.searchSourceJSON.index"


def _js(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _search_source(query: str = "") -> dict[str, str]:
    return {"searchSourceJSON": _js({"query": {"query": query, "language": "kuery"}, "filter": [],
                                     "indexRefName": INDEX_REF})}


def _data_view_ref() -> list[dict[str, str]]:
    return [{"name": INDEX_REF, "type": "index-pattern", "id": DATA_VIEW_ID}]


def data_view() -> dict[str, Any]:
    labels = {"date": "Published (ingested when unknown)", "places.name.display": "Place",
              "persons.display": "Person", "organisations.display": "Organisation", "source.display": "Source"}
    return {
        "id": DATA_VIEW_ID,
        "type": "index-pattern",
        "attributes": {
            "title": DATA_VIEW_TITLE,
            "timeFieldName": TIME_FIELD,
            "fieldAttrs": _js({field: {"customLabel": label} for field, label in labels.items()}),
        },
        "references": [],
        "migrationVersion": {"index-pattern": "7.11.0"},
    }


def saved_search(object_id: str, title: str, query: str, description: str) -> dict[str, Any]:
    return {
        "id": object_id,
        "type": "search",
        "attributes": {
            "title": title,
            "description": description,
            "columns": ["title", "source.display", "language", "persons.display", "places.name.display"],
            "sort": [[TIME_FIELD, "desc"]],
            "kibanaSavedObjectMeta": _search_source(query),
        },
        "references": _data_view_ref(),
        "migrationVersion": {"search": "7.9.3"},
    }


SEARCHES = [
    saved_search("newsingest-latest", "Latest articles", "", "Every article, newest first"),
    saved_search("newsingest-german", "German articles", "language:de", "Articles detected as German"),
    saved_search("newsingest-english", "English articles", "language:en", "Articles detected as English"),
    saved_search("newsingest-undated", "Articles without a published date", "not published_at:*",
                 "The source stated no date: `date` falls back to the time the file was received"),
]


def _vis(object_id: str, title: str, vis_type: str, aggs: list[dict[str, Any]],
         params: dict[str, Any] | None = None) -> dict[str, Any]:
    vis_state = {"title": title, "type": vis_type, "aggs": aggs, "params": params or {}}
    return {
        "id": object_id,
        "type": "visualization",
        "attributes": {
            "title": title,
            "description": "",
            "visState": _js(vis_state),
            "uiStateJSON": "{}",
            "version": 1,
            "kibanaSavedObjectMeta": _search_source(),
        },
        "references": _data_view_ref(),
        "migrationVersion": {"visualization": "7.10.0"},
    }


def _count() -> dict[str, Any]:
    return {"id": "1", "enabled": True, "type": "count", "schema": "metric", "params": {}}


def _terms(field: str, size: int, schema: str = "segment") -> dict[str, Any]:
    return {"id": "2", "enabled": True, "type": "terms", "schema": schema,
            "params": {"field": field, "size": size, "order": "desc", "orderBy": "1", "otherBucket": False,
                       "missingBucket": False}}


def _top(object_id: str, title: str, field: str, size: int = 15) -> dict[str, Any]:
    return _vis(object_id, title, "horizontal_bar", [_count(), _terms(field, size)],
                {"type": "histogram", "addLegend": False, "addTooltip": True, "legendPosition": "right"})


VISUALIZATIONS = [
    _vis("newsingest-articles-over-time", "Articles over time", "histogram",
         [_count(), {"id": "2", "enabled": True, "type": "date_histogram", "schema": "segment",
                     "params": {"field": TIME_FIELD, "interval": "auto", "min_doc_count": 1,
                                "extended_bounds": {}}}],
         {"type": "histogram", "addLegend": False, "addTooltip": True}),
    _vis("newsingest-languages", "Languages (languages without an Elasticsearch analyzer use the standard one)",
         "pie", [_count(), _terms("language", 20)],
         {"type": "pie", "isDonut": True, "addLegend": True, "legendPosition": "right"}),
    _top("newsingest-top-persons", "Top persons", "persons.display"),
    _top("newsingest-top-organisations", "Top organisations", "organisations.display"),
    _top("newsingest-top-places", "Top places", "places.name.display"),
    _top("newsingest-sources", "Sources", "source.display", 20),
]

MAP_LAYER_REF = "layer_1_source_index_pattern"


def places_map() -> dict[str, Any]:
    layers = [
        {"id": "basemap", "type": "VECTOR_TILE", "label": None, "minZoom": 0, "maxZoom": 24, "alpha": 1,
         "visible": True, "style": {"type": "TILE"},
         "sourceDescriptor": {"type": "EMS_TMS", "isAutoSelect": True}},
        {"id": "places", "type": "VECTOR", "label": "Places mentioned", "minZoom": 0, "maxZoom": 24, "alpha": 0.8,
         "visible": True,
         "sourceDescriptor": {"type": "ES_GEO_GRID", "id": "newsingest-places-grid", "geoField": "place_points",
                              "requestType": "point", "resolution": "COARSE", "metrics": [{"type": "count"}],
                              "indexPatternRefName": MAP_LAYER_REF, "applyGlobalQuery": True},
         "style": {"type": "VECTOR", "properties": {
             "fillColor": {"type": "DYNAMIC", "options": {"color": "Blues", "field": {"name": "doc_count",
                                                                                        "origin": "source"}}},
             "iconSize": {"type": "DYNAMIC", "options": {"minSize": 6, "maxSize": 32,
                                                          "field": {"name": "doc_count", "origin": "source"}}},
             "labelText": {"type": "DYNAMIC", "options": {"field": {"name": "doc_count", "origin": "source"}}},
         }}},
    ]
    return {
        "id": "newsingest-places-map",
        "type": "map",
        "attributes": {
            "title": "Places mentioned",
            "description": "Articles per place (place_points)",
            "layerListJSON": _js(layers),
            "mapStateJSON": _js({"zoom": 1.4, "center": {"lon": 20, "lat": 30}, "timeFilters": {"from": "now-1y",
                                                                                               "to": "now"},
                                 "refreshConfig": {"isPaused": True, "interval": 0},
                                 "query": {"query": "", "language": "kuery"}, "filters": []}),
            "uiStateJSON": _js({"isLayerTOCOpen": False, "openTOCDetails": []}),
        },
        "references": [{"name": MAP_LAYER_REF, "type": "index-pattern", "id": DATA_VIEW_ID}],
        "migrationVersion": {"map": "7.10.0"},
    }


def dashboard() -> dict[str, Any]:
    layout: list[tuple[str, str, tuple[int, int, int, int]]] = [
        ("visualization", "newsingest-articles-over-time", (0, 0, 32, 12)),
        ("visualization", "newsingest-languages", (32, 0, 16, 12)),
        ("visualization", "newsingest-top-persons", (0, 12, 16, 15)),
        ("visualization", "newsingest-top-organisations", (16, 12, 16, 15)),
        ("visualization", "newsingest-top-places", (32, 12, 16, 15)),
        ("map", "newsingest-places-map", (0, 27, 32, 18)),
        ("visualization", "newsingest-sources", (32, 27, 16, 18)),
        ("search", "newsingest-latest", (0, 45, 48, 18)),
    ]
    panels, references = [], []
    for number, (kind, object_id, (x, y, w, h)) in enumerate(layout):
        panels.append({"version": "7.10.0", "gridData": {"x": x, "y": y, "w": w, "h": h, "i": str(number + 1)},
                       "panelIndex": str(number + 1), "embeddableConfig": {}, "panelRefName": f"panel_{number}"})
        references.append({"name": f"panel_{number}", "type": kind, "id": object_id})
    return {
        "id": "newsingest-overview",
        "type": "dashboard",
        "attributes": {
            "title": "newsingest: news overview",
            "description": "Articles over time, languages, who and what is in the news, where, and the latest articles",
            "hits": 0,
            "panelsJSON": _js(panels),
            "optionsJSON": _js({"useMargins": True, "hidePanelTitles": False}),
            "version": 1,
            "timeRestore": True,
            "timeFrom": "now-30d",
            "timeTo": "now",
            "refreshInterval": {"pause": True, "value": 0},
            "kibanaSavedObjectMeta": {"searchSourceJSON": _js({"query": {"query": "", "language": "kuery"},
                                                               "filter": []})},
        },
        "references": references,
        "migrationVersion": {"dashboard": "7.9.3"},
    }


def saved_objects(read_alias: str = DATA_VIEW_TITLE) -> list[dict[str, Any]]:
    view = data_view()
    view["attributes"]["title"] = read_alias
    return [view, *SEARCHES, *VISUALIZATIONS, places_map(), dashboard()]


def render(objects: list[dict[str, Any]] | None = None) -> str:
    """ndjson, one object per line (the format of Kibana's saved objects import)."""
    return "".join(json.dumps(obj, ensure_ascii=False) + "\n" for obj in objects or saved_objects())


def load(path: Path, read_alias: str) -> list[dict[str, Any]]:
    """Objects from an ndjson file, with the data view pointed at ``read_alias``."""
    objects = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    for obj in objects:
        if obj.get("type") == "index-pattern":
            obj["attributes"]["title"] = read_alias
    return objects

