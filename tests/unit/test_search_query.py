"""Building searches and reading results (no Elasticsearch needed)."""

from __future__ import annotations

import pytest

from newsingest.index.search import (
    FACETS,
    SearchError,
    SearchRequest,
    build_query,
    build_search,
    date_bound,
    decode_after,
    encode_after,
    fold,
    histogram_interval,
    parse_facets,
    parse_hit,
    sort_clause,
)


def _query_string(request: SearchRequest) -> dict:
    return build_query(request)["bool"]["must"][0]["query_string"]


def test_query_without_language_searches_standard_and_every_language_field() -> None:
    fields = _query_string(SearchRequest(q="Gipfeltreffen"))["fields"]
    assert {"title^3", "body", "body_de", "body_en", "body_fr", "body_es", "title_de^3"} <= set(fields)


def test_language_filter_restricts_fields_and_filters_documents() -> None:
    request = SearchRequest(q="summits", filters={"lang": ["EN"]})
    qs = _query_string(request)
    assert qs["fields"] == ["title^3", "body", "title_en^3", "body_en"]
    assert qs["default_operator"] == "AND"
    assert qs["quote_field_suffix"] == "_exact"
    assert {"term": {"language": "EN"}} in build_query(request)["bool"]["filter"]


def test_language_without_analyzer_uses_standard_fields_only() -> None:
    assert _query_string(SearchRequest(q="x", filters={"lang": ["xx"]}))["fields"] == ["title^3", "body"]


def test_empty_query_matches_everything_with_filters() -> None:
    query = build_query(SearchRequest(filters={"person": ["Putin", " "], "place": ["Moskau"]}))
    assert query["bool"]["must"] == [{"match_all": {}}]
    assert query["bool"]["filter"] == [{"term": {"persons": "Putin"}}, {"term": {"places.name": "Moskau"}}]


def test_every_facet_has_a_filter() -> None:
    request = SearchRequest(filters={facet.name: ["v"] for facet in FACETS})
    fields = {next(iter(c["term"])) for c in build_query(request)["bool"]["filter"]}
    assert fields == {facet.field for facet in FACETS}


def test_unknown_filter_is_a_search_error() -> None:
    with pytest.raises(SearchError, match="unknown filter nope"):
        build_query(SearchRequest(filters={"nope": ["x"]}))


@pytest.mark.parametrize(
    ("value", "end", "expected"),
    [
        ("2023-09-01", False, "2023-09-01"),
        ("2023-09-01", True, "2023-09-01||/d"),
        ("2023-09-01T10:00:00Z", False, "2023-09-01T10:00:00.000000Z"),
        ("2023-09-01T12:00:00+02:00", True, "2023-09-01T10:00:00.000000Z"),
        ("now-7d/d", False, "now-7d/d"),
    ],
)
def test_date_bounds(value: str, end: bool, expected: str) -> None:
    assert date_bound(value, end=end) == expected


@pytest.mark.parametrize("value", ["2023-13-01", "yesterday", "now-7x", "2023-02-30", "1.5"])
def test_bad_dates_are_search_errors(value: str) -> None:
    with pytest.raises(SearchError, match="invalid date"):
        date_bound(value, end=False)


def test_date_range_filter_on_date_field() -> None:
    query = build_query(SearchRequest(since="2023-09-01", until="2023-09-30"))
    assert query["bool"]["filter"] == [{"range": {"date": {"gte": "2023-09-01", "lte": "2023-09-30||/d"}}}]


def test_after_token_round_trip_and_garbage() -> None:
    values = [1.25, 1693526400000, "a" * 64]
    assert decode_after(encode_after(values), "relevance") == values
    assert decode_after(encode_after(values[1:]), "date") == values[1:]
    for bad in ("", "abc", encode_after(values), encode_after(["x", "y"]), encode_after({"a": 1})):
        with pytest.raises(SearchError, match="after"):
            decode_after(bad, "date")


def test_sort_orders() -> None:
    assert next(iter(sort_clause("relevance")[0])) == "_score"
    assert sort_clause("date")[0] == {"date": {"order": "desc", "missing": "_last", "unmapped_type": "date"}}
    assert sort_clause("oldest")[0]["date"]["order"] == "asc"
    assert sort_clause("date")[-1] == {"article_id": {"order": "asc"}}  # tiebreaker for search_after


def test_search_body_pages_and_highlights() -> None:
    first = build_search(SearchRequest(q="Putin", size=5), facet_size=7)
    assert first["size"] == 6  # one more, to know whether there is a next page
    assert first["track_total_hits"] is True
    assert first["aggs"]["person"]["terms"] == {"field": "persons", "size": 7}
    assert first["highlight"]["encoder"] == "html"
    assert {"title", "body", "title_de", "body_de"} <= set(first["highlight"]["fields"])
    token = encode_after([1693526400000, "b" * 64])
    later = build_search(SearchRequest(q="Putin", sort="date", after=token), facet_size=7)
    assert later["search_after"] == [1693526400000, "b" * 64]
    assert "aggs" not in later


def test_fold_matches_the_facet_normalizer_on_common_names() -> None:
    assert fold("Wladimir Pütin") == "wladimir putin"
    assert fold("Straße São Paulo Łódź") == "strasse sao paulo lodz"


def test_facet_display_is_the_spelling_of_the_bucket_value_in_a_multi_valued_field() -> None:
    aggs = {
        "person": {
            "buckets": [
                {
                    "key": "wladimir putin",
                    "doc_count": 2,
                    "display": {"hits": {"hits": [{"_source": {"persons": ["Kim Jong Un", "Wladimir Putin"]}}]}},
                },
            ]
        },
        "place": {
            "buckets": [
                {
                    "key": "moskau",
                    "doc_count": 1,
                    "display": {"hits": {"hits": [{"_source": {"places": [{"name": "Seoul"}, {"name": "Moskau"}]}}]}},
                },
            ]
        },
        "story": {
            "buckets": [
                {
                    "key": "s1",
                    "doc_count": 2,
                    "display": {"hits": {"hits": [{"_source": {"title": "Kim trifft Putin"}}]}},
                },
            ]
        },
    }
    facets = parse_facets(aggs)
    assert facets["person"][0].display == "Wladimir Putin"
    assert facets["place"][0].display == "Moskau"
    assert facets["story"][0].display == "Kim trifft Putin"
    assert facets["source"] == []


def test_hit_prefers_language_field_highlights_and_falls_back_to_the_lead() -> None:
    raw = {
        "_id": "x",
        "_score": 1.0,
        "_source": {"title": "A <b>", "body": "word " * 100, "places": [{"name": "P"}]},
        "highlight": {"body_de": ["<mark>Gipfeltreffen</mark>"], "body": ["<mark>Gipfeltreffen</mark>", "b"]},
    }
    hit = parse_hit(raw)
    assert hit.snippets == ["<mark>Gipfeltreffen</mark>", "b"]
    assert hit.title_html == "A &lt;b&gt;"
    assert hit.places == ["P"]
    plain = parse_hit({"_id": "y", "_source": {"title": "T", "body": "<script>x</script>"}})
    assert plain.snippets == ["&lt;script&gt;x&lt;/script&gt;"]


def test_histogram_interval_follows_the_span() -> None:
    day = 86_400_000
    assert histogram_interval(None, None) == "day"
    assert histogram_interval(0, 0) == "day"
    assert histogram_interval(0, 2 * day) == "hour"
    assert histogram_interval(0, 30 * day) == "day"
    assert histogram_interval(0, 400 * day) == "week"
    assert histogram_interval(0, 1500 * day) == "month"
    assert histogram_interval(0, 5000 * day) == "year"
