from __future__ import annotations

from typing import Any

from newsingest.enrich.story_centroid import add_member, new_centroid
from newsingest.enrich.story_features import StoryFeatures
from newsingest.enrich.story_idf import StreamIdf


def record(seen: float, *terms: str) -> dict[str, Any]:
    return {"n": seen, "t": dict.fromkeys(terms, 1.0), "x": {}}


def test_a_record_counts_once_and_leaves_with_its_hour() -> None:
    records = {"a": record(0, "waffen", "putin"), "b": record(10, "putin"), "c": record(20, "wetter")}
    lists: dict[int, list[str]] = {0: ["a", "b", "c"]}
    idf = StreamIdf(tau_s=3600 * 72)
    for _ in range(3):  # re-reading the same lists (a redelivery, another worker's re-read) changes nothing
        idf.reconcile(lists, lambda h: (object(), lists[h]), records.get, now=30)
    assert len(idf) == 3
    assert idf.idf("putin") < idf.idf("waffen") < idf.idf("unseen")
    lists[1] = ["d"]
    records["d"] = record(3600, "waffen")
    idf.reconcile([1], lambda h: (object(), lists[h]), records.get, now=3600)  # hour 0 expired
    assert len(idf) == 1
    assert idf.df.get("putin") is None


def test_a_centroid_never_counts_an_article_twice() -> None:
    f = StoryFeatures("a" * 64, 0, 30, {"waffen": 1.0}, {"waffen": 1.0}, {"p:putin": 3.0}, frozenset(), 0.0, 1.0, 0.0)
    g = StoryFeatures("b" * 64, 0, 30, {"waffen": 1.0}, {}, {"p:putin": 3.0}, frozenset(), 0.0, 1.0, 5.0)
    centroid = new_centroid(f.article_id, "aaaa", f)
    assert add_member(centroid, "bbbb", g, tau_s=3600)
    snapshot = dict(centroid)
    assert not add_member(centroid, "bbbb", g, tau_s=3600)
    assert centroid == snapshot
    assert centroid["n"] == 2
