"""Evaluate the service's named-entity engine on a CoNLL-2003 or GermEval 2014 file.

    .venv/bin/python bench/ner_eval.py --format germeval /work/shared/data/ner/germeval2014/NER-de-dev.tsv \
        --out /tmp/germeval.pred
    .venv/bin/python bench/ner_eval.py --format conll /work/shared/data/ner/conll2003-en/valid.txt --out /tmp/conll.pred

Sentences go through the same engine the service builds (``build_engine(Settings())``): the tokens of a sentence
are joined with single spaces, the sentences of one document (CoNLL ``-DOCSTART-``; GermEval: one sentence per
source) with blank lines, and predicted character spans are mapped back onto the gold tokens. Writes
``token gold predicted`` per line (blank line between sentences) and prints entity-level exact-match precision,
recall and F1 per type and overall for PER/LOC/ORG (MISC/OTH reported separately, not in the overall score).
GermEval ``*deriv`` / ``*part`` tags count as O.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from newsingest.config import Settings
from newsingest.enrich.gazetteer import Gazetteer, load_gazetteer
from newsingest.enrich.ner.base import NerEngine, RawMention, entity_type, split_tag
from newsingest.enrich.ner.factory import build_engine
from newsingest.enrich.pipeline import article_entities

MAIN_TYPES = ("PER", "LOC", "ORG")
ALL_TYPES = (*MAIN_TYPES, "MISC")
LANGUAGE = {"germeval": "de", "conll": "en"}


@dataclass
class Sentence:
    tokens: list[str]
    gold: list[str]
    pred: list[str] = field(default_factory=list)


@dataclass
class Document:
    sentences: list[Sentence]


# --- reading ---------------------------------------------------------------------------------------------
def normalise_tag(tag: str) -> str:
    """Gold or predicted tag -> ``O`` or ``B-``/``I-`` + one of PER/LOC/ORG/MISC (deriv/part -> O)."""
    prefix, label = split_tag(tag.strip())
    if not label or label == "O" or label.lower().endswith(("deriv", "part")):
        return "O"
    kind = entity_type(label)
    if kind is None:
        return "O"
    return f"{prefix or 'I'}-{kind.value}"


def read_conll(lines: Iterable[str]) -> list[Document]:
    """CoNLL-2003: ``token POS chunk NER`` per line, blank line between sentences, ``-DOCSTART-`` per document."""
    documents: list[Document] = []
    tokens: list[str] = []
    tags: list[str] = []

    def end_sentence() -> None:
        if tokens:
            if not documents:
                documents.append(Document([]))
            documents[-1].sentences.append(Sentence(tokens.copy(), tags.copy()))
            tokens.clear()
            tags.clear()

    for raw in lines:
        line = raw.rstrip("\n")
        if not line.strip():
            end_sentence()
            continue
        parts = line.split()
        if parts[0] == "-DOCSTART-":
            end_sentence()
            documents.append(Document([]))
            continue
        tokens.append(parts[0])
        tags.append(normalise_tag(parts[-1]))
    end_sentence()
    return [d for d in documents if d.sentences]


def read_germeval(lines: Iterable[str]) -> list[Document]:
    """GermEval 2014: ``# source [date]`` then ``index token outer nested`` (tab-separated) per sentence.
    Every sentence comes from a different source, so each is its own document. Only the outer tag is scored."""
    documents: list[Document] = []
    tokens: list[str] = []
    tags: list[str] = []

    def end_sentence() -> None:
        if tokens:
            documents.append(Document([Sentence(tokens.copy(), tags.copy())]))
            tokens.clear()
            tags.clear()

    for raw in lines:
        line = raw.rstrip("\n")
        if not line.strip():
            end_sentence()
            continue
        if line.startswith("#\t") or line == "#":
            end_sentence()
            continue
        parts = line.split("\t")
        if len(parts) < 3:
            raise ValueError(f"not a GermEval line: {line!r}")
        tokens.append(parts[1])
        tags.append(normalise_tag(parts[2]))
    end_sentence()
    return documents


READERS = {"conll": read_conll, "germeval": read_germeval}


# --- spans and scoring ------------------------------------------------------------------------------------
def spans(tags: Sequence[str]) -> set[tuple[int, int, str]]:
    """Entity spans ``(first token, last token + 1, type)`` of IOB1/IOB2 tags (conlleval semantics)."""
    found: set[tuple[int, int, str]] = set()
    start, kind = -1, ""
    for i, tag in enumerate([*tags, "O"]):
        prefix, label = split_tag(tag)
        label = "" if label == "O" else label
        begins = bool(label) and (prefix in ("B", "S") or label != kind)
        if kind and (not label or begins):
            found.add((start, i, kind))
            kind = ""
        if begins:
            start, kind = i, label
    return found


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score(sentences: Iterable[Sentence]) -> dict[str, Counts]:
    """Exact-match counts per type, plus ``overall`` over PER/LOC/ORG."""
    counts = {kind: Counts() for kind in (*ALL_TYPES, "overall")}
    for sentence in sentences:
        gold, pred = spans(sentence.gold), spans(sentence.pred)
        for kind in ALL_TYPES:
            g = {s for s in gold if s[2] == kind}
            p = {s for s in pred if s[2] == kind}
            for target in (counts[kind], counts["overall"]) if kind in MAIN_TYPES else (counts[kind],):
                target.tp += len(g & p)
                target.fp += len(p - g)
                target.fn += len(g - p)
    return counts


# --- running the engine -----------------------------------------------------------------------------------
def document_text(document: Document) -> tuple[str, list[list[tuple[int, int]]]]:
    """The document as one text (tokens joined by spaces, sentences by blank lines) and each token's span."""
    parts: list[str] = []
    offsets: list[list[tuple[int, int]]] = []
    position = 0
    for n, sentence in enumerate(document.sentences):
        if n:
            parts.append("\n\n")
            position += 2
        token_spans = []
        for i, token in enumerate(sentence.tokens):
            if i:
                parts.append(" ")
                position += 1
            parts.append(token)
            token_spans.append((position, position + len(token)))
            position += len(token)
        offsets.append(token_spans)
    return "".join(parts), offsets


