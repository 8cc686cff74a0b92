"""Crash-only needs a supervisor that restarts: the systemd units and the compose restart policies."""

from __future__ import annotations

import configparser

import pytest

from tests.conftest import REPO
from tests.unit.test_compose import compose_project

SYSTEMD = REPO / "deploy" / "systemd"


@pytest.mark.parametrize("command", ["run", "watch", "worker", "serve"])
def test_every_command_has_a_unit_that_restarts_on_failure(command: str) -> None:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.read(SYSTEMD / f"newsingest-{command}.service")
    service = unit["Service"]
    assert service["ExecStart"].split()[-1] == command
    assert service["ExecStart"].split()[0].endswith("/newsingest")
    assert service["Restart"] == "on-failure"
    assert float(service["RestartSec"]) > 0
    assert service["EnvironmentFile"] == "/etc/newsingest/newsingest.env"
    assert unit["Install"]["WantedBy"] == "multi-user.target"


def test_the_example_environment_sets_no_test_fault() -> None:
    text = (SYSTEMD / "newsingest.env.example").read_text()
    assert not [line for line in text.splitlines() if line.startswith("NEWSINGEST_TEST_FAULT")]


def test_every_long_running_compose_service_is_restarted() -> None:
    services = compose_project()["services"]
    for name in ("kafka", "elasticsearch", "kibana", "corenlp", "newsingest", "search"):
        assert services[name].get("restart") in ("on-failure", "unless-stopped", "always"), name
    assert services["newsingest"]["restart"] == "on-failure"


@pytest.mark.parametrize("command", ["run", "worker"])
def test_units_with_an_alerts_process_signal_the_parent_only(command: str) -> None:
    """The parent stops its alerts process after the indexer's last round; systemd must not stop both at once."""
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.read(SYSTEMD / f"newsingest-{command}.service")
    assert unit["Service"]["KillMode"] == "mixed"
    assert unit["Service"]["KillSignal"] == "SIGTERM"
