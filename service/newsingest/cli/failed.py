"""``newsingest failed list | show FILE | retry [FILE... | --all]``: the files set aside in failed/."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from newsingest.config import Settings


def _settings() -> Settings:
    return click.get_current_context().find_root().obj


@click.group("failed")
def failed_group() -> None:
    """Files that could not be ingested (in failed/ with a <name>.error.json record)."""


@failed_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="one JSON object per file")
def failed_list(as_json: bool) -> None:
    """Every failed file with its stage, code, reason and time (oldest first)."""
    from newsingest.ops.failed import list_failed

    for record in list_failed(_settings()):
        if as_json:
            click.echo(record.model_dump_json())
        else:
            at = record.failed_at.strftime("%Y-%m-%d %H:%M:%S") if record.failed_at else "?"
            click.echo(f"{at}  {record.stage:<6} {record.code:<20} {record.file}: {record.reason}")


@failed_group.command("show")
@click.argument("file", type=click.Path(path_type=Path))
def failed_show(file: Path) -> None:
    """The whole record of one failed FILE (a path in failed/, absolute or relative to it)."""
    from newsingest.ops.failed import FailedFileError, show

    try:
        record, raw = show(_settings(), file)
    except FailedFileError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    click.echo(json.dumps({"file": record.file, **raw}, indent=2, ensure_ascii=False, default=str))


@failed_group.command("retry")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--all", "retry_everything", is_flag=True, help="retry every failed file")
def failed_retry(files: tuple[Path, ...], retry_everything: bool) -> None:
    """Move FILES (or --all) back into the inbox at their relative place, removing their records."""
    from newsingest.ingest.names import display_name
    from newsingest.ops.failed import FailedFileError, resolve_failed, retry, retry_all

    settings = _settings()
    if retry_everything == bool(files):
        click.echo("error: give FILE... or --all (not both)", err=True)
        sys.exit(2)
    if retry_everything:
        targets = retry_all(settings)
    else:
        try:  # check every argument before moving anything
            paths = [resolve_failed(settings, f) for f in files]
        except FailedFileError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)
        targets = [retry(settings, p) for p in paths]
    for target in targets:
        click.echo(f"retrying {display_name(target)}")
