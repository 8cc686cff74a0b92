"""The shutdown deadline ends a process that cannot finish its clean stop."""

from __future__ import annotations

import subprocess
import sys
import time

from newsingest.shutdown import EXIT_CODE


def test_the_deadline_exits_a_stuck_process_with_its_exit_code() -> None:
    code = (
        "import time\n"
        "from newsingest.shutdown import arm_shutdown_deadline\n"
        "arm_shutdown_deadline(0.3, process='test')\n"
        "time.sleep(30)\n"
    )
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=20)
    assert result.returncode == EXIT_CODE
    assert time.monotonic() - started < 15
    assert "shutdown deadline passed" in result.stdout + result.stderr


def test_a_process_that_ends_in_time_is_not_affected() -> None:
    code = "from newsingest.shutdown import arm_shutdown_deadline\narm_shutdown_deadline(5, process='test')\n"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=20)
    assert result.returncode == 0
