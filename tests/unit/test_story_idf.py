from __future__ import annotations

import math
from typing import Any

import pytest

from newsingest.enrich.story_centroid import add_member, cosine, new_centroid
from newsingest.enrich.story_features import StoryFeatures
from newsingest.enrich.story_idf import StreamIdf


def record(seen: float, *terms: str) -> dict[str, Any]:
    return {"n": seen, "t": dict.fromkeys(terms, 1.0), "x": {}}


def fresh(refs: list[str]) -> list[str]:
    return list(refs)  # a new object: as a replaced store value, it is read again


def test_a_record_counts_once_and_leaves_with_its_hour() -> None:
    records = {"a": record(0, "waffen", "putin"), "b": record(10, "putin"), "c": record(20, "wetter")}
    values: dict[str, list[str]] = {"x:0": ["a", "b"], "x:0:1": ["c"]}
    idf = StreamIdf(tau_s=3600 * 72)
    for _ in range(3):  # re-reading the same lists (a redelivery, another worker's re-read) changes nothing
        idf.reconcile({0: ["x:0", "x:0:1"]}, lambda k: fresh(values[k]), list, records.get, now=30)
    assert len(idf) == 3
    assert idf.idf("putin") < idf.idf("waffen") < idf.idf("unseen")
    values["x:1"] = ["d"]
    records["d"] = record(3600, "waffen")
    idf.reconcile({1: ["x:1"]}, values.get, list, records.get, now=3600)  # hour 0 expired
    assert len(idf) == 1
    assert idf.df.get("putin") is None


def test_a_reconcile_reads_the_lists_that_changed_not_the_window() -> None:
    """Lists unchanged since the last call are not decoded, and an hour's full lists are not looked at again:
    an article costs a few short lists whatever the window holds."""
    records = {f"r{i}": record(i, f"w{i % 7}") for i in range(1000)}
    values = {f"x:0:{n}" if n else "x:0": [f"r{i}" for i in range(n * 100, n * 100 + 100)] for n in range(10)}
    keys = list(values)
    decoded: list[object] = []
    read: list[str] = []

    def raw(key: str) -> object:
        read.append(key)
        return values[key]

    def decode(value: object) -> list[str]:
        decoded.append(value)
        return list(value)  # type: ignore[call-overload]

    idf = StreamIdf(tau_s=3600 * 72)
    idf.reconcile({0: keys}, raw, decode, records.get, now=1000)
    assert len(idf) == 1000
    assert len(decoded) == 10
    decoded.clear()
    read.clear()
    before = values["x:0:9"]
    values["x:0:9"] = [*values["x:0:9"], "r0"]  # the last list rewritten (an article appended)
    idf.reconcile({0: keys}, raw, decode, records.get, now=1000)
    assert decoded == [values["x:0:9"], before]  # the changed list, diffed against the value last reconciled
    assert len(read) <= 2
    assert len(idf) == 1000


def test_a_centroid_never_counts_an_article_twice() -> None:
    f = StoryFeatures("a" * 64, 0, 30, {"waffen": 1.0}, {"waffen": 1.0}, {"p:putin": 3.0}, frozenset(), 0.0, 1.0, 0.0)
    g = StoryFeatures("b" * 64, 0, 30, {"waffen": 1.0}, {}, {"p:putin": 3.0}, frozenset(), 0.0, 1.0, 5.0)
    centroid = new_centroid(f.article_id, "aaaa", f)
    assert add_member(centroid, "bbbb", g, tau_s=3600)
    snapshot = dict(centroid)
    assert not add_member(centroid, "bbbb", g, tau_s=3600)
    assert centroid == snapshot
    assert centroid["n"] == 2


