"""Commands ``newsingest search``, ``serve``, ``reindex`` and ``kibana import`` (registered in cli/__init__.py)."""

from __future__ import annotations

import asyncio
import json
import re
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from newsingest.config import Settings

_MARK = re.compile(r"</?mark>")
SHUTDOWN_GRACE_S = 5


def _settings() -> Settings:
    return click.get_current_context().find_root().obj


# --- search ---------------------------------------------------------------------------------------------
@click.command("search")
@click.argument("query", required=False, default="")
@click.option("--lang", multiple=True, help="language, ISO 639-1 (repeatable)")
@click.option("--person", multiple=True, help="person mentioned (case-insensitive; repeat = all of them)")
@click.option("--org", multiple=True, help="organisation mentioned")
@click.option("--place", multiple=True, help="place mentioned")
@click.option("--source", multiple=True, help="publisher or agency")
@click.option("--author", multiple=True)
@click.option("--country", multiple=True, help="ISO 3166 alpha-2 code")
@click.option("--keyword", multiple=True)
@click.option("--story", multiple=True, help="story id: more from this story")
@click.option("--since", default=None, help="YYYY-MM-DD, ISO date-time or now-7d")
@click.option("--until", default=None, help="YYYY-MM-DD (whole day), ISO date-time or date math")
@click.option("--sort", type=click.Choice(["relevance", "date", "oldest"]), default="relevance")
@click.option("--size", type=click.IntRange(1, 100), default=10)
@click.option("--after", default=None, help="the `next` token printed by the previous page")
@click.option("--json", "as_json", is_flag=True, help="print the whole result as JSON")
@click.option("--export", "export_format", type=click.Choice(["csv", "ndjson"]), default=None,
              help="write every hit (not one page) to stdout as CSV or NDJSON, like GET /api/export")
def search_cmd(query: str, since: str | None, until: str | None, sort: str, size: int, after: str | None,
               as_json: bool, export_format: str | None, **facets: tuple[str, ...]) -> None:
    """Search the indexed articles: QUERY uses AND OR NOT "phrases" -exclude prefix* (empty: all)."""
    from pydantic import ValidationError

    from newsingest.index.client import async_client
    from newsingest.index.search import BackendUnavailable, Searcher, SearchError, SearchRequest

    settings = _settings()
    try:
        request = SearchRequest(q=query, filters={k: list(v) for k, v in facets.items() if v}, since=since,
                                until=until, sort=sort, size=size, after=after, facets=not after)  # type: ignore[arg-type]
    except ValidationError as exc:
        click.echo(f"error: {'; '.join(str(e['msg']) for e in exc.errors())}", err=True)
        sys.exit(2)
    if export_format is not None:
        if after or as_json:
            click.echo("error: --export writes the whole result: it takes no --after and no --json", err=True)
            sys.exit(2)
        from newsingest.cli.export import export_to_stdout

        sys.exit(export_to_stdout(settings, request, export_format))  # type: ignore[arg-type]

    async def main() -> Any:
        es = async_client(settings, request_timeout=settings.search_timeout_s + 5)
        try:
            return await Searcher(es, settings).search(request)
        finally:
            await es.close()

    try:
        result = asyncio.run(main())
    except SearchError as exc:
        click.echo(f"error: {exc.reason}", err=True)
        sys.exit(2)
    except BackendUnavailable as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(3)
    if as_json:
        click.echo(result.model_dump_json(indent=2))
        return
    _print_result(result)


def _plain(fragment: str) -> str:
    import html

    return html.unescape(_MARK.sub(lambda m: "«" if m.group() == "<mark>" else "»", fragment))


def _print_result(result: Any) -> None:
    click.echo(f"{result.total}{'' if result.total_is_exact else '+'} articles ({result.took_ms} ms)")
    for hit in result.hits:
        when = f"{hit.date:%Y-%m-%d %H:%M}" if hit.date else "-"
        click.echo("")
        click.echo(click.style(_plain(hit.title_html), bold=True))
        click.echo(f"  {when}  [{hit.language or '?'}]  {hit.source or ''}  id={hit.id[:12]}"
                   + (f"  story={hit.story_id[:12]}" if hit.story_id else ""))
        for snippet in hit.snippets[:2]:
            click.echo(f"  … {_plain(snippet)}")
    for name, buckets in result.facets.items():
        if buckets:
            click.echo(f"\n{name}: " + ", ".join(f"{b.display} ({b.count})" for b in buckets))
    if result.next:
        click.echo(f"\nnext page: --after {result.next}")


