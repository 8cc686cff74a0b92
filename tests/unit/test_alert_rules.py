"""Alert rules and webhook signing: validation, secrets never shown, host allow-list, retry verdicts."""

from __future__ import annotations

import hashlib
import hmac
import json
import random

import aiohttp
import pytest
from pydantic import ValidationError

from newsingest.alerts.rules import (
    AlertRule,
    RuleError,
    RulePatch,
    RuleSpec,
    check_webhook_host,
    may_match_languages,
    rule_query,
)
from newsingest.alerts.webhook import (
    DELIVERY_HEADER,
    SIGNATURE_HEADER,
    Verdict,
    delivery_headers,
    judge,
    retry_delay,
    signature,
    verify,
)
from newsingest.index.search import SearchRequest, build_query


def test_the_rule_query_is_the_search_query() -> None:
    rule = RuleSpec(name="Putin in Russia", query='Putin "Kreml"', filters={"country": ["RU"], "lang": ["de"]})
    assert rule_query(rule) == build_query(SearchRequest(q='Putin "Kreml"', filters={"country": ["RU"],
                                                                                      "lang": ["de"]}))


@pytest.mark.parametrize("bad", [
    {"name": ""},
    {"name": "x", "filters": {"keyword": ["a"]}},
    {"name": "x", "filters": {"person": [""]}},
    {"name": "x", "webhook_url": "ftp://example.org/x"},
    {"name": "x", "webhook_url": "file:///etc/passwd"},
    {"name": "x", "unknown": 1},
    {"name": "x", "query": "q" * 5000},
])
def test_bad_rules_are_refused(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        RuleSpec.model_validate(bad)


def test_the_secret_is_stored_but_never_shown() -> None:
    rule = AlertRule(name="x", webhook_url="https://hooks.example.org/a", secret="s3cret")
    assert "s3cret" not in repr(rule)
    assert "s3cret" not in rule.public().model_dump_json()
    assert rule.public().has_secret
    stored = AlertRule.model_validate_json(rule.stored_json())
    assert stored.secret is not None
    assert stored.secret.get_secret_value() == "s3cret"
    assert stored.id == rule.id


def test_a_patch_changes_only_what_it_names() -> None:
    rule = AlertRule(name="x", query="a", secret="old")
    patched = rule.patched(RulePatch(enabled=False))
    assert (patched.enabled, patched.query, patched.id) == (False, "a", rule.id)
    assert patched.secret is not None
    assert patched.secret.get_secret_value() == "old"
    assert rule.patched(RulePatch(secret="new")).secret.get_secret_value() == "new"  # type: ignore[union-attr]


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/x", "http://localhost/x", "http://[::1]/x",
                                 "http://169.254.169.254/latest/meta-data", "http://0.0.0.0/"])
def test_internal_webhook_targets_are_refused_without_an_allow_list(url: str) -> None:
    with pytest.raises(RuleError):
        check_webhook_host(RuleSpec(name="x", webhook_url=url).webhook_url, [])


def test_the_allow_list_decides_when_there_is_one() -> None:
    check_webhook_host(RuleSpec(name="x", webhook_url="http://127.0.0.1:9/x").webhook_url, ["127.0.0.1"])
    with pytest.raises(RuleError):
        check_webhook_host(RuleSpec(name="x", webhook_url="https://example.org/x").webhook_url, ["hooks.local"])
    check_webhook_host(RuleSpec(name="x", webhook_url="https://example.org/x").webhook_url, [])


def test_the_signature_is_hmac_sha256_of_the_raw_body() -> None:
    body = json.dumps({"alert_id": "a", "article_id": "b"}).encode()
    expected = "sha256=" + hmac.new(b"key", body, hashlib.sha256).hexdigest()
    assert signature("key", body) == expected
    assert verify("key", body, expected)
    assert not verify("key", body + b" ", expected)
    headers = delivery_headers("a", "b", body, "key")
    assert headers[SIGNATURE_HEADER] == expected
    assert headers[DELIVERY_HEADER] == "a:b"
    assert SIGNATURE_HEADER not in delivery_headers("a", "b", body, None)


@pytest.mark.parametrize(("status", "verdict"), [(200, Verdict.DELIVERED), (204, Verdict.DELIVERED),
                                                 (500, Verdict.RETRY), (503, Verdict.RETRY), (429, Verdict.RETRY),
                                                 (400, Verdict.FAILED), (404, Verdict.FAILED),
                                                 (410, Verdict.FAILED)])
def test_what_a_response_means(status: int, verdict: Verdict) -> None:
    assert judge(status).verdict is verdict


def test_timeouts_and_connection_errors_are_retried() -> None:
    assert judge(None, error=TimeoutError("slow")).verdict is Verdict.RETRY
    assert judge(None, error=aiohttp.ServerDisconnectedError()).verdict is Verdict.RETRY
    assert judge(None, error=ConnectionRefusedError("refused")).verdict is Verdict.RETRY
    assert judge(None, error=aiohttp.InvalidURL("x")).verdict is Verdict.FAILED
    assert judge(None, error=ValueError("bug")).verdict is Verdict.FAILED


def test_backoff_has_full_jitter_and_a_cap() -> None:
    rng = random.Random(3)
    delays = [retry_delay(10, rng) for _ in range(200)]
    assert max(delays) <= 600
    assert min(delays) < 100 < max(delays)
    assert retry_delay(0, rng) <= 1.0


def test_a_language_filter_that_excludes_the_whole_batch_skips_the_rule() -> None:
    def rule(*langs: str) -> AlertRule:
        return AlertRule(name="r", query="x", filters={"lang": list(langs)} if langs else {})

    assert may_match_languages(rule(), {"de"})
    assert may_match_languages(rule("DE"), {"de", "en"})  # the keyword normalizer lowercases
    assert not may_match_languages(rule("fr"), {"de", "en"})
    assert not may_match_languages(rule("de", "fr"), {"de"})  # values of one filter are ANDed
    assert may_match_languages(rule("dé"), {"de"})  # asciifolding: left to Elasticsearch


def test_matching_queries_search_only_the_batch_languages_fields() -> None:
    def fields(query: dict[str, object]) -> list[str]:
        return query["bool"]["must"][0]["query_string"]["fields"]  # type: ignore[index]

    everything = AlertRule(name="r", query="Gipfel")
    german = AlertRule(name="r", query="Gipfel", filters={"lang": ["de"]})
    assert len(fields(rule_query(everything))) > 40  # /api/search: every language's fields
    assert fields(rule_query(everything, {"de", "und"})) == ["title^3", "body", "title_de^3", "body_de"]
    assert fields(rule_query(german, {"en"})) == ["title^3", "body"]
    assert fields(rule_query(everything, {"und"})) == ["title^3", "body"]
