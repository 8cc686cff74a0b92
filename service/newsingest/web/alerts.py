"""The alerts API: ``/api/alerts`` (create, list, read, change, delete, test) and the live stream of matches.

- ``POST /api/alerts`` → 201 with the rule (its ``id``; never its secret). A malformed query, an unknown
  filter, a webhook that is not http(s) or goes to a host that is not allowed → 400 with the reason.
- ``GET /api/alerts`` → every rule with its match count; ``GET|PATCH|DELETE /api/alerts/{id}``.
- ``GET /api/alerts/{id}/matches`` → what the rule matches in the index now (the search it stands for).
- ``GET /api/alerts/stream`` → Server-Sent Events, one ``match`` event per new match (``id`` = the match key).
  Browsers' EventSource cannot send headers, so this one endpoint also takes the API key as ``?key=``.

Rules live on the compacted rules topic (``alerts/store.py``); the API process starts its replica and the
match feed on the first alerts request, so a search-only deployment does not need them.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, status
from fastapi.responses import StreamingResponse

from newsingest.alerts.feed import AlertFeed
from newsingest.alerts.rules import AlertRule, RuleError, RulePatch, RuleSpec, RuleView
from newsingest.alerts.store import RuleStore
from newsingest.alerts.validate import check_rule
from newsingest.config import Settings
from newsingest.index.search import Searcher, SearchError, SearchResult
from newsingest.web.auth import API_KEY_HEADER, api_key_guard

HEARTBEAT_S = 15.0


class AlertsService:
    """The rule store and the match feed of one API process, started on first use."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store = RuleStore(settings, role="api")
        self.feed = AlertFeed(settings)
        self._started = False
        self._lock = asyncio.Lock()

    async def ready(self) -> AlertsService:
        async with self._lock:
            if not self._started:
                from newsingest.kafka.topics import ensure_topics

                await ensure_topics(self.settings)
                await self.store.start()
                await self.feed.start()
                self._started = True
        return self

    async def stop(self) -> None:
        if self._started:
            await self.feed.stop()
            await self.store.stop()


async def _service(request: Request) -> AlertsService:
    """The process's alerts service (``app.state.alerts``, set by ``create_api``), started on first use."""
    alerts: AlertsService = request.app.state.alerts
    return await alerts.ready()


Service = Annotated[AlertsService, Depends(_service)]
RuleId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$", description="the rule's id")]


def alerts_router(settings: Settings, errors: dict[int | str, dict[str, object]]) -> APIRouter:
    guard = Depends(api_key_guard(settings))
    router = APIRouter(prefix="/api/alerts", tags=["alerts"])
    one = {**errors, 404: {"model": errors[400]["model"], "description": "no alert rule with this id"}}
    expected_key = settings.api_key.get_secret_value() if settings.api_key else None

    def found(alerts: AlertsService, rule_id: str) -> AlertRule:
        rule = alerts.store.get(rule_id)
        if rule is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no alert {rule_id}")
        return rule

    @router.post("", status_code=201, response_model=RuleView, responses=errors, dependencies=[guard],
                 summary="Create an alert rule")
    async def create(spec: RuleSpec, request: Request, alerts: Service) -> RuleView:
        await check_rule(request.app.state.searcher, settings, spec)
        try:
            rule = await alerts.store.put(AlertRule(**spec.model_dump(exclude={"secret"}), secret=spec.secret))
        except RuleError as exc:
            raise SearchError(str(exc)) from None
        return rule.public(matches=0)

    @router.get("", response_model=list[RuleView], responses=errors, dependencies=[guard],
                summary="The alert rules with their match counts")
    async def list_rules(alerts: Service) -> list[RuleView]:
        return [rule.public(matches=alerts.feed.counts[rule.id]) for rule in alerts.store.rules()]

    @router.get("/stream", summary="New matches as Server-Sent Events (one `match` event per match)",
                responses={**errors, 200: {"content": {"text/event-stream": {}},
                                           "description": "an endless stream of `match` events"}})
    async def stream(request: Request, alerts: Service,
                     key: Annotated[str | None, Query(max_length=500, description="the API key (EventSource "
                                                                                 "cannot send headers)")] = None
                     ) -> StreamingResponse:
        if expected_key is not None:
            given = request.headers.get(API_KEY_HEADER) or key or ""
            if not secrets.compare_digest(given.encode(), expected_key.encode()):
                raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail=f"missing or wrong {API_KEY_HEADER}")
        queue = alerts.feed.subscribe()

        async def events() -> AsyncIterator[bytes]:
            try:
                yield b": connected\n\n"
                while True:
                    try:
                        match = await asyncio.wait_for(queue.get(), timeout=HEARTBEAT_S)
                    except TimeoutError:
                        yield b": heartbeat\n\n"
                        continue
                    data = match.model_dump_json(exclude={"schema_version"})
                    yield f"event: match\nid: {match.alert_id}:{match.article_id}\ndata: {data}\n\n".encode()
            finally:
                alerts.feed.unsubscribe(queue)

        return StreamingResponse(events(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    @router.get("/{rule_id}", response_model=RuleView, responses=one, dependencies=[guard],
                summary="One alert rule")
    async def read(rule_id: RuleId, alerts: Service) -> RuleView:
        return found(alerts, rule_id).public(matches=alerts.feed.counts[rule_id])

    @router.patch("/{rule_id}", response_model=RuleView, responses=one, dependencies=[guard],
                  summary="Change an alert rule")
    async def change(rule_id: RuleId, patch: RulePatch, request: Request, alerts: Service) -> RuleView:
        rule = found(alerts, rule_id).patched(patch)
        await check_rule(request.app.state.searcher, settings, rule)
        await alerts.store.put(rule)
        return rule.public(matches=alerts.feed.counts[rule_id])

    @router.delete("/{rule_id}", status_code=204, responses=one, dependencies=[guard],
                   summary="Delete an alert rule")
    async def delete(rule_id: RuleId, alerts: Service) -> None:
        if not await alerts.store.delete(rule_id):
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no alert {rule_id}")

    @router.get("/{rule_id}/matches", response_model=SearchResult, responses=one, dependencies=[guard],
                summary="What the rule matches in the index now")
    async def matches(rule_id: RuleId, request: Request, alerts: Service,
                      size: Annotated[int, Query(ge=1, le=100)] = 20) -> SearchResult:
        rule = found(alerts, rule_id)
        search = rule.search_request().model_copy(update={"size": size, "sort": "date"})
        searcher: Searcher = request.app.state.searcher
        return await searcher.search(search)

    return router


async def close_alerts(app_state: Any) -> None:
    alerts: AlertsService | None = getattr(app_state, "alerts", None)
    if alerts is not None:
        with contextlib.suppress(Exception):
            await alerts.stop()
