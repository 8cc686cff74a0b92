"""The ``newsingest`` command line. Each command builds the settings once and hands them on."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from newsingest.config import Settings, load_settings
from newsingest.log import configure_logging


def _settings(ctx: click.Context) -> Settings:
    return ctx.find_root().obj


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="newsingest")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Streaming news ingest: watched folder -> Kafka -> enrichment -> Elasticsearch.

    Settings come from NEWSINGEST_* environment variables (see README).
    """
    settings = load_settings()
    configure_logging(settings.log_level, settings.log_format)
    ctx.obj = settings


# --- stack ------------------------------------------------------------------------------------------
@cli.group()
def stack() -> None:
    """The local Kafka (KRaft) + Elasticsearch, assembled from Maven Central into .stack/."""


def _stack_call(action: str) -> None:
    from newsingest.stack import manager
    from newsingest.stack.process import StackError

    settings = _settings(click.get_current_context())
    progress = lambda msg: click.echo(msg, err=True)  # noqa: E731
    try:
        if action == "up":
            manager.stack_up(settings, progress)
        elif action == "down":
            manager.stack_down(settings, progress)
        else:
            status = manager.stack_status(settings, progress)
            click.echo(json.dumps(status, indent=2, default=str))
            if not all(s.get("running") for s in status.values()):
                sys.exit(3)
    except StackError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)


@stack.command("up")
def stack_up() -> None:
    """Assemble (first time) and start Kafka and Elasticsearch; wait until both are healthy."""
    _stack_call("up")


@stack.command("down")
def stack_down() -> None:
    """Stop Kafka and Elasticsearch cleanly and free their ports."""
    _stack_call("down")


@stack.command("status")
def stack_status() -> None:
    """Print the state of each local component (exit 3 if one is not running)."""
    _stack_call("status")


# --- schemas ----------------------------------------------------------------------------------------
@cli.group()
def schemas() -> None:
    """The JSON Schemas of the messages, generated from the pydantic models."""


_SCHEMA_DIR_OPTION = click.option(
    "--dir", "directory", type=click.Path(path_type=Path, file_okay=False), default=Path("schemas"),
    show_default=True, help="folder of the schema files",
)


@schemas.command("write")
@_SCHEMA_DIR_OPTION
def schemas_write(directory: Path) -> None:
    """Write <dir>/<message>.schema.json from the models (e.g. for a consumer's own repository)."""
    from newsingest import schemas as mod

    for path in mod.write_schemas(directory):
        click.echo(f"wrote {path}")


@schemas.command("check")
@_SCHEMA_DIR_OPTION
def schemas_check(directory: Path) -> None:
    """Exit 1 if the schema files in <dir> differ from the models."""
    from newsingest import schemas as mod

    drifted = mod.drifted_schemas(directory)
    if drifted:
        click.echo(f"schemas out of date: {', '.join(drifted)}; run `newsingest schemas write --dir {directory}`",
                   err=True)
        sys.exit(1)
    click.echo("schemas up to date")


# --- pipeline ---------------------------------------------------------------------------------------
def _start_worker(settings: Settings, *, enrich: bool, index: bool, watch: bool, process: str, notify: bool = False,
                  lifeline_fd: int | None = None) -> None:
    """Create the topics, then run the chosen parts until SIGINT/SIGTERM, or until one of them crashes (exit 70)."""
    from newsingest.runtime.launch import start_worker

    start_worker(settings, enrich=enrich, index=index, watch=watch, process=process, notify=notify,
                 lifeline_fd=lifeline_fd)


def _with_inbox(ctx: click.Context, inbox: Path | None) -> Settings:
    settings = _settings(ctx)
    if inbox is not None:
        settings = settings.model_copy(update={"inbox_dir": inbox})
    return settings


