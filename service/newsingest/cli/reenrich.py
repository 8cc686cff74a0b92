"""``newsingest reenrich``: replay news.raw through the current enrichment into a new index version
(newsingest.index.reenrich), registered in cli/__init__.py."""

from __future__ import annotations

import asyncio
import json
import sys
from dataclasses import asdict
from datetime import UTC, datetime

import click

from newsingest.config import Settings, load_settings


def _settings() -> Settings:
    ctx = click.get_current_context(silent=True)
    root = ctx.find_root().obj if ctx is not None else None
    return root if isinstance(root, Settings) else load_settings()


def parse_since(value: str | None) -> datetime | None:
    """``YYYY-MM-DD`` (midnight UTC) or an ISO date-time (UTC unless it says otherwise)."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise click.BadParameter(f"{value!r}: expected YYYY-MM-DD or an ISO date-time") from exc
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class _StderrLine:
    """Progress lines on stderr: rewritten in place on a terminal, one per line otherwise."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.open = False

    def __call__(self, message: str) -> None:
        meter = message.startswith("reenrich ")
        if self.tty and meter:
            sys.stderr.write("\r\033[K" + message)
            self.open = True
        else:
            if self.open:
                sys.stderr.write("\n")
                self.open = False
            sys.stderr.write(message + "\n")
        sys.stderr.flush()


@click.command("reenrich")
@click.option("--since", "since_text", default=None, metavar="DATE",
              help="replay only articles published or ingested since DATE (YYYY-MM-DD or ISO date-time); "
                   "older ones are carried over from the current index")
@click.option("--concurrency", type=click.IntRange(1, 256), default=None,
              help="articles enriched at a time (default: NEWSINGEST_ENRICH_MAX_IN_FLIGHT)")
@click.option("--allow-missing", is_flag=True,
              help="go on when news.raw lacks articles of the index (keep their current versions)")
@click.option("--delete-old", is_flag=True, help="delete the previous index version after the swap")
@click.option("--json", "as_json", is_flag=True, help="print the report as JSON")
def reenrich_cmd(since_text: str | None, concurrency: int | None, allow_missing: bool, delete_old: bool,
                 as_json: bool) -> None:
    """Replay news.raw through the current enrichment into a new index version, produce the new versions to
    news.enriched and swap the aliases; searches use the old version until the swap."""
    from newsingest.index.reenrich import ReenrichError, reenrich
    from newsingest.index.reindex import ReindexError

    settings = _settings()
    since = parse_since(since_text)
    line = _StderrLine()
    try:
        report = asyncio.run(reenrich(settings, since=since, allow_missing=allow_missing, delete_old=delete_old,
                                      concurrency=concurrency, progress=line))
    except (ReenrichError, ReindexError) as exc:
        line("")
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    if as_json:
        click.echo(json.dumps(asdict(report), indent=2))
    else:
        click.echo(f"{report.index}: {report.replayed} articles re-enriched, {report.carried_over} carried over, "
                   f"{len(report.failed)} failed, {report.documents} documents in {report.seconds}s "
                   f"({report.replay_rate_per_s}/s)")