def tags_from_mentions(token_spans: Sequence[tuple[int, int]], mentions: Iterable[RawMention]) -> list[str]:
    """IOB2 tags of the tokens: a token gets the type of the first mention that overlaps it."""
    tags = ["O"] * len(token_spans)
    for mention in sorted(mentions, key=lambda m: (m.start, m.end)):
        inside = [i for i, (s, e) in enumerate(token_spans) if s < mention.end and mention.start < e and tags[i] == "O"]
        for n, i in enumerate(inside):
            tags[i] = f"{'B' if n == 0 else 'I'}-{mention.type.value}"
    return tags


def service_mentions(text: str, mentions: list[RawMention], language: str, gazetteer: Gazetteer) -> list[RawMention]:
    """The mentions of the entities the service indexes for ``text`` (span repair, types, in-article rules of
    ``pipeline.article_entities``), each with its entity's type."""
    entities = article_entities("", text, language, [], mentions, gazetteer)
    return [
        RawMention(m.start, m.end, m.text, entity.type)
        for entity in entities
        for m in entity.mentions
        if m.field == "body"
    ]


async def predict(engine: NerEngine, documents: Sequence[Document], language: str, concurrency: int,
                  gazetteer: Gazetteer | None = None) -> None:
    """Fill ``pred`` of every sentence; documents are sent ``concurrency`` at a time. With a ``gazetteer`` the
    engine's mentions go through the service's entity rules first (``--service``)."""
    queue: asyncio.Queue[Document] = asyncio.Queue()
    for document in documents:
        queue.put_nowait(document)

    async def worker() -> None:
        while not queue.empty():
            document = queue.get_nowait()
            text, offsets = document_text(document)
            mentions = await engine.recognise(text, language)
            if gazetteer is not None:
                mentions = service_mentions(text, mentions, language, gazetteer)
            for sentence, token_spans in zip(document.sentences, offsets, strict=True):
                lo, hi = token_spans[0][0], token_spans[-1][1]
                sentence.pred = tags_from_mentions(token_spans, [m for m in mentions if lo <= m.start < hi])

    await asyncio.gather(*(worker() for _ in range(concurrency)))