@cli.command("run")
@click.option("--inbox", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="folder to watch (default: NEWSINGEST_INBOX_DIR or ./inbox)")
@click.pass_context
def run_cmd(ctx: click.Context, inbox: Path | None) -> None:
    """Watcher + enrich agent + indexer in one foreground process; Ctrl-C stops cleanly."""
    _start_worker(_with_inbox(ctx, inbox), enrich=True, index=True, watch=True, process="run")


@cli.command("worker")
@click.option("--no-index", is_flag=True, help="run only the enrich agent")
@click.option("--no-enrich", is_flag=True, help="run only the indexer")
@click.pass_context
def worker_cmd(ctx: click.Context, no_index: bool, no_enrich: bool) -> None:
    """Enrich agent + indexer (scale out by starting more workers)."""
    _start_worker(_settings(ctx), enrich=not no_enrich, index=not no_index, watch=False, process="worker")


@cli.command("watch")
@click.option("--inbox", type=click.Path(path_type=Path, file_okay=False), default=None)
@click.pass_context
def watch_cmd(ctx: click.Context, inbox: Path | None) -> None:
    """Only the inbox watcher and producer (metrics on the web port too)."""
    _start_worker(_with_inbox(ctx, inbox), enrich=False, index=False, watch=True, process="watch")


@cli.command("notify")
@click.option("--lifeline-fd", type=int, default=None, hidden=True,
              help="set by a parent `run` or `worker`: stop when this socket closes")
@click.pass_context
def notify_cmd(ctx: click.Context, lifeline_fd: int | None) -> None:
    """Only the webhook notifier (news.alerts -> webhooks); `run` and `worker` start one as their child."""
    _start_worker(_settings(ctx), enrich=False, index=False, watch=False, notify=True, process="notify",
                  lifeline_fd=lifeline_fd)


@cli.command("ingest")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def ingest_cmd(ctx: click.Context, files: tuple[Path, ...]) -> None:
    """Parse FILES and produce their articles to Kafka once (no watching, files are not moved)."""
    import asyncio

    from newsingest.ingest.formats.base import ParseError, SourceFile
    from newsingest.ingest.formats.registry import parse_file
    from newsingest.ingest.producer import ArticleProducer
    from newsingest.kafka.topics import ensure_topics

    settings = _settings(ctx)

    async def main() -> int:
        await ensure_topics(settings)
        producer = ArticleProducer(settings)
        await producer.start()
        failures = 0
        try:
            for path in files:
                try:
                    articles = parse_file(SourceFile(name=path.name, data=path.read_bytes()))
                except ParseError as exc:
                    failures += 1
                    click.echo(f"FAILED {path}: [{exc.code}] {exc.reason}", err=True)
                    continue
                await producer.send_articles(articles)
                for article in articles:
                    click.echo(f"{article.article_id}  {path}  {article.title[:70]}")
        finally:
            await producer.stop()
        return failures

    sys.exit(1 if asyncio.run(main()) else 0)


# --- commands that live in their own modules -----------------------------------------------------------
#: (module, attribute) of click commands registered on the group; one line per command.
EXTENSION_COMMANDS: list[tuple[str, str]] = [
    ("newsingest.cli.search", "search_cmd"),
    ("newsingest.cli.search", "serve_cmd"),
    ("newsingest.cli.search", "reindex_cmd"),
    ("newsingest.cli.reenrich", "reenrich_cmd"),
    ("newsingest.cli.search", "kibana_group"),
    ("newsingest.cli.tail", "tail_cmd"),
    ("newsingest.cli.parse", "parse"),
    ("newsingest.cli.enrich", "enrich_cmd"),
    ("newsingest.cli.settings", "settings_cmd"),
    ("newsingest.cli.status", "status_cmd"),
    ("newsingest.cli.failed", "failed_group"),
    ("newsingest.cli.stories", "stories_group"),
    ("newsingest.cli.alerts", "alerts_group"),
]


def _register_extensions() -> None:
    import importlib

    for module, attribute in EXTENSION_COMMANDS:
        cli.add_command(getattr(importlib.import_module(module), attribute))


_register_extensions()


def main() -> None:
    cli(prog_name="newsingest")


