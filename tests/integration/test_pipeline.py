"""The streaming pipeline end to end: files dropped into the inbox of a real ``newsingest run`` process, through
the real broker, into the real Elasticsearch node."""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path

from newsingest.config import Settings
from tests.integration.harness import (
    BBC,
    PipelineProcess,
    bbc_files,
    count_docs,
    drop,
    expected_ids,
    files_in,
    free_port,
    get_doc,
    indexed_ids,
    produce,
    read_topic,
    wait_for,
)


def test_samples_are_searchable_within_seconds_as_german(
    pipeline: PipelineProcess, isolated: Settings, samples_dir: Path
) -> None:
    drop(sorted(samples_dir.glob("*.txt")), isolated.inbox_dir)
    wait_for(lambda: count_docs(isolated) == 2, 90, "both samples indexed", pipeline.log)
    docs = [get_doc(isolated, doc_id) for doc_id in indexed_ids(isolated)]
    for doc in docs:
        assert doc["language"] == "de"
        assert doc["language_confidence"] > 0.9
        assert doc["body_de"]
    persons = {p for doc in docs for p in doc["persons"]}
    assert {"Wladimir Putin"} <= persons
    assert any(p.startswith("Kim Jong") for p in persons)
    places = {p["name"]: p for doc in docs for p in doc["places"]}
    for name in ("Russland", "Nordkorea", "Wladiwostok"):
        assert "location" in places[name], name
    assert {"RU", "KP"} <= {c for doc in docs for c in doc["countries"]}
    assert docs[0]["story_id"] == docs[1]["story_id"] is not None
    assert len(files_in(isolated.processed_path)) == 2
    assert files_in(isolated.inbox_dir) == []
    assert files_in(isolated.failed_path) == []


def test_same_content_dropped_twice_under_other_names_gives_one_document(
    pipeline: PipelineProcess, isolated: Settings, samples_dir: Path
) -> None:
    sample = sorted(samples_dir.glob("*.txt"))[0]
    drop([sample], isolated.inbox_dir, prefix="first-")
    wait_for(lambda: count_docs(isolated) == 1, 90, "first copy indexed", pipeline.log)
    drop([sample], isolated.inbox_dir, prefix="second-")
    shutil.copyfile(sample, isolated.inbox_dir / "third.txt")
    wait_for(lambda: len(files_in(isolated.processed_path)) == 3, 60, "all copies processed", pipeline.log)
    wait_for(lambda: count_docs(isolated) == 1, 10, "still one document", pipeline.log)
    assert count_docs(isolated) == 1


