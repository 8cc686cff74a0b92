"""docker-compose.yml cannot run here (no Docker engine); it is loaded with compose-go, the loader Docker Compose
uses, and checked against the settings and the local stack's versions."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from functools import cache
from typing import Any

import pytest

from newsingest.config import Settings
from tests.conftest import REPO

CHECKER = REPO / "deploy" / "compose-check"


@cache
def compose_project() -> dict[str, Any]:
    go = shutil.which("go")
    if go is None:
        pytest.fail("Go is needed to validate docker-compose.yml (deploy/compose-check)")
    result = subprocess.run([go, "run", ".", str(REPO / "docker-compose.yml")], cwd=CHECKER, capture_output=True,
                            text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_compose_file_is_valid_and_has_every_part() -> None:
    services = compose_project()["services"]
    assert {"kafka", "elasticsearch", "kibana", "corenlp", "newsingest", "search", "kibana-setup"} <= set(services)
    for name in ("kafka", "elasticsearch", "kibana", "corenlp", "newsingest"):
        assert services[name].get("healthcheck", {}).get("test"), f"{name} has no healthcheck"


def test_versions_match_the_local_stack() -> None:
    services = compose_project()["services"]
    defaults = Settings()
    assert services["kafka"]["image"] == f"apache/kafka:{defaults.stack_kafka_version}"
    assert services["elasticsearch"]["image"].endswith(f"/elasticsearch:{defaults.stack_es_version}")
    assert services["kibana"]["image"].endswith(f"/kibana:{defaults.stack_es_version}")
    assert services["corenlp"]["image"].endswith(f":{defaults.stack_corenlp_version}")
    dockerfile = (REPO / "deploy" / "docker" / "corenlp.Dockerfile").read_text()
    assert f"ARG CORENLP_VERSION={defaults.stack_corenlp_version}" in dockerfile


def test_every_newsingest_variable_is_a_setting() -> None:
    fields = {f"NEWSINGEST_{name.upper()}" for name in Settings.model_fields}
    used: set[str] = set()
    for service in compose_project()["services"].values():
        used |= {k for k in (service.get("environment") or {}) if k.startswith("NEWSINGEST_")}
    dockerfile = (REPO / "deploy" / "docker" / "newsingest.Dockerfile").read_text()
    used |= set(re.findall(r"NEWSINGEST_[A-Z_]+", dockerfile))
    assert used, "no settings found"
    assert used - fields == set()
