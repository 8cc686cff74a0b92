#!/usr/bin/env python3
"""Example consumer of newsingest's ``news.enriched`` topic: what another team's service starts from.

Needs only ``aiokafka`` and ``jsonschema`` (``pip install -r requirements.txt``) and the published schema
``schemas/enriched-article.schema.json``; it does not import newsingest. For every message it:

1. checks the headers: ``content-type: application/json``, ``schema: enriched-article``, a ``schema-version``
   with the major version of the schema file it validates against, ``producer: newsingest/<version>``;
2. validates the value against the JSON Schema (unknown fields are allowed: newer minor versions add them);
3. deduplicates by ``article_id`` (delivery is at-least-once, and the same article can be enriched again);
4. prints one line per new article: ``<article_id>  <language>  <title>``.

Offsets are committed after the messages of a batch were handled, so a restart re-reads at most one batch.
Invalid messages are reported on stderr and skipped. On exit (SIGINT/SIGTERM, --limit, --idle-timeout) a
summary goes to stderr.

Settings come from the arguments or the same environment variables newsingest uses:
NEWSINGEST_KAFKA_BOOTSTRAP_SERVERS, NEWSINGEST_TOPIC_ENRICHED, and NEWSINGEST_CONSUMER_GROUP for the group.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer
from aiokafka.structs import ConsumerRecord
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import best_match

DEFAULT_SCHEMA = Path(__file__).resolve().parents[2] / "schemas" / "enriched-article.schema.json"
SCHEMA_NAME = "enriched-article"
CONTENT_TYPE = "application/json"


class InvalidMessage(ValueError):
    pass


@dataclass
class Reader:
    validator: Draft202012Validator
    major: str
    seen: set[str] = field(default_factory=set)
    articles: int = 0
    duplicates: int = 0
    invalid: int = 0

    def check(self, record: ConsumerRecord[bytes, bytes]) -> dict[str, Any]:
        """The article in ``record``, or InvalidMessage with the reason."""
        headers = {key: value.decode("utf-8", "replace") for key, value in record.headers or ()}
        if headers.get("content-type") != CONTENT_TYPE:
            raise InvalidMessage(f"content-type header is {headers.get('content-type')!r}")
        if headers.get("schema") != SCHEMA_NAME:
            raise InvalidMessage(f"schema header is {headers.get('schema')!r}")
        version = headers.get("schema-version", "")
        if version.split(".")[0] != self.major:
            raise InvalidMessage(f"schema-version {version!r} is not of major version {self.major}")
        if not headers.get("producer", "").startswith("newsingest/"):
            raise InvalidMessage(f"producer header is {headers.get('producer')!r}")
        try:
            article = json.loads(record.value or b"")
        except ValueError as exc:
            raise InvalidMessage(f"not JSON: {exc}") from exc
        error = best_match(self.validator.iter_errors(article))
        if error is not None:
            where = "/".join(str(p) for p in error.absolute_path) or "(root)"
            raise InvalidMessage(f"invalid against the schema at {where}: {error.message}")
        if article.get("schema_version") != version:
            raise InvalidMessage(f"schema_version {article.get('schema_version')!r} differs from header {version!r}")
        if record.key is not None and record.key.decode() != article["article_id"]:
            raise InvalidMessage("message key is not the article_id")
        return dict(article)

    def handle(self, record: ConsumerRecord[bytes, bytes]) -> None:
        try:
            article = self.check(record)
        except InvalidMessage as exc:
            self.invalid += 1
            print(
                f"invalid message at partition {record.partition} offset {record.offset}: {exc}",
                file=sys.stderr,
                flush=True,
            )
            return
        if article["article_id"] in self.seen:  # a service with state would upsert by article_id instead
            self.duplicates += 1
            print(
                f"duplicate of an article already seen: {article['article_id']} "
                f"(partition {record.partition} offset {record.offset})",
                file=sys.stderr,
                flush=True,
            )
            return
        self.seen.add(article["article_id"])
        self.articles += 1
        print(f"{article['article_id']}  {article['language']}  {article['title']}", flush=True)


def load_validator(path: Path) -> tuple[Draft202012Validator, str]:
    schema = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    major = str(schema.get("x-schema-version", "1.0.0")).split(".")[0]
    return Draft202012Validator(schema, format_checker=FormatChecker()), major


async def consume(args: argparse.Namespace, reader: Reader) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    consumer = AIOKafkaConsumer(
        args.topic,
        bootstrap_servers=args.bootstrap_servers,
        group_id=args.group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",  # a new group reads every retained article (the topic is compacted)
        metadata_max_age_ms=5000,  # notice a topic created after the consumer started
    )
    await consumer.start()
    try:
        last_message = time.monotonic()
        while not stop.is_set():
            batch = await consumer.getmany(timeout_ms=500)
            for records in batch.values():
                for record in records:
                    reader.handle(record)
            if batch:
                await consumer.commit()
                last_message = time.monotonic()
            if args.limit is not None and reader.articles >= args.limit:
                break
            if args.idle_timeout is not None and time.monotonic() - last_message > args.idle_timeout:
                break
    finally:
        await consumer.stop()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    env = os.environ.get
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--bootstrap-servers", default=env("NEWSINGEST_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"))
    parser.add_argument("--topic", default=env("NEWSINGEST_TOPIC_ENRICHED", "news.enriched"))
    parser.add_argument(
        "--group",
        default=env("NEWSINGEST_CONSUMER_GROUP", "example.enriched-reader"),
        help="consumer group of this consumer (offsets are committed there)",
    )
    parser.add_argument("--schema", type=Path, default=DEFAULT_SCHEMA, help="the published JSON Schema")
    parser.add_argument("--limit", type=int, default=None, help="exit after this many distinct articles")
    parser.add_argument("--idle-timeout", type=float, default=None, help="exit after this many idle seconds")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    validator, major = load_validator(args.schema)
    reader = Reader(validator=validator, major=major)
    asyncio.run(consume(args, reader))
    print(
        f"{reader.articles} articles, {reader.duplicates} duplicates skipped, {reader.invalid} invalid", file=sys.stderr
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
