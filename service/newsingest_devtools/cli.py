"""``newsingest-dev``: release tooling that does not belong in the runtime command (``newsingest``)."""

from __future__ import annotations

import sys

import click

from newsingest import schemas
from newsingest_devtools import checkout, compat


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """newsingest development tooling: generated files of the checkout, the compatibility policy of the public
    message schemas."""


@cli.command("check-compat")
@click.option("--release", "do_release", is_flag=True,
              help="then keep the generated schemas as released (schemas/released/<name>-<version>.schema.json)")
def check_compat_cmd(do_release: bool) -> None:
    """Exit 1 if a public schema breaks its last released one without a major version bump."""
    failed = False
    for name in compat.PUBLIC_SCHEMAS:
        current = schemas.generate_schema(name)
        previous = compat.latest_released(name, checkout.SCHEMA_DIR)
        if previous is None:
            click.echo(f"{name}: never released")
            failed = failed or not do_release
        else:
            report = compat.check(name, previous[1], current)
            click.echo("\n".join(report.lines()))
            failed = failed or not report.ok
        if do_release and not failed:
            try:
                click.echo(f"released {compat.release(name, current, schemas.render(current), checkout.SCHEMA_DIR)}")
            except ValueError as exc:
                click.echo(f"error: {exc}", err=True)
                failed = True
    sys.exit(1 if failed else 0)


@cli.command("generate")
def generate_cmd() -> None:
    """Rewrite the generated files of the checkout: schemas/*.json, the index template, the Kibana assets."""
    for path in checkout.write_all():
        click.echo(f"wrote {path.relative_to(checkout.CHECKOUT)}")


@cli.command("check")
def check_cmd() -> None:
    """Exit 1 if a generated file of the checkout differs from what the code renders."""
    stale = checkout.drifted()
    for path in stale:
        click.echo(f"out of date: {path.relative_to(checkout.CHECKOUT)}", err=True)
    if stale:
        click.echo("run `newsingest-dev generate` and commit the files", err=True)
        sys.exit(1)
    click.echo("generated files up to date")


def main() -> None:
    cli(prog_name="newsingest-dev")
