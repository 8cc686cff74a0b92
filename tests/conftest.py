"""Shared test paths. ``shared/`` (samples and corpora) sits beside the repository, as in CI."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SAMPLES = SHARED / "samples"
FIXTURES = REPO / "tests" / "fixtures"


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    if not SAMPLES.is_dir():
        pytest.fail(f"{SAMPLES} is missing: the shared folder must sit beside the repository")
    return SAMPLES
