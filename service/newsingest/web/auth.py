"""Optional API-key protection of ``/api/*``: active when the ``api_key`` setting is set."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable

from fastapi import HTTPException, Security, status
from fastapi.security import APIKeyHeader

from newsingest.config import Settings

API_KEY_HEADER = "X-API-Key"
_scheme = APIKeyHeader(name=API_KEY_HEADER, auto_error=False,
                       description="needed only when the server sets NEWSINGEST_API_KEY")


def api_key_guard(settings: Settings) -> Callable[[str | None], Awaitable[None]]:
    """A FastAPI dependency that rejects requests without the configured key (no-op without one)."""
    expected = settings.api_key.get_secret_value().encode() if settings.api_key else None

    async def guard(given: str | None = Security(_scheme)) -> None:
        if expected is None:
            return
        if given is None or not secrets.compare_digest(given.encode(), expected):
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail=f"missing or wrong {API_KEY_HEADER} header",
                                headers={"WWW-Authenticate": API_KEY_HEADER})

    return guard
