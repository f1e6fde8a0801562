"""Shared test helpers: server URLs from the environment, and a clean pyhpo logger per test."""

from __future__ import annotations

import os

import pytest


def require_server_url(env_var: str) -> str:
    """Return the URL in ``env_var``; skip the test without it, but fail under CI (``CI=true``).

    CI starts every server and sets every URL, so a missing one there is a broken CI, not a reason to skip.
    """
    url = os.environ.get(env_var)
    if url:
        return url
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{env_var} is not set, but CI=true: CI must start the server and set its URL.")
    pytest.skip(f"{env_var} is not set: no server to test against (set it to run this test).")


@pytest.fixture(autouse=True)
def _quiet_pyhpo_info() -> object:
    """Keep trial log lines out of test output unless a test asks for them (caplog still sees WARNING+)."""
    import pyhpo

    level = pyhpo.logging.get_verbosity()
    yield
    pyhpo.logging.set_verbosity(level)
