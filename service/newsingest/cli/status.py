"""``newsingest status [--json]``: the inbox, each stage's throughput, lag and time to drain, the last failures.

Exit codes: 0, or 3 when Kafka could not be reached (what could be collected is printed anyway)."""

from __future__ import annotations

import asyncio
import sys

import click

from newsingest.config import Settings

UNREACHABLE_EXIT = 3


@click.command("status")
@click.option("--json", "as_json", is_flag=True, help="print the report as JSON")
@click.pass_context
def status_cmd(ctx: click.Context, as_json: bool) -> None:
    """What the pipeline is doing: files waiting/in flight/processed/failed, stage throughput, lag, failures."""
    from newsingest.ops.status import collect, render_text

    settings: Settings = ctx.find_root().obj
    report = asyncio.run(collect(settings))
    click.echo(report.model_dump_json(indent=2) if as_json else render_text(report))
    if as_json:
        for error in report.errors:
            click.echo(f"error: {error}", err=True)
    if report.errors:
        sys.exit(UNREACHABLE_EXIT)