def test_empty_binary_and_oversized_files_fail_with_reasons_and_the_pipeline_goes_on(
    isolated: Settings, tmp_path: Path, samples_dir: Path
) -> None:
    settings = isolated.model_copy(update={"max_file_bytes": 64_000})
    process = PipelineProcess(settings, tmp_path / "pipeline.log").start()
    try:
        inbox = settings.inbox_dir
        (inbox / "empty.txt").write_bytes(b"")
        (inbox / "image.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 20)
        (inbox / "huge.txt").write_text("Headline\n\n" + "word " * 20_000)
        drop(sorted(samples_dir.glob("*.txt"))[:1], inbox)
        wait_for(lambda: len(files_in(settings.failed_path)) == 6, 90, "three failures with reasons", process.log)
        wait_for(lambda: count_docs(settings) == 1, 60, "the good file indexed", process.log)
        reasons = {
            p.name.removesuffix(".error.json"): json.loads(p.read_text())
            for p in settings.failed_path.glob("*.error.json")
        }
        assert reasons["empty.txt"]["code"] == "empty_file"
        assert reasons["image.jpg"]["code"] in {"binary_file", "unsupported_format"}
        assert reasons["huge.txt"]["code"] == "file_too_large"
        assert all(r["reason"] for r in reasons.values())
        assert process.alive()
    finally:
        process.stop()


def test_invalid_json_on_raw_topic_is_dead_lettered_and_the_agent_goes_on(
    pipeline: PipelineProcess, isolated: Settings, samples_dir: Path
) -> None:
    wait_for(lambda: "indexer started" in pipeline.log(), 90, "pipeline started", pipeline.log)
    produce(isolated, isolated.topic_raw, [(b"broken", b"{not json at all"), (b"wrong", b'{"title": 1}')])
    drop(sorted(samples_dir.glob("*.txt"))[:1], isolated.inbox_dir)
    wait_for(lambda: count_docs(isolated) == 1, 90, "good article indexed after the poison ones", pipeline.log)
    letters = [json.loads(r.value) for r in read_topic(isolated, isolated.topic_dlq, expect=2)]
    assert len(letters) == 2
    assert {letter["stage"] for letter in letters} == {"decode"}
    assert base64.b64decode(letters[0]["payload_base64"]) in {b"{not json at all", b'{"title": 1}'}
    assert all(letter["error_message"] and letter["source_topic"] == isolated.topic_raw for letter in letters)


def test_latin1_byte_in_bbc_article_is_decoded(pipeline: PipelineProcess, isolated: Settings) -> None:
    """sport/199.txt holds one Windows-1252/Latin-1 byte (a pound sign): it is decoded, not failed."""
    drop([BBC / "sport" / "199.txt"], isolated.inbox_dir)
    wait_for(lambda: count_docs(isolated) == 1, 90, "indexed", pipeline.log)
    doc = get_doc(isolated, indexed_ids(isolated)[0])
    assert "£" in doc["title"] + doc["body"]
    assert doc["provenance"]["encoding"] in {"windows-1252", "iso-8859-1"}


def test_500_bbc_files_give_one_document_per_distinct_article(
    pipeline: PipelineProcess, isolated: Settings
) -> None:
    files = bbc_files(500)
    expected = expected_ids(files)
    assert len(expected) < len(files), "the corpus repeats texts under other names"
    drop(files, isolated.inbox_dir)
    wait_for(lambda: count_docs(isolated) >= len(expected), 240, f"{len(expected)} documents", pipeline.log)
    wait_for(lambda: len(files_in(isolated.processed_path)) == len(files), 60, "all files processed", pipeline.log)
    assert set(indexed_ids(isolated)) == expected
    assert files_in(isolated.failed_path) == []


def test_documents_elasticsearch_rejects_are_dead_lettered_and_indexing_goes_on(
    isolated: Settings, tmp_path: Path, samples_dir: Path
) -> None:
    """A mapping error (here: an index whose `language` field is numeric) sends the article to the DLQ."""
    from newsingest.index.client import sync_client
    from newsingest.index.template import index_settings, mappings

    broken = mappings()
    broken["properties"]["language"] = {"type": "long"}
    es = sync_client(isolated)
    try:
        es.indices.create(
            index=f"{isolated.index_prefix}-v1",
            aliases={isolated.read_alias: {}, isolated.write_alias: {"is_write_index": True}},
            settings=index_settings(isolated),
            mappings=broken,
        )
    finally:
        es.close()
    process = PipelineProcess(isolated, tmp_path / "pipeline.log").start()
    try:
        drop(sorted(samples_dir.glob("*.txt")), isolated.inbox_dir)
        letters = [json.loads(r.value) for r in read_topic(isolated, isolated.topic_dlq, expect=2, timeout=90)]
        assert len(letters) == 2, process.log()[-3000:]
        assert {letter["stage"] for letter in letters} == {"index"}
        assert all("HTTP 400" in letter["error_message"] for letter in letters), letters[0]["error_message"]
        assert all(letter["article_id"] for letter in letters)
        assert process.alive()
        assert len(files_in(isolated.processed_path)) == 2
    finally:
        process.stop()


def test_metrics_count_what_happened(pipeline: PipelineProcess, isolated: Settings, samples_dir: Path) -> None:
    import urllib.request

    drop(sorted(samples_dir.glob("*.txt")), isolated.inbox_dir)
    (isolated.inbox_dir / "empty.txt").write_bytes(b"")
    wait_for(lambda: count_docs(isolated) == 2, 90, "samples indexed", pipeline.log)

    def metrics() -> dict[str, float]:
        url = f"http://{isolated.web_host}:{isolated.web_port}/metrics"
        with urllib.request.urlopen(url, timeout=5) as resp:
            lines = resp.read().decode().splitlines()
        return {k: float(v) for k, _, v in (ln.rpartition(" ") for ln in lines if ln and not ln.startswith("#"))}

    wait_for(lambda: metrics().get('newsingest_files_total{outcome="failed"}') == 1.0, 30, "failure counted",
             pipeline.log)
    values = metrics()
    assert values['newsingest_files_total{outcome="processed"}'] == 2.0
    assert values["newsingest_articles_produced_total"] == 2.0
    assert values["newsingest_articles_enriched_total"] == 2.0
    assert values['newsingest_articles_indexed_total{result="ok"}'] == 2.0
    assert f'newsingest_consumer_lag{{group="{isolated.indexer_group}",topic="{isolated.topic_enriched}"}}' in values
    # two articles in the story state: two records, two centroids, their blocking and schedule lists, the meta
    assert values[f'newsingest_state_keys{{topic="{isolated.topic_stories}"}}'] >= 5
    assert f'newsingest_state_keys{{topic="{isolated.topic_entities}"}}' in values


def test_watch_and_workers_as_separate_processes(isolated: Settings, tmp_path: Path, samples_dir: Path) -> None:
    """`newsingest watch` + `worker --no-index` + `worker --no-enrich`: the same result as `run`."""
    watcher = PipelineProcess(isolated, tmp_path / "watch.log", ("watch",)).start()
    enricher = PipelineProcess(isolated.model_copy(update={"web_port": free_port()}),
                               tmp_path / "enrich.log", ("worker", "--no-index")).start()
    indexer = PipelineProcess(isolated.model_copy(update={"web_port": free_port()}),
                              tmp_path / "index.log", ("worker", "--no-enrich")).start()
    try:
        drop(sorted(samples_dir.glob("*.txt")), isolated.inbox_dir)
        wait_for(lambda: count_docs(isolated) == 2, 120, "samples indexed",
                 lambda: watcher.log() + enricher.log() + indexer.log())
        assert len(files_in(isolated.processed_path)) == 2
    finally:
        for process in (watcher, enricher, indexer):
            assert process.stop() == 0, process.log()[-2000:]


def test_story_grouping_survives_a_restart(isolated: Settings, tmp_path: Path, samples_dir: Path) -> None:
    """The story table is recovered from its changelog: an article after a restart joins the earlier story."""
    first, second = sorted(samples_dir.glob("*.txt"))
    log = tmp_path / "pipeline.log"
    process = PipelineProcess(isolated, log).start()
    try:
        drop([first], isolated.inbox_dir)
        wait_for(lambda: count_docs(isolated) == 1, 90, "first sample indexed", process.log)
    finally:
        assert process.stop() == 0
    process = PipelineProcess(isolated, log).start()
    try:
        drop([second], isolated.inbox_dir)
        wait_for(lambda: count_docs(isolated) == 2, 90, "second sample indexed", process.log)
    finally:
        process.stop()
    stories = {get_doc(isolated, doc_id)["story_id"] for doc_id in indexed_ids(isolated)}
    assert len(stories) == 1
    assert None not in stories


FORMAT_FIXTURES = [
    "json/article.json",
    "jsonl/articles.jsonl",
    "html/article_jsonld.html",
    "html/page_without_extension",
    "nitf/reuters_nitf.xml",
    "newsml/newsmessage.xml",
    "newsml/package.xml",
    "text/utf16_bom_de.txt",
]


def test_every_supported_format_dropped_into_the_inbox_becomes_searchable(
    pipeline: PipelineProcess, isolated: Settings
) -> None:
    from newsingest.ingest.formats.base import SourceFile
    from newsingest.ingest.formats.registry import parse_file
    from tests.conftest import FIXTURES

    files = [FIXTURES / "formats" / name for name in FORMAT_FIXTURES]
    expected: dict[str, str] = {}
    for path in files:
        for article in parse_file(SourceFile(name=path.name, data=path.read_bytes())):
            expected[article.article_id] = article.provenance.format
    assert set(expected.values()) >= {"json", "jsonl", "html", "nitf", "newsml", "text"}
    for i, path in enumerate(files):
        shutil.copyfile(path, isolated.inbox_dir / f"{i:02d}-{path.name}")
    wait_for(lambda: set(indexed_ids(isolated)) >= set(expected), 120, "every format indexed", pipeline.log)
    formats = {get_doc(isolated, doc_id)["provenance"]["format"] for doc_id in expected}
    assert formats == set(expected.values())
    assert files_in(isolated.failed_path) == []
