"""The checks a rule passes before it is stored, shared by the API and the CLI."""

from __future__ import annotations

from newsingest.alerts.rules import RuleError, RuleSpec, check_webhook_host
from newsingest.config import Settings
from newsingest.index.search import Searcher, SearchError


async def check_rule(searcher: Searcher, settings: Settings, rule: RuleSpec) -> None:
    """Refuse a rule Elasticsearch cannot run or whose webhook is not allowed (SearchError → 400)."""
    try:
        check_webhook_host(rule.webhook_url, settings.webhook_allowed_hosts)
    except RuleError as exc:
        raise SearchError(str(exc)) from None
    request = rule.search_request().model_copy(update={"size": 1})
    await searcher.search(request)  # raises SearchError with Elasticsearch's reason for a malformed query
