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


# Interop tests run the real ``optuna`` package against pyhpo's files, databases and wire. CI runs them once with
# the newest Optuna and once with Optuna 5.0.0 (``pytest -m interop``): when a release changes a format, the
# failure says which release and which format.
def pytest_configure(config: pytest.Config) -> None:
    # pyhpo warns ExperimentalWarning where Optuna does; tests that use those parts are not about the warning
    # (the ones that are record warnings themselves, which overrides this filter).
    config.addinivalue_line("filterwarnings", "ignore::pyhpo.exceptions.ExperimentalWarning")
    # Optuna's UserWarning for ask() on a storage with heartbeats; the backends' heartbeat tests use ask() to
    # make RUNNING trials on purpose (the warning itself is checked against Optuna in tests/compat).
    config.addinivalue_line(
        "filterwarnings",
        "ignore:Heartbeat of storage is supposed to be used with Study.optimize.:UserWarning",
    )
    # Optuna 4.9's deprecation of the old retry callback name, which the heartbeat tests of every backend use.
    config.addinivalue_line(
        "filterwarnings", "ignore:RetryFailedTrialCallback has been deprecated:FutureWarning"
    )
    config.addinivalue_line(
        "markers", "interop(format): the test checks pyhpo against the real optuna package on this format"
    )


def _optuna_release() -> str:
    try:
        from importlib.metadata import version

        return version("optuna")
    except Exception:  # noqa: BLE001 - any failure means "not installed" here
        return "not installed"


def pytest_report_header(config: pytest.Config) -> str:
    return f"interop peer: optuna {_optuna_release()}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> object:
    outcome = yield
    report = outcome.get_result()
    marker = item.get_closest_marker("interop")
    if marker is not None and report.failed:
        fmt = marker.args[0] if marker.args else "unspecified format"
        report.sections.append(
            ("interop", f"pyhpo does not interoperate with optuna {_optuna_release()} on: {fmt}")
        )
