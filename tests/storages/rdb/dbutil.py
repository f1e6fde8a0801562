"""Private databases for tests on the shared PostgreSQL/MySQL servers.

Tests never touch the shared ``test`` database's tables: they create a database named
``pyhpo_test_<random>`` next to it and drop it afterwards.
"""

from __future__ import annotations

import contextlib
import uuid
from typing import TYPE_CHECKING

import sqlalchemy

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["create_private_database", "drop_private_database", "temporary_database"]


def _admin_engine(server_url: str) -> sqlalchemy.Engine:
    return sqlalchemy.create_engine(
        server_url, isolation_level="AUTOCOMMIT", poolclass=sqlalchemy.pool.NullPool
    )


def create_private_database(server_url: str) -> str:
    """Create an empty database on the server of ``server_url``; return its URL."""
    name = f"pyhpo_test_{uuid.uuid4().hex[:12]}"
    engine = _admin_engine(server_url)
    with engine.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    engine.dispose()
    return sqlalchemy.make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_private_database(url: str) -> None:
    """Drop a database made by :func:`create_private_database` (closing its open connections)."""
    parsed = sqlalchemy.make_url(url)
    name = parsed.database
    assert name is not None and name.startswith("pyhpo_test_"), name
    postgres = parsed.get_backend_name() == "postgresql"
    server = parsed.set(database="postgres" if postgres else "mysql")
    engine = _admin_engine(server.render_as_string(hide_password=False))
    with engine.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}" + (" WITH (FORCE)" if postgres else ""))
    engine.dispose()


@contextlib.contextmanager
def temporary_database(server_url: str) -> Iterator[str]:
    """Yield the URL of a fresh database on the server of ``server_url``; drop it at exit."""
    url = create_private_database(server_url)
    try:
        yield url
    finally:
        drop_private_database(url)
