"""``newsingest alerts``: add, list, rm, test, tail and watchlist (registered in cli/__init__.py).

Uses the stack directly, like ``newsingest search``: rules on the compacted rules topic (``RuleStore``),
searches on the read alias, matches on ``news.alerts``. Rules pass the same checks as ``POST /api/alerts``.
A webhook secret is never an argument (shell history, ``ps``): ``--secret-env VAR`` or ``--secret-stdin``.
Exit codes: 0 ok, 1 no such rule, 2 bad parameters or a refused rule, 3 Elasticsearch unreachable.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from pydantic import SecretStr, ValidationError

from newsingest.config import Settings

T = TypeVar("T")
FACET_OPTIONS = ("person", "org", "place", "country", "lang", "source", "author")


def _settings() -> Settings:
    return click.get_current_context().find_root().obj


def _fail(message: str, code: int) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def _with_stack(call: Callable[[Any, Any], Awaitable[T]], *, store: bool = True) -> T:
    """Run ``call(store, searcher)``; refused rules and bad searches exit 2, an unreachable backend 3."""
    from newsingest.alerts.rules import RuleError
    from newsingest.alerts.store import RuleStore
    from newsingest.index.client import async_client
    from newsingest.index.search import BackendUnavailable, Searcher, SearchError
    from newsingest.kafka.topics import ensure_topics

    settings = _settings()

    async def main() -> T:
        es = async_client(settings, request_timeout=settings.search_timeout_s + 5)
        rules = RuleStore(settings, role="cli") if store else None
        try:
            if rules is not None:
                await ensure_topics(settings)
                await rules.start()
            return await call(rules, Searcher(es, settings))
        finally:
            if rules is not None:
                await rules.stop()
            await es.close()

    try:
        return asyncio.run(main())
    except (SearchError, RuleError) as exc:
        _fail(getattr(exc, "reason", None) or str(exc), 2)
    except BackendUnavailable as exc:
        _fail(str(exc), 3)
    raise AssertionError("unreachable")


def _facet_options(command: Callable[..., Any]) -> Callable[..., Any]:
    helps = {
        "person": "person mentioned (repeat = all of them)",
        "org": "organisation mentioned",
        "place": "place mentioned",
        "country": "ISO 3166 alpha-2 code",
        "lang": "language, ISO 639-1",
        "source": "publisher or agency",
        "author": "author",
    }
    for name in reversed(FACET_OPTIONS):
        command = click.option(f"--{name}", multiple=True, help=helps[name])(command)
    return command


def _filters(facets: dict[str, tuple[str, ...]]) -> dict[str, list[str]]:
    return {name: list(facets[name]) for name in FACET_OPTIONS if facets.get(name)}


@click.group("alerts")
def alerts_group() -> None:
    """Alert rules: be told when an article matching a search is indexed (see docs/alerts.md)."""


@alerts_group.command("add")
@click.argument("name")
@click.option("--query", "query", default="", help="search syntax, as `newsingest search` (empty: every article)")
@_facet_options
@click.option("--webhook", default=None, help="http(s) URL POSTed for every match")
@click.option("--secret-env", default=None, metavar="VAR", help="take the webhook secret from this variable")
@click.option("--secret-stdin", is_flag=True, help="read the webhook secret from the first line of stdin")
@click.option("--disabled", is_flag=True, help="store the rule switched off")
@click.option("--json", "as_json", is_flag=True, help="print the stored rule as JSON")
def add_cmd(
    name: str,
    query: str,
    webhook: str | None,
    secret_env: str | None,
    secret_stdin: bool,
    disabled: bool,
    as_json: bool,
    **facets: tuple[str, ...],
) -> None:
    """Add a rule NAME: --query and facet filters with the semantics of `newsingest search`."""
    from newsingest.alerts.rules import AlertRule, RuleSpec
    from newsingest.alerts.validate import check_rule

    if secret_env and secret_stdin:
        _fail("give --secret-env or --secret-stdin, not both", 2)
    secret: SecretStr | None = None
    if secret_env:
        if not os.environ.get(secret_env):
            _fail(f"the variable {secret_env} is not set or empty", 2)
        secret = SecretStr(os.environ[secret_env])
    elif secret_stdin:
        secret = SecretStr(sys.stdin.readline().rstrip("\r\n"))
    try:
        spec = RuleSpec(
            name=name,
            query=query,
            filters=_filters(facets),
            webhook_url=webhook,  # type: ignore[arg-type]
            secret=secret,
            enabled=not disabled,
        )
    except ValidationError as exc:
        _fail("; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'rule'}: {e['msg']}" for e in exc.errors()), 2)

    async def call(store: Any, searcher: Any) -> AlertRule:
        await check_rule(searcher, _settings(), spec)
        stored: AlertRule = await store.put(AlertRule(**spec.model_dump(exclude={"secret"}), secret=spec.secret))
        return stored

    rule = _with_stack(call)
    if as_json:
        click.echo(rule.public(matches=0).model_dump_json(indent=2))
    else:
        click.echo(f"{rule.id}  {rule.name}")


def _describe(rule: Any) -> str:
    parts = [f"q={rule.query!r}"] if rule.query else []
    parts += [f"{name}={','.join(values)}" for name, values in rule.filters.items()]
    if rule.webhook_url:
        parts.append(f"webhook={rule.webhook_url}" + (" (signed)" if rule.secret else ""))
    return " ".join(parts) or "every article"


@alerts_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="print the rules (without secrets) as JSON")
def list_cmd(as_json: bool) -> None:
    """The rules with their match counts (distinct matches on news.alerts)."""
    from newsingest.alerts.history import count_matches

    async def call(store: Any, _: Any) -> tuple[list[Any], Any]:
        return store.rules(), await count_matches(_settings())

    rules, counts = _with_stack(call)
    if as_json:
        click.echo(
            json.dumps(
                [json.loads(r.public(matches=counts[r.id]).model_dump_json()) for r in rules],
                indent=2,
                ensure_ascii=False,
            )
        )
        return
    click.echo(f"{len(rules)} alert rule{'' if len(rules) == 1 else 's'}")
    for rule in rules:
        state = "on " if rule.enabled else "off"
        click.echo(f"{rule.id}  {state}  {counts[rule.id]:>6} matches  {rule.name}  ·  {_describe(rule)}")


@alerts_group.command("rm")
@click.argument("rule_id")
def rm_cmd(rule_id: str) -> None:
    """Delete the rule RULE_ID."""

    async def call(store: Any, _: Any) -> bool:
        deleted: bool = await store.delete(rule_id.strip().lower())
        return deleted

    if not _with_stack(call):
        _fail(f"no alert {rule_id}", 1)
    click.echo(f"deleted {rule_id}")


@alerts_group.command("test")
@click.argument("rule_id", required=False)
@click.option("--query", "query", default=None, help="test this query instead of a stored rule")
@_facet_options
@click.option("--size", type=click.IntRange(1, 100), default=10)
@click.option("--json", "as_json", is_flag=True, help="print the result as JSON")
def test_cmd(rule_id: str | None, query: str | None, size: int, as_json: bool, **facets: tuple[str, ...]) -> None:
    """What a rule (RULE_ID, or --query and filters) matches in the index now, newest first."""
    from newsingest.alerts.rules import RuleSpec
    from newsingest.cli.search import _print_result

    filters = _filters(facets)
    if (rule_id is None) == (query is None and not filters):
        _fail("give a RULE_ID or --query/filters (not both)", 2)
    inline: RuleSpec | None = None
    if rule_id is None:
        try:
            inline = RuleSpec(name="test", query=query or "", filters=filters)  # type: ignore[arg-type]
        except ValidationError as exc:
            _fail("; ".join(str(e["msg"]) for e in exc.errors()), 2)

    async def call(store: Any, searcher: Any) -> Any:
        rule = inline if store is None else store.get(rule_id.strip().lower())  # type: ignore[union-attr]
        if rule is None:
            return None
        return await searcher.search(rule.search_request().model_copy(update={"size": size, "sort": "date"}))

    result = _with_stack(call, store=rule_id is not None)
    if result is None:
        _fail(f"no alert {rule_id}", 1)
    if as_json:
        click.echo(result.model_dump_json(indent=2))
    else:
        _print_result(result)


def match_line(match: Any) -> str:
    """One human-readable line per match: time, rule, article id, language, title and the persons."""
    persons = f"  ({', '.join(match.persons[:4])})" if match.persons else ""
    return (
        f"{match.matched_at:%H:%M:%S}  [{match.alert_name[:30]}]  {match.article_id[:12]}  "
        f"[{match.language}] {match.title[:80]}{persons}"
    )


@alerts_group.command("tail")
@click.option("--from-beginning", is_flag=True, help="start at the oldest retained match (default: new ones)")
@click.option("--json", "as_json", is_flag=True, help="print each match as one line of JSON")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="stop after this many matches")
def tail_cmd(from_beginning: bool, as_json: bool, limit: int | None) -> None:
    """Print new matches from news.alerts as they arrive (Ctrl-C stops)."""
    from newsingest.alerts.history import follow_matches

    settings = _settings()

    async def main() -> None:
        async for match in follow_matches(settings, from_beginning=from_beginning, limit=limit):
            line = match.model_dump_json(exclude={"schema_version"}) if as_json else match_line(match)
            click.echo(line)

    with contextlib.suppress(KeyboardInterrupt):
        try:
            asyncio.run(main())
        except RuntimeError as exc:
            _fail(str(exc), 2)


@alerts_group.command("watchlist")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--name-prefix", default="watchlist: ", show_default=True, help="put before each rule's name")
@click.option("--json", "as_json", is_flag=True, help="print the report as JSON")
def watchlist_cmd(path: Path, name_prefix: str, as_json: bool) -> None:
    """One rule per name of a CSV (name[,person|org|place] per line); lists each one's past matches."""
    from newsingest.alerts.watchlist import MAX_BYTES, WatchlistError, parse_watchlist
    from newsingest.alerts.watchlist_rules import create_watchlist, entity_registry

    with path.open("rb") as handle:
        data = handle.read(MAX_BYTES + 1)
    try:
        watchlist = parse_watchlist(data)
    except WatchlistError as exc:
        for error in exc.errors[:50]:
            click.echo(f"line {error.line}: {error.reason}", err=True)
        _fail(str(exc), 2)

    async def call(store: Any, searcher: Any) -> Any:
        settings = _settings()
        async with entity_registry(settings) as registry:
            return await create_watchlist(store, searcher.es, settings, watchlist, prefix=name_prefix,
                                          registry=registry)

    report = _with_stack(call)
    if as_json:
        click.echo(report.model_dump_json(indent=2))
        return
    click.echo(f"{report.created} rules created, {len(report.refused)} lines refused")
    for item in report.rules:
        click.echo(f"{item.rule.id}  line {item.line}  {item.rule.name}  ·  {item.past_matches} past matches")
        for hit in item.first_hits:
            click.echo(f"    {hit.date:%Y-%m-%d} {hit.title[:80]}" if hit.date else f"    {hit.title[:80]}")
    for refused in report.refused:
        click.echo(f"line {refused.line}: {refused.reason}", err=True)