# --- serve ----------------------------------------------------------------------------------------------
@click.command("serve")
@click.option("--host", default=None, help="default: NEWSINGEST_API_HOST (127.0.0.1)")
@click.option("--port", type=click.IntRange(1, 65535), default=None, help="default: NEWSINGEST_API_PORT (8080)")
def serve_cmd(host: str | None, port: int | None) -> None:
    """The search page at / and the HTTP API (/api/search, /openapi.json, /docs)."""
    import uvicorn

    from newsingest.web.api import create_api

    settings = _settings()
    host, port = host or settings.api_host, port or settings.api_port
    click.echo(f"serving http://{host}:{port}/  (API: /api/search, /openapi.json)", err=True)
    # open Server-Sent-Events streams (/api/alerts/stream) never end by themselves: stop waiting for them
    uvicorn.run(create_api(settings), host=host, port=port, log_level="warning", access_log=False,
                timeout_graceful_shutdown=SHUTDOWN_GRACE_S)


# --- reindex --------------------------------------------------------------------------------------------
@click.command("reindex")
@click.option("--delete-old", is_flag=True, help="delete the previous index version after the swap")
@click.option("--json", "as_json", is_flag=True, help="print the report as JSON")
def reindex_cmd(delete_old: bool, as_json: bool) -> None:
    """Rebuild the index from news.enriched into a new version and swap the aliases atomically."""
    from newsingest.index.reindex import ReindexError, reindex

    settings = _settings()
    try:
        report = asyncio.run(reindex(settings, delete_old=delete_old,
                                     progress=lambda msg: click.echo(msg, err=True)))
    except ReindexError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    if as_json:
        click.echo(json.dumps(asdict(report), indent=2))
    else:
        click.echo(f"{report.index}: {report.documents} documents in {report.seconds}s")


# --- kibana ---------------------------------------------------------------------------------------------
@click.group("kibana")
def kibana_group() -> None:
    """Kibana assets: data view, saved searches, dashboard (also in deploy/kibana/newsingest.ndjson)."""


def import_saved_objects(url: str, ndjson: bytes, *, space: str | None = None, api_key: str | None = None,
                         username: str | None = None, password: str | None = None) -> dict[str, Any]:
    """POST the objects to Kibana's saved objects ``_import`` API (overwriting same ids)."""
    import httpx

    base = url.rstrip("/") + (f"/s/{space}" if space else "")
    headers = {"kbn-xsrf": "newsingest"}
    if api_key:
        headers["Authorization"] = f"ApiKey {api_key}"
    auth = (username, password or "") if username else None
    response = httpx.post(f"{base}/api/saved_objects/_import", params={"overwrite": "true"}, headers=headers,
                          auth=auth, files={"file": ("newsingest.ndjson", ndjson, "application/ndjson")}, timeout=60)
    if response.status_code >= 400:
        raise click.ClickException(f"Kibana answered {response.status_code}: {response.text[:500]}")
    body: dict[str, Any] = response.json()
    return body


@kibana_group.command("import")
@click.option("--url", default=None, help="Kibana base URL (default: NEWSINGEST_KIBANA_URL)")
@click.option("--file", "path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="an ndjson export to import instead of newsingest's own objects")
@click.option("--space", default=None, help="Kibana space id (default space if omitted)")
@click.option("--api-key", envvar="KIBANA_API_KEY", default=None)
@click.option("--username", envvar="KIBANA_USERNAME", default=None)
@click.option("--password", envvar="KIBANA_PASSWORD", default=None)
def kibana_import(url: str | None, path: Path | None, space: str | None, api_key: str | None, username: str | None,
                  password: str | None) -> None:
    """Load the data view, saved searches and dashboard through Kibana's saved objects API."""
    import httpx

    from newsingest.web import kibana

    settings = _settings()
    target = url or settings.kibana_url
    objects = kibana.load(path, settings.read_alias) if path else kibana.saved_objects(settings.read_alias)
    try:
        result = import_saved_objects(target, kibana.render(objects).encode(), space=space,
                                      api_key=api_key, username=username, password=password)
    except httpx.HTTPError as exc:
        raise click.ClickException(f"cannot reach Kibana at {target}: {exc}") from None
    if not result.get("success"):
        raise click.ClickException(f"import failed: {json.dumps(result.get('errors', result))[:1000]}")
    click.echo(f"imported {result.get('successCount', 0)} saved objects into {target}")
