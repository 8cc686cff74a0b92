"""How the enrich agent runs one article's NER requests: a time limit, retries for a failing article (up to
``ENRICH_ATTEMPTS``), and no limit while the NER server is unreachable (an outage is waited out, never turned
into dead letters). The delays come from the one backoff policy."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from newsingest.backoff import backoff_delay
from newsingest.log import get_logger
from newsingest.models import RawArticle

log = get_logger(__name__)

#: How many attempts an article gets when enrichment fails for a reason other than an outage.
ENRICH_ATTEMPTS = 3
OUTAGE_RETRY_MAX_S = 30.0
_T = TypeVar("_T")


def is_outage(exc: BaseException) -> bool:
    """True when a failure is a dependency being unreachable (retry, never dead-letter), not the article."""
    import aiohttp

    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ConnectionError | aiohttp.ClientConnectionError | OSError) and not isinstance(
            seen, TimeoutError
        ):
            return True
        seen = seen.__cause__
    return False


class NerRetries:
    """A :data:`~newsingest.enrich.batch.NerGuard`: ``await guard(raw, call)`` returns ``call()``'s result or
    raises the error that makes the article a poison message."""

    def __init__(self, timeout_s: float) -> None:
        self.timeout_s = timeout_s

    async def __call__(self, raw: RawArticle, call: Callable[[], Awaitable[_T]]) -> _T:
        attempt = 0
        while True:
            try:
                return await asyncio.wait_for(call(), timeout=self.timeout_s)
            except TimeoutError:
                raise TimeoutError(f"enrichment exceeded {self.timeout_s}s") from None
            except Exception as exc:
                attempt += 1
                outage = is_outage(exc)
                if not outage and attempt >= ENRICH_ATTEMPTS:
                    raise
                delay = backoff_delay(attempt, cap_s=OUTAGE_RETRY_MAX_S)
                log.warning("enrichment failed; retrying", article_id=raw.article_id, attempt=attempt,
                            outage=outage, retry_in_s=delay, error=f"{type(exc).__name__}: {exc}")
                await asyncio.sleep(delay)
