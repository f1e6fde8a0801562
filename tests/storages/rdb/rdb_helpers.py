"""Helpers shared by the RDB tests (server URLs and private databases)."""

from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy


def require_server_url(var: str) -> str:
    url = os.environ.get(var)
    if url:
        return url
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{var} is not set, but CI=true requires the server tests to run")
    pytest.skip(f"{var} is not set; set it to run this test against a real server")


def _admin_engine(server_url: str) -> sqlalchemy.Engine:
    return sqlalchemy.create_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=sqlalchemy.pool.NullPool)


def create_private_database(server_url: str) -> str:
    """Create an empty database next to the one in ``server_url``; return its URL."""
    name = f"pyhpo_test_{uuid.uuid4().hex[:12]}"
    engine = _admin_engine(server_url)
    with engine.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    engine.dispose()
    return sqlalchemy.make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_private_database(url: str) -> None:
    parsed = sqlalchemy.make_url(url)
    name = parsed.database
    assert name is not None and name.startswith("pyhpo_test_")
    server = parsed.set(database="postgres" if parsed.get_backend_name() == "postgresql" else "mysql")
    engine = _admin_engine(server.render_as_string(hide_password=False))
    with engine.connect() as conn:
        if parsed.get_backend_name() == "postgresql":
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        else:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
    engine.dispose()
