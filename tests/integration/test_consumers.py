"""Consuming news.enriched the way other teams do, against a real ``newsingest run`` on the real broker: the
example Python consumer, the kcat one-liner and ``newsingest tail``."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from aiokafka import AIOKafkaProducer

from newsingest import __version__
from newsingest.config import Settings
from newsingest.identity import article_id
from newsingest.ingest.formats.base import SourceFile
from newsingest.ingest.formats.registry import parse_file
from newsingest.kafka.headers import message_headers
from newsingest.kafka.topics import ensure_topics
from newsingest.models import SCHEMA_VERSION, EnrichedArticle, Entity, EntityType, Provenance
from tests.conftest import REPO
from tests.integration.harness import PipelineProcess, read_topic, settings_env, wait_for

EXAMPLE = REPO / "examples" / "python" / "consume_enriched.py"
KCAT_EXAMPLE = REPO / "examples" / "kcat" / "tail-enriched.sh"
PUBLISHED_SCHEMA = REPO / "schemas" / "enriched-article.schema.json"
DOCUMENTED_HEADERS = {
    "content-type": "application/json",
    "schema": "enriched-article",
    "schema-version": SCHEMA_VERSION,
    "producer": f"newsingest/{__version__}",
}


# --- helpers -------------------------------------------------------------------------------------------------
def validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        json.loads(PUBLISHED_SCHEMA.read_text()), format_checker=jsonschema.FormatChecker()
    )


def sample_ids(path: Path) -> list[str]:
    return [a.article_id for a in parse_file(SourceFile(name=path.name, data=path.read_bytes()))]


def drop(path: Path, inbox: Path, name: str) -> None:
    """Write elsewhere, then rename into the inbox, as a careful producer does."""
    staging = inbox.parent / "staging"
    staging.mkdir(exist_ok=True)
    shutil.copyfile(path, staging / name)
    (staging / name).rename(inbox / name)


def wait_until_running(pipeline: PipelineProcess) -> None:
    wait_for(lambda: "indexer started" in pipeline.log(), 90, "pipeline started", pipeline.log)


def assert_published_message(key: str, headers: dict[str, str], payload: dict[str, Any]) -> None:
    """What docs/consuming.md promises for every message: headers, key and a payload valid for the schema."""
    assert headers == DOCUMENTED_HEADERS
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator().iter_errors(payload)]
    assert errors == []
    assert payload["schema_version"] == headers["schema-version"]
    assert key == payload["article_id"]


def synthetic(title: str, language: str, persons: tuple[str, ...] = ()) -> EnrichedArticle:
    return EnrichedArticle(
        article_id=article_id(title, title),
        title=title,
        body=title,
        provenance=Provenance(
            file_name="x.txt", file_sha256="0" * 64, file_size=1, media_type="text/plain", format="text"
        ),
        language=language,
        language_confidence=0.9,
        entities=[Entity(name=name, type=EntityType.PERSON, count=1) for name in persons],
        word_count=2,
        pipeline_version="test",
    )


def produce_with_headers(settings: Settings, messages: list[tuple[bytes, bytes, list[tuple[str, bytes]]]]) -> None:
    """Produce to the enriched topic, all to partition 0 so that they are read in the order written."""

    async def main() -> None:
        producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_servers, acks="all")
        await producer.start()
        try:
            for key, value, headers in messages:
                await producer.send_and_wait(
                    settings.topic_enriched, key=key, value=value, headers=headers, partition=0
                )
        finally:
            await producer.stop()

    asyncio.run(main())


class ExampleConsumer:
    """examples/python/consume_enriched.py as a subprocess, configured from NEWSINGEST_* variables."""

    def __init__(self, settings: Settings, folder: Path, group: str) -> None:
        env = settings_env(settings) | {
            "NEWSINGEST_KAFKA_BOOTSTRAP_SERVERS": settings.kafka_servers,
            "NEWSINGEST_CONSUMER_GROUP": group,
        }
        self.stdout, self.stderr = folder / "example.out", folder / "example.err"
        with self.stdout.open("wb") as out, self.stderr.open("wb") as err:
            self.proc = subprocess.Popen([sys.executable, str(EXAMPLE)], env=env, stdout=out, stderr=err)

    def lines(self) -> list[str]:
        return self.stdout.read_text().splitlines()

    def errors(self) -> str:
        return self.stderr.read_text()

    def printed_ids(self) -> list[str]:
        return [line.split("  ", 1)[0] for line in self.lines()]

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


# --- the example consumer ------------------------------------------------------------------------------------
def test_example_consumer_sees_the_enriched_article_valid_with_the_documented_headers(
    pipeline: PipelineProcess, isolated: Settings, samples_dir: Path, tmp_path: Path
) -> None:
    wait_until_running(pipeline)
    consumer = ExampleConsumer(isolated, tmp_path, group=f"{isolated.app_id}.example-reader")
    try:
        sample = sorted(samples_dir.glob("*.txt"))[0]
        (expected,) = sample_ids(sample)
        drop(sample, isolated.inbox_dir, "first.txt")
        wait_for(
            lambda: expected in consumer.printed_ids(),
            90,
            "the example consumer printing the article",
            lambda: pipeline.log() + consumer.errors(),
        )
        (line,) = consumer.lines()
        assert line.split("  ")[1] == "de"

        # the same text again: a second message with the same key, which the consumer skips as a duplicate
        drop(sample, isolated.inbox_dir, "again.txt")
        wait_for(
            lambda: expected in consumer.errors(),
            90,
            "the duplicate reported",
            lambda: pipeline.log() + consumer.errors(),
        )
        assert consumer.printed_ids() == [expected]
    finally:
        exit_code = consumer.stop()
    assert exit_code == 0
    assert consumer.errors().splitlines()[-1] == "1 articles, 1 duplicates skipped, 0 invalid"

    records = read_topic(isolated, isolated.topic_enriched, expect=2)
    assert len(records) == 2
    for record in records:
        headers = {k: v.decode() for k, v in record.headers}
        assert_published_message(record.key.decode(), headers, json.loads(record.value))


def test_example_consumer_reports_and_skips_invalid_messages(isolated: Settings, tmp_path: Path) -> None:
    asyncio.run(ensure_topics(isolated))
    good = synthetic("Guter Artikel", "de")
    key, headers = good.article_id.encode(), message_headers("enriched-article")
    produce_with_headers(
        isolated,
        [
            (b"x", b"{not json", headers),
            (key, json.dumps({"article_id": good.article_id}).encode(), headers),
            (key, good.model_dump_json().encode(), []),
            (key, good.model_dump_json().encode(), headers),
        ],
    )
    consumer = ExampleConsumer(isolated, tmp_path, group=f"{isolated.app_id}.example-reader")
    try:
        wait_for(lambda: consumer.printed_ids() == [good.article_id], 60, "the valid article", consumer.errors)
    finally:
        consumer.stop()
    reasons = [line.split(": ", 1)[1] for line in consumer.errors().splitlines() if line.startswith("invalid")]
    assert [reason.split(":")[0] for reason in reasons] == [
        "not JSON",
        "invalid against the schema at (root)",
        "content-type header is None",
    ]


# --- the kcat one-liner ----------------------------------------------------------------------------------------
def test_kcat_one_liner_prints_key_headers_and_valid_value(
    pipeline: PipelineProcess, isolated: Settings, samples_dir: Path
) -> None:
    if shutil.which("kcat") is None:
        pytest.fail("kcat is not installed: run `make kcat`")
    wait_until_running(pipeline)
    sample = sorted(samples_dir.glob("*.txt"))[-1]
    (expected,) = sample_ids(sample)
    drop(sample, isolated.inbox_dir, "kcat.txt")
    wait_for(
        lambda: len(read_topic(isolated, isolated.topic_enriched, expect=1, timeout=2)) == 1,
        90,
        "the enriched article on the topic",
        pipeline.log,
    )

    env = settings_env(isolated) | {"NEWSINGEST_KAFKA_BOOTSTRAP_SERVERS": isolated.kafka_servers}
    result = subprocess.run(
        [str(KCAT_EXAMPLE), "-e", "-q"], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    (line,) = result.stdout.splitlines()
    key, header_text, value = line.split(" ", 2)
    headers = dict(pair.split("=", 1) for pair in header_text.split(","))
    assert key == expected
    assert_published_message(key, headers, json.loads(value))


# --- newsingest tail -----------------------------------------------------------------------------------------
def tail(settings: Settings, *args: str) -> list[str]:
    result = subprocess.run(
        [str(Path(sys.executable).with_name("newsingest")), "tail", *args],
        env=settings_env(settings),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_tail_filters_by_language_and_person_and_skips_unreadable_messages(isolated: Settings) -> None:
    asyncio.run(ensure_topics(isolated))
    articles = [
        synthetic("An English story", "en", ("Olaf Scholz",)),
        synthetic("Eine Meldung ohne Kanzler", "de", ("Kim Jong Un",)),
        synthetic("Scholz trifft Macron", "de", ("Olaf Scholz", "Emmanuel Macron")),
    ]
    headers = message_headers("enriched-article")
    messages = [(a.article_id.encode(), a.model_dump_json().encode()) for a in articles]
    produce_with_headers(isolated, [(b"bad", b"{broken", headers), *[(*m, headers) for m in messages]])

    (line,) = tail(isolated, "--from-beginning", "--lang", "de", "--person", "scholz", "--json", "--limit", "1")
    assert json.loads(line)["title"] == "Scholz trifft Macron"
    lines = tail(isolated, "--from-beginning", "--lang", "de", "--limit", "2")
    assert [line.split("[de] ")[1] for line in lines] == [
        "Eine Meldung ohne Kanzler  (Kim Jong Un)",
        "Scholz trifft Macron  (Olaf Scholz, Emmanuel Macron)",
    ]

    # with a group of its own, tail resumes where the group left off; without one it commits nothing
    group = f"{isolated.app_id}.tail-reader"
    first = tail(isolated, "--group", group, "--from-beginning", "--json", "--limit", "1")
    second = tail(isolated, "--group", group, "--from-beginning", "--json", "--limit", "1")
    assert [json.loads(line)["title"] for line in first + second] == ["An English story", "Eine Meldung ohne Kanzler"]
    assert tail(isolated, "--from-beginning", "--json", "--limit", "1") == first


def test_tail_prints_what_the_real_pipeline_enriches(
    pipeline: PipelineProcess, isolated: Settings, samples_dir: Path
) -> None:
    wait_until_running(pipeline)
    sample = sorted(samples_dir.glob("*.txt"))[0]
    (expected,) = sample_ids(sample)
    drop(sample, isolated.inbox_dir, "tail.txt")
    (line,) = tail(isolated, "--from-beginning", "--lang", "de", "--json", "--limit", "1")
    payload = json.loads(line)
    assert payload["article_id"] == expected
    assert list(validator().iter_errors(payload)) == []
