"""Alert rules: what a user wants to be told about, in exactly the terms of ``/api/search``.

A rule is a query string plus facet filters (the same names and semantics as the search's filters); its
matches are the articles the search would return for the same query and filters. A webhook URL is optional;
its secret signs every delivery (``X-Newsingest-Signature``) and is never returned or logged.
"""

from __future__ import annotations

import ipaddress
import json
import uuid
from collections.abc import Collection
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, SecretStr, field_validator

from newsingest.index.search import MAX_FILTER_VALUES, MAX_QUERY_CHARS, SearchRequest, build_query
from newsingest.models import utcnow

#: The filters a rule may carry (the search's facet names, without keyword/story, which are not stable).
RULE_FILTERS = ("person", "org", "place", "country", "lang", "source", "author")
RuleFilterName = Literal["person", "org", "place", "country", "lang", "source", "author"]
FilterValues = Annotated[list[Annotated[str, Field(min_length=1, max_length=300)]],
                         Field(max_length=MAX_FILTER_VALUES)]


class RuleError(ValueError):
    """A rule that cannot be saved: the reason is for the user (an HTTP 400)."""


class RuleSpec(BaseModel):
    """What a user writes: ``POST /api/alerts``, ``newsingest alerts add``."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200, description="shown in the list, the live view and webhooks")
    query: str = Field(default="", max_length=MAX_QUERY_CHARS, description="search syntax; empty: every article")
    filters: dict[RuleFilterName, FilterValues] = Field(
        default_factory=dict, description="facet filters, as in /api/search (values within a facet are ANDed)"
    )
    webhook_url: AnyHttpUrl | None = Field(default=None, description="http(s) URL POSTed for every match")
    secret: SecretStr | None = Field(default=None, max_length=500,
                                     description="key of the HMAC-SHA256 signature; write-only")
    enabled: bool = True

    @field_validator("webhook_url")
    @classmethod
    def _http_only(cls, url: AnyHttpUrl | None) -> AnyHttpUrl | None:
        if url is not None and url.scheme not in ("http", "https"):
            raise ValueError("webhook_url must be http or https")
        return url

    def search_request(self) -> SearchRequest:
        """The search this rule stands for (``/api/search`` with the same q and filters)."""
        return SearchRequest(q=self.query, filters={k: list(v) for k, v in self.filters.items() if v},
                             facets=False)


class RulePatch(BaseModel):
    """``PATCH /api/alerts/{id}``: the fields given replace the rule's."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str | None = Field(default=None, min_length=1, max_length=200)
    query: str | None = Field(default=None, max_length=MAX_QUERY_CHARS)
    filters: dict[RuleFilterName, FilterValues] | None = None
    webhook_url: AnyHttpUrl | None = None
    secret: SecretStr | None = Field(default=None, max_length=500)
    enabled: bool | None = None


class AlertRule(RuleSpec):
    """A stored rule (the value on the rules topic, secret included; never sent to clients as is)."""

    model_config = ConfigDict(extra="ignore")

    id: str = Field(default_factory=lambda: uuid.uuid4().hex, pattern=r"^[0-9a-f]{32}$")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    def public(self, matches: int | None = None) -> RuleView:
        return RuleView(**self.model_dump(exclude={"secret"}), has_secret=self.secret is not None, matches=matches)

    def stored_json(self) -> str:
        """The rule as stored, secret in clear (the rules topic is internal; see docs/alerts.md)."""
        data = self.model_dump(mode="json")
        data["secret"] = self.secret.get_secret_value() if self.secret else None
        return json.dumps(data, ensure_ascii=False)

    def patched(self, patch: RulePatch) -> AlertRule:
        changes = patch.model_dump(exclude_unset=True)
        if "secret" in changes:
            changes["secret"] = patch.secret
        updated = self.model_copy(update={**changes, "updated_at": utcnow()})
        return AlertRule.model_validate(updated.model_dump() | {"secret": updated.secret})


class RuleView(BaseModel):
    """A rule as the API shows it: no secret, only whether it has one."""

    id: str
    name: str
    query: str
    filters: dict[str, list[str]]
    webhook_url: AnyHttpUrl | None
    has_secret: bool
    enabled: bool
    created_at: datetime
    updated_at: datetime
    matches: int | None = Field(default=None, description="matches so far (from news.alerts), when known")


def check_webhook_host(url: AnyHttpUrl | None, allowed_hosts: list[str]) -> None:
    """Refuse a webhook whose host is not on the allow-list (when there is one): rules must not be able to
    probe internal services. Without a list, loopback, link-local and unspecified addresses are refused."""
    if url is None:
        return
    host = (url.host or "").lower().strip("[]")
    if allowed_hosts:
        if host not in {h.lower() for h in allowed_hosts}:
            raise RuleError(f"webhook host {host!r} is not in the allowed webhook hosts")
        return
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        if host == "localhost" or host.endswith(".localhost"):
            raise RuleError("webhook to localhost refused (set NEWSINGEST_WEBHOOK_ALLOWED_HOSTS to allow it)") from None
        return
    if address.is_loopback or address.is_link_local or address.is_unspecified or address.is_multicast:
        raise RuleError(f"webhook to {host} refused (set NEWSINGEST_WEBHOOK_ALLOWED_HOSTS to allow it)")


def rule_query(rule: RuleSpec, present_languages: Collection[str] | None = None) -> dict[str, object]:
    """The Elasticsearch query of the rule: exactly the search's (``index/search.build_query``).

    ``present_languages``: the languages of the only documents it will run on (a batch being matched); the
    query then leaves out the per-language fields no such document has, which changes no match (a field a
    document does not have matches nothing in it, also under NOT) and makes the query far cheaper.
    """
    return build_query(rule.search_request(), present_languages=present_languages)


def may_match_languages(rule: RuleSpec, present_languages: Collection[str]) -> bool:
    """False only when the rule's language filter certainly excludes every one of ``present_languages`` (the
    filter is a normalized keyword: ASCII values compare lowercased; any other value is left to Elasticsearch)."""
    wanted = [v.strip() for v in rule.filters.get("lang", []) if v.strip()]
    if not wanted or not all(v.isascii() for v in wanted):
        return True
    present = {language.lower() for language in present_languages}
    return all(v.lower() in present for v in wanted)
