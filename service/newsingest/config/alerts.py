"""Alerts: rule limits, matching rounds, webhook delivery."""

from __future__ import annotations

from pydantic import BaseModel, Field


class AlertSettings(BaseModel):
    """Alerts settings (environment: ``NEWSINGEST_<NAME>``)."""

    alerts_enabled: bool = Field(default=True, description="match every indexed batch against the alert rules")
    alerts_max_rules: int = Field(default=10_000, ge=1, description="most alert rules that can be stored")
    alerts_pending_polls: int = Field(
        default=16, ge=1, description="indexed polls that may wait for alert matching before the indexer waits too"
    )
    alerts_match_max_docs: int = Field(
        default=2000, ge=1, description="most articles matched in one round (one refresh, one search per 500 rules)"
    )
    webhook_allowed_hosts: list[str] = Field(
        default_factory=list,
        description="hosts webhooks may go to (empty: any public host; loopback, link-local and unspecified"
        " addresses are always refused then)",
    )
    webhook_timeout_s: float = Field(default=10.0, gt=0, description="time limit of one webhook attempt")
    webhook_retry_max_s: float = Field(
        default=24 * 3600.0, gt=0, description="a webhook failing with timeouts or 5xx is retried this long, then"
        " dead-lettered"
    )
    webhook_in_flight: int = Field(
        default=256, ge=1, description="webhook deliveries in progress at once (a hanging receiver holds only one)"
    )

