"""``newsingest search ... --export csv|ndjson``: every hit to stdout, streamed like ``GET /api/export``."""

from __future__ import annotations

import asyncio
import os
import sys

import click

from newsingest.config import Settings
from newsingest.index.export import ExportFormat
from newsingest.index.search import SearchRequest

EXIT_OK, EXIT_BAD_REQUEST, EXIT_BACKEND = 0, 2, 3


def export_to_stdout(settings: Settings, request: SearchRequest, fmt: ExportFormat) -> int:
    """Write the export to stdout page by page; returns the exit code (2: bad request, 3: Elasticsearch).
    A closed pipe (``| head``) ends the export quietly."""
    from newsingest.index.client import async_client
    from newsingest.index.export import open_export
    from newsingest.index.search import BackendUnavailable, SearchError

    out = sys.stdout.buffer

    async def main() -> int:
        es = async_client(settings, request_timeout=settings.search_timeout_s + 5)
        try:
            try:
                stream = await open_export(es, settings, request)
            except SearchError as exc:
                click.echo(f"error: {exc.reason}", err=True)
                return EXIT_BAD_REQUEST
            outcome = "failed"
            try:
                async for chunk in stream.chunks(fmt):
                    out.write(chunk)
                out.flush()
                outcome = "complete"
            except BrokenPipeError:
                outcome = "disconnected"
                # the reader went away: no flush at exit either (Python's documented recipe for SIGPIPE)
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            finally:
                await stream.close(outcome)
            return EXIT_OK
        except BackendUnavailable as exc:
            click.echo(f"error: {exc}", err=True)
            return EXIT_BACKEND
        finally:
            await es.close()

    return asyncio.run(main())
