"""`newsingest alerts` as real processes on the real stack: add (secret from an environment variable or stdin,
never echoed), the same refusals as the API, list with match counts read from news.alerts (a redelivery counted
once), test (what a rule matches now), rm, tail (prints matches as they arrive), watchlist (rules per name with
their past matches, bad lines reported)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsingest.config import Settings
from newsingest.models import EnrichedArticle
from tests.e2e.support import delete_namespace, index_articles, sample_articles
from tests.integration.alert_support import alert_match, produce_matches
from tests.integration.harness import isolated_settings, settings_env

NEWSINGEST = str(Path(sys.executable).with_name("newsingest"))


@pytest.fixture(scope="module")
def articles(samples_dir: Path) -> list[EnrichedArticle]:
    return sample_articles(samples_dir)


@pytest.fixture(scope="module")
def settings(
    stack: Settings, tmp_path_factory: pytest.TempPathFactory, articles: list[EnrichedArticle]
) -> Iterator[Settings]:
    from newsingest_devtools.sandbox import remove_namespace

    isolated = isolated_settings(stack, tmp_path_factory.mktemp("alerts-cli"), webhook_allowed_hosts=[])
    index_articles(isolated, articles)
    yield isolated
    delete_namespace(isolated)
    remove_namespace(isolated)


def alerts(
    settings: Settings, *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [NEWSINGEST, "alerts", *args],
        env={**settings_env(settings), **(env or {})},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=90,
    )


def test_add_list_test_and_rm(settings: Settings, articles: list[EnrichedArticle]) -> None:
    added = alerts(
        settings,
        "add",
        "Kim in Russland",
        "--query",
        "Wladiwostok",
        "--person",
        "Kim Jong Un",
        "--lang",
        "de",
        "--webhook",
        "https://hooks.example.org/newsroom",
        "--secret-env",
        "HOOK_SECRET",
        "--json",
        env={"HOOK_SECRET": "s3cr3t-value"},
    )
    assert added.returncode == 0, added.stderr
    rule = json.loads(added.stdout)
    assert rule["has_secret"] is True
    assert rule["filters"] == {"person": ["Kim Jong Un"], "lang": ["de"]}
    piped = alerts(
        settings,
        "add",
        "Putin",
        "--person",
        "wladimir putin",
        "--secret-stdin",
        "--webhook",
        "https://hooks.example.org/b",
        "--disabled",
        stdin="from-stdin\n",
    )
    assert piped.returncode == 0, piped.stderr
    other_id = piped.stdout.split()[0]

    produce_matches(
        settings,
        [alert_match(rule["id"], rule["name"], a) for a in articles]
        + [alert_match(rule["id"], rule["name"], articles[0])],
    )  # a redelivery: counted once
    listed = alerts(settings, "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert "s3cr3t-value" not in listed.stdout
    assert "from-stdin" not in listed.stdout
    by_id = {r["id"]: r for r in json.loads(listed.stdout)}
    assert by_id[rule["id"]]["matches"] == 2
    assert by_id[other_id]["matches"] == 0
    assert by_id[other_id]["enabled"] is False
    plain = alerts(settings, "list")
    assert plain.stdout.startswith("2 alert rules")
    assert re.search(rf"{rule['id']}  on +2 matches  Kim in Russland", plain.stdout)

    tested = alerts(settings, "test", rule["id"], "--json")
    assert tested.returncode == 0, tested.stderr
    assert {h["id"] for h in json.loads(tested.stdout)["hits"]} <= {a.article_id for a in articles}
    assert json.loads(tested.stdout)["total"] >= 1
    inline = alerts(settings, "test", "--person", "KIM JONG UN", "--org", "yonhap")
    assert inline.returncode == 0, inline.stderr
    assert inline.stdout.startswith("1 articles")

    assert alerts(settings, "rm", rule["id"]).returncode == 0
    assert alerts(settings, "rm", rule["id"]).returncode == 1
    assert alerts(settings, "test", rule["id"]).returncode == 1
    assert rule["id"] not in alerts(settings, "list").stdout


@pytest.mark.parametrize(
    "args",
    [
        ("bad query", "--query", "title:(unclosed"),
        ("loopback", "--webhook", "http://127.0.0.1:9200/_cluster/settings"),
        ("ftp", "--webhook", "ftp://example.org/x"),
        ("two secrets", "--secret-env", "A", "--secret-stdin"),
        ("no such variable", "--secret-env", "NEWSINGEST_TEST_UNSET_VARIABLE"),
        ("", "--query", "x"),
    ],
)
def test_bad_rules_are_refused(settings: Settings, args: tuple[str, ...]) -> None:
    done = alerts(settings, "add", *args)
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.splitlines()[-1].startswith("error: ")


def test_tail_prints_matches_as_they_arrive(settings: Settings, articles: list[EnrichedArticle]) -> None:
    produce_matches(settings, [alert_match("a" * 32, "before the tail", articles[0])])
    tail = subprocess.Popen(
        [NEWSINGEST, "alerts", "tail", "--json", "--limit", "2"],
        env=settings_env(settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        n = 0
        while tail.poll() is None and time.monotonic() < deadline:  # until the tail has its start position
            produce_matches(settings, [alert_match(f"{n:032x}", f"live {n}", articles[n % 2])])
            n += 1
            time.sleep(0.5)
        out, err = tail.communicate(timeout=30)
    finally:
        if tail.poll() is None:
            tail.kill()
    assert tail.returncode == 0, err
    printed = [json.loads(line) for line in out.splitlines()]
    assert len(printed) == 2
    assert all(p["alert_name"].startswith("live ") for p in printed)  # not the match from before
    assert "schema_version" not in printed[0]


def test_watchlist_creates_rules_with_past_matches(
    settings: Settings, tmp_path: Path, articles: list[EnrichedArticle]
) -> None:
    path = tmp_path / "names.csv"
    path.write_bytes("\ufeffname,type\nKim Jong Un,person\nkreml\nSeoul\n=cmd|' /C calc'!A0\nNiemand,person\n".encode())
    done = alerts(settings, "watchlist", str(path), "--name-prefix", "wl: ", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["created"] == 4
    assert [(r["line"], r["reason"][:20]) for r in report["refused"]] == [(5, "looks like a spreads")]
    by_line = {r["line"]: r for r in report["rules"]}
    assert by_line[2]["rule"]["filters"] == {"person": ["Kim Jong Un"]}
    assert by_line[2]["past_matches"] == 2
    assert by_line[3]["past_matches"] == 2  # untyped: an organisation
    assert by_line[4]["past_matches"] == 2  # untyped: a place
    assert by_line[6]["past_matches"] == 0
    assert {h["id"] for h in by_line[2]["first_hits"]} == {a.article_id for a in articles}
    assert by_line[2]["rule"]["name"] == "wl: Kim Jong Un"
    listed = {r["name"] for r in json.loads(alerts(settings, "list", "--json").stdout)}
    assert {"wl: Kim Jong Un", "wl: kreml", "wl: Seoul", "wl: Niemand"} <= listed

    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"\x00\x01\x02\n")
    refused = alerts(settings, "watchlist", str(empty))
    assert refused.returncode == 2
    assert "line 1:" in refused.stderr
    assert "no names" in refused.stderr