def test_weighing_a_vector_gives_each_key_its_idf_exactly() -> None:
    """``weigh`` writes the IDF arithmetic out for speed; it must stay the same floats as ``idf``."""
    idf = StreamIdf(tau_s=3600.0)
    records = {f"r{i}": {"n": 1000.0 + 60 * i, "t": [f"w{i % 7}", f"w{i % 3}", "common"], "x": [f"p:{i % 5}"]}
               for i in range(40)}
    idf.reconcile({0: ["x:0"]}, lambda key: "v", lambda _: list(records), records.get, now=4000.0)
    vector = {"common": 0.5, "w1": 1.25, "w6": 2.0, "never-seen": 0.75}
    weighed = idf.weigh(vector)
    fresh = StreamIdf(tau_s=3600.0)
    fresh.reconcile({0: ["x:0"]}, lambda key: "v", lambda _: list(records), records.get, now=4000.0)
    assert weighed == {k: w * fresh.idf(k) for k, w in vector.items()}
    assert idf.weigh({"1": 1.0, "4": 3.0}, "e:p:") == {"1": fresh.idf("e:p:1"), "4": 3.0 * fresh.idf("e:p:4")}
    assert len({round(v, 9) for v in weighed.values()}) == 4  # the keys really weigh differently


def test_the_one_pass_weighted_cosine_is_weigh_then_cosine() -> None:
    records = {"a": {"n": 0, "t": {"putin": 1.0, "waffen": 1.0}, "x": {"e:p:putin": 1.0}}, "b": record(5, "putin")}
    idf = StreamIdf(tau_s=3600 * 72)
    idf.reconcile({0: ["x:0"]}, lambda k: ["a", "b"], list, records.get, now=10)
    mine = idf.weigh({"putin": 2.0, "korea": 1.0, "waffen": 0.5})
    norm = math.sqrt(sum(w * w for w in mine.values()))
    centroid = {"putin": 1.5, "waffen": 3.0, "wetter": 0.7}
    assert math.isclose(idf.weighted_cosine(mine, norm, centroid), cosine(mine, idf.weigh(centroid)), rel_tol=1e-12)
    damped = {k: w * (0.3 if k == "p:putin" else 1.0) for k, w in idf.weigh({"p:putin": 1.0, "l:1": 2.0}, "e:").items()}
    entities = {"p:putin": 0.5, "l:1": 1.0}
    entities_norm = math.sqrt(sum(w * w for w in entities.values()))
    one_pass = idf.weighted_cosine(entities, entities_norm, {"p:putin": 1.0, "l:1": 2.0}, "e:", {"p:putin"}, 0.3)
    assert math.isclose(one_pass, cosine(entities, damped), rel_tol=1e-12)
    assert idf.weighted_cosine({}, 0.0, centroid) == 0.0
    assert idf.weighted_cosine(mine, norm, {"unrelated": 1.0}) == 0.0


def test_the_memo_kept_across_articles_never_serves_a_stale_idf() -> None:
    """The per-key memo outlives a reconcile: it must still equal a table built afresh after records are counted,
    after they are forgotten, and after the decay has moved by many steps."""
    records = {f"r{i}": {"n": 60.0 * i, "t": [f"w{i % 5}", "common"], "x": [f"p:{i % 3}"]} for i in range(60)}
    keys = ["common", "w0", "w3", "e:p:1", "never-seen"]

    def table(live: list[str], now: float) -> StreamIdf:
        idf = StreamIdf(tau_s=3600.0)
        idf.reconcile({0: ["x:0"]}, lambda key: tuple(live), list, records.get, now=now)
        return idf

    kept = StreamIdf(tau_s=3600.0)
    for live, now in ((["r0", "r1"], 3600.0), ([f"r{i}" for i in range(30)], 3600.0),  # counted: same decay
                      ([f"r{i}" for i in range(10, 30)], 3600.0),  # forgotten only
                      ([f"r{i}" for i in range(10, 60)], 3600.0),  # counted again
                      ([f"r{i}" for i in range(10, 60)], 9000.0)):  # the decay moved
        before = {key: kept.idf(key) for key in keys}  # fills the memo
        kept.reconcile({0: ["x:0"]}, lambda key, live=live: tuple(live), list, records.get, now=now)
        expected = table(live, now)
        assert {key: kept.idf(key) for key in keys} == pytest.approx({key: expected.idf(key) for key in keys})
        assert {key: kept.idf(key) for key in keys} != before
