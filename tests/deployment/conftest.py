"""Fixtures of the deployment tests."""

from __future__ import annotations

import os

import pytest

from deploy.school import find_nginx


@pytest.fixture(scope="module")
def nginx() -> str:
    """Debian's nginx (never started as a service: each test starts its own). Skipped locally
    without it; in CI, where ``.ci/run`` installs it, its absence fails the test."""
    path = find_nginx()
    if path is None:
        message = "nginx not found; install it with: apt-get install -y nginx"
        if os.environ.get("CI", "").strip().lower() in {"true", "1"}:
            pytest.fail(f"{message} (CI: .ci/run installs it)", pytrace=False)
        pytest.skip(message)
    return path