def server_cpu_seconds(pid: int | None) -> float | None:
    """User+system CPU seconds of a local process (the CoreNLP server), from /proc."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def local_server_pid(settings: Settings) -> int | None:
    from newsingest.stack.process import read_pid

    local = f"http://{settings.stack_host}:{settings.stack_corenlp_port}"
    if settings.corenlp_server.rstrip("/") not in (local, local.replace(settings.stack_host, "localhost")):
        return None
    return read_pid(settings.stack_dir / "corenlp" / "corenlp.pid")


def iter_output(documents: Sequence[Document]) -> Iterator[str]:
    for document in documents:
        for sentence in document.sentences:
            for token, gold, pred in zip(sentence.tokens, sentence.gold, sentence.pred, strict=True):
                yield f"{token} {gold} {pred}\n"
            yield "\n"


def report(counts: dict[str, Counts]) -> str:
    lines = [f"{'type':<10}{'precision':>10}{'recall':>10}{'F1':>10}{'gold':>8}{'pred':>8}"]
    for kind in (*MAIN_TYPES, "overall", "MISC"):
        c = counts[kind]
        label = "PER/LOC/ORG" if kind == "overall" else kind
        lines.append(f"{label:<10}{c.precision:>10.4f}{c.recall:>10.4f}{c.f1:>10.4f}{c.tp + c.fn:>8}{c.tp + c.fp:>8}")
    return "\n".join(lines)


async def run(args: argparse.Namespace) -> int:
    settings = Settings(**({"corenlp_url": args.url} if args.url else {}))
    documents = READERS[args.format](args.file.read_text(encoding="utf-8").splitlines())
    if args.limit:
        documents = documents[: args.limit]
    language = args.language or LANGUAGE[args.format]
    engine = build_engine(settings)
    if not engine.supports(language):
        print(f"engine {engine.name} does not support {language!r}", file=sys.stderr)
        return 2
    sentences = [s for d in documents for s in d.sentences]
    n_tokens = sum(len(s.tokens) for s in sentences)
    try:
        if args.warmup:  # the server loads a language's models on its first request
            await engine.recognise("Warm up .", language)
        pid = local_server_pid(settings)
        cpu0, t0 = server_cpu_seconds(pid), time.perf_counter()
        gazetteer = load_gazetteer() if args.service else None
        await predict(engine, documents, language, args.concurrency or settings.ner_concurrency, gazetteer)
        elapsed, cpu1 = time.perf_counter() - t0, server_cpu_seconds(pid)
    finally:
        await engine.aclose()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("".join(iter_output(documents)), encoding="utf-8")

    cores = os.cpu_count() or 1
    print(f"{args.format} {args.file.name}: {len(documents)} documents, {len(sentences)} sentences, {n_tokens} tokens")
    print(f"engine: {engine.name} ({settings.corenlp_server}), language {language}, python {platform.python_version()}")
    print(report(score(sentences)))
    print(
        f"wall {elapsed:.1f}s on {cores} cores: {len(documents) / elapsed / cores:.1f} articles, "
        f"{len(sentences) / elapsed / cores:.1f} sentences, {n_tokens / elapsed / cores:.0f} tokens per second per core"
    )
    result: dict[str, object] = {
        "format": args.format,
        "file": args.file.name,
        "language": language,
        "engine": engine.name + (" + service entity rules" if args.service else ""),
        "documents": len(documents),
        "sentences": len(sentences),
        "tokens": n_tokens,
        "articles_per_s_per_core": round(len(documents) / elapsed / cores, 2),
        "tokens_per_s_per_core": round(n_tokens / elapsed / cores),
    }
    counts = score(sentences)
    for kind in (*MAIN_TYPES, "overall", "MISC"):
        c = counts[kind]
        result[f"f1_{kind}"] = round(c.f1, 4)
        result[f"precision_{kind}"] = round(c.precision, 4)
        result[f"recall_{kind}"] = round(c.recall, 4)
    if cpu0 is not None and cpu1 is not None and cpu1 > cpu0:
        used = cpu1 - cpu0
        result["articles_per_server_cpu_s"] = round(len(documents) / used, 2)
        print(
            f"server CPU {used:.1f}s: {len(documents) / used:.1f} articles, {len(sentences) / used:.1f} sentences, "
            f"{n_tokens / used:.0f} tokens per server CPU-second"
        )
    if args.record:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from common import record  # bench/common.py

        name = f"ner_eval {args.format}" + (" --service" if args.service else "")
        record(name, result, "```\n" + report(counts) + "\n```", settings)
    else:
        print(json.dumps(result))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--format", choices=sorted(READERS), required=True)
    parser.add_argument("file", type=Path)
    parser.add_argument("--out", type=Path, required=True, help="token, gold and predicted tag per line")
    parser.add_argument("--language", help="language sent to the engine (default: de for germeval, en for conll)")
    parser.add_argument("--url", help="CoreNLP server URL (default: the settings' corenlp_server)")
    parser.add_argument("--concurrency", type=int, default=0, help="documents in flight (default: ner_concurrency)")
    parser.add_argument("--limit", type=int, default=0, help="only the first N documents")
    parser.add_argument("--service", action="store_true",
                        help="score the mentions of the entities the service indexes (engine + the entity rules of "
                        "enrich/pipeline.article_entities), not the engine's own mentions")
    parser.add_argument("--no-warmup", dest="warmup", action="store_false", help="time the model loading too")
    parser.add_argument("--no-record", dest="record", action="store_false", help="do not append to docs/benchmarks.md")
    return asyncio.run(run(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
