"""Turning an EnrichedArticle into the Elasticsearch document (``_id`` = ``article_id``).

Besides the message's own fields the document has ``ingested_at`` (when the watcher picked the file up),
``date`` (``published_at``, or ``ingested_at`` where the source states no date: the field to sort, filter and
draw histograms on, and the Kibana time field), the entity names per facet and ``place_points``.
"""

from __future__ import annotations

from typing import Any

from newsingest.index.template import LANGUAGE_ANALYZERS, language_fields
from newsingest.models import EnrichedArticle, EntityType

_FACETS = {
    EntityType.PERSON: "persons",
    EntityType.ORGANISATION: "organisations",
    EntityType.LOCATION: "locations",
    EntityType.MISC: "misc",
}


def to_document(article: EnrichedArticle) -> dict[str, Any]:
    doc = article.model_dump(mode="json", exclude={"entities", "places", "provenance"})
    doc["provenance"] = article.provenance.model_dump(mode="json")
    doc["ingested_at"] = doc["provenance"]["received_at"]
    doc["date"] = doc["published_at"] or doc["ingested_at"]
    doc["entities"] = [e.model_dump(mode="json", exclude={"mentions"}) for e in article.entities]
    for facet in _FACETS.values():
        doc[facet] = []
    for entity in article.entities:
        doc[_FACETS[entity.type]].append(entity.name)
    doc["places"] = []
    doc["place_points"] = []
    for place in article.places:
        entry = place.model_dump(mode="json", exclude={"lat", "lon"})
        if place.lat is not None and place.lon is not None:
            point = {"lat": place.lat, "lon": place.lon}
            entry["location"] = point
            doc["place_points"].append(point)
        doc["places"].append(entry)
    if article.language in LANGUAGE_ANALYZERS:
        title_field, body_field = language_fields(article.language)
        doc[title_field] = article.title
        doc[body_field] = article.body
    return doc
