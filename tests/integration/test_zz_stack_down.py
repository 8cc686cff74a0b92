"""Runs last (file order): `stack down` frees the ports, `stack up` brings everything back."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from newsingest.config import Settings
from newsingest.stack.process import port_open

NEWSINGEST = str(Path(sys.executable).with_name("newsingest"))


def test_stack_down_frees_the_ports_and_up_restores_them(stack: Settings) -> None:
    ports = [stack.stack_kafka_port, stack.stack_kafka_controller_port, stack.stack_es_port]
    down = subprocess.run([NEWSINGEST, "stack", "down"], capture_output=True, text=True, timeout=180, check=False)
    assert down.returncode == 0, down.stderr
    try:
        assert [p for p in ports if port_open(stack.stack_host, p)] == []
        status = subprocess.run([NEWSINGEST, "stack", "status"], capture_output=True, text=True, timeout=60,
                                check=False)
        assert status.returncode == 3
    finally:
        up = subprocess.run([NEWSINGEST, "stack", "up"], capture_output=True, text=True, timeout=600, check=False)
    assert up.returncode == 0, up.stderr
    assert all(port_open(stack.stack_host, p) for p in ports)
