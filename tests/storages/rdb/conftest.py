"""Fixtures for the RDB tests: a fresh, private database per test module on each server.

Tests never touch the shared ``test`` database's tables: each module gets a database named
``pyhpo_test_<random>`` on the server named by PYHPO_TEST_POSTGRES_URL / PYHPO_TEST_MYSQL_URL and
drops it at the end. Without the variable those tests skip (and fail when CI=true).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.conftest import require_server_url
from tests.storages.rdb.dbutil import create_private_database, drop_private_database

if TYPE_CHECKING:
    import os
    from collections.abc import Iterator


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "server_restart: restarts the local PostgreSQL server (and always brings it back up)"
    )


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    url = create_private_database(require_server_url("PYHPO_TEST_POSTGRES_URL"))
    yield url
    drop_private_database(url)


@pytest.fixture(scope="module")
def mysql_url() -> Iterator[str]:
    url = create_private_database(require_server_url("PYHPO_TEST_MYSQL_URL"))
    yield url
    drop_private_database(url)


@pytest.fixture(params=["sqlite", "postgresql", "mysql"])
def any_url(request: pytest.FixtureRequest, tmp_path: os.PathLike[str]) -> str:
    """A database URL of each kind; the server ones are the module's private databases."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/study.db"
    fixture = "postgres_url" if request.param == "postgresql" else "mysql_url"
    return str(request.getfixturevalue(fixture))
