"""Engine construction: URL checks, per-dialect defaults, and SQLite's transaction discipline.

Kept apart from the storage so that the rules for *connecting* (which drivers, which pool, which
pragmas, which errors the user sees for a bad URL) live on one page.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Any

import sqlalchemy
from sqlalchemy import event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import URL, Engine
from sqlalchemy.pool import StaticPool

if TYPE_CHECKING:
    import sqlite3

try:
    import fcntl
except ImportError:  # Windows: SQLiteWriterLock steps aside and SQLite's busy handler queues writers alone
    fcntl = None  # type: ignore[assignment]

__all__ = ["SQLITE_SYNCHRONOUS_LEVELS", "SQLiteWriterLock", "is_sqlite_memory", "make_engine", "mask_url"]

_SUPPORTED = "sqlite, postgresql (+psycopg2, +psycopg), mysql (+pymysql)"


def _driver_hint(drivername: str) -> str:
    """What to install (or write) for a URL whose driver is missing: only what pyhpo's extras really provide."""
    if drivername.startswith("mysql"):
        if drivername == "mysql+pymysql":
            return 'Install it: `pip install "pyhpo-opt[mysql]"` (PyMySQL).'
        # mysql:// means SQLAlchemy's default MySQLdb driver (mysqlclient, built from C); the extra brings PyMySQL.
        return (
            'Use a `mysql+pymysql://` URL with `pip install "pyhpo-opt[mysql]"` (PyMySQL), or install the driver '
            "your URL names yourself."
        )
    if drivername.startswith("postgresql"):
        return 'Install it: `pip install "pyhpo-opt[postgres]"` (psycopg 3 and psycopg2).'
    return "Install the driver your URL names."


# SQLite waits this long (seconds) for another connection's write lock before it reports "busy".
# Writers hold the lock for one short transaction, so a long wait only ever happens under a
# pile-up of many processes, where waiting is exactly what we want.
SQLITE_BUSY_TIMEOUT = 120.0
# Accepted values of the ``synchronous`` query option of a SQLite URL (SQLite's PRAGMA synchronous
# levels); pyhpo's default is NORMAL.
SQLITE_SYNCHRONOUS_LEVELS = ("OFF", "NORMAL", "FULL", "EXTRA")


def mask_url(url: str | URL) -> str:
    """Render ``url`` for messages and logs, with its password replaced by ``***``."""
    if isinstance(url, URL):
        return url.render_as_string(hide_password=True)
    try:
        return sqlalchemy.make_url(url).render_as_string(hide_password=True)
    except (ValueError, sqlalchemy.exc.ArgumentError):
        # Unparseable: still never echo what looks like a password (``scheme://user:pw@host``).
        return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)


def is_sqlite_memory(url: URL) -> bool:
    """True for an in-memory SQLite database (one per connection unless pooled statically)."""
    database = url.database or ""
    return (
        database in ("", ":memory:")
        or url.query.get("mode") == "memory"
        or database.startswith("file::memory:")
    )


def _parse(url: str) -> URL:
    if not isinstance(url, str) or not url:
        raise ValueError(f"storage URL must be a non-empty string, got {url!r}")
    try:
        return sqlalchemy.make_url(url)
    except (sa_exc.ArgumentError, ValueError) as e:
        raise ValueError(
            f"Invalid storage URL {mask_url(url)!r}: expected a SQLAlchemy database URL such as "
            "'sqlite:///example.db' or 'postgresql+psycopg2://user@host/db'."
        ) from e


def _pop_sqlite_synchronous(url: URL) -> tuple[URL, str]:
    """Take pyhpo's ``synchronous=off|normal|full|extra`` option out of a SQLite URL.

    The option is ours, not the driver's (``sqlite3.connect`` would refuse it), so the engine gets
    the URL without it. It rides in the URL so that every process given the URL (workers, the
    ``pyhpo`` command, a pickled storage) syncs the same way.
    """
    value = url.query.get("synchronous")
    if value is None:
        return url, "NORMAL"
    level = value.upper() if isinstance(value, str) else ""
    if level not in SQLITE_SYNCHRONOUS_LEVELS:
        raise ValueError(
            f"Invalid synchronous={value!r} in storage URL {mask_url(url)!r}: expected one of "
            f"{', '.join(v.lower() for v in SQLITE_SYNCHRONOUS_LEVELS)}."
        )
    return url.difference_update_query(["synchronous"]), level


def _setup_sqlite(engine: Engine, synchronous: str) -> None:
    """Make every SQLite connection use WAL, a busy timeout, and explicit BEGIN statements.

    pysqlite's own transaction handling starts transactions lazily and *deferred*: two writers
    can both hold a read lock and then deadlock on the upgrade, which SQLite reports at once as
    "database is locked" without waiting. We switch the driver to autocommit and emit BEGIN
    ourselves: ``BEGIN IMMEDIATE`` for transactions that will write (the write lock is taken up
    front, so a writer waits in the busy handler instead of failing), plain ``BEGIN`` for reads
    (a consistent snapshot; in WAL mode readers never block writers or each other).
    """
    memory = is_sqlite_memory(engine.url)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(SQLITE_BUSY_TIMEOUT * 1000)}")
            if not memory:
                # WAL: readers see a snapshot while one writer appends. synchronous=NORMAL (our
                # default, SQLite's advice for WAL) syncs the WAL at checkpoints rather than at
                # every commit: a power cut or kernel crash may lose the last commits, a crashed
                # process loses nothing, and the file is never corrupted. FULL (``?synchronous=full``
                # in the URL) syncs at every commit, so a commit that returned survives a power cut.
                cursor.execute("PRAGMA journal_mode = WAL")
                cursor.execute(f"PRAGMA synchronous = {synchronous}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sqlalchemy.Connection) -> None:
        write = connection.get_execution_options().get("pyhpo_write", True)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def make_engine(url: str, engine_kwargs: dict[str, Any]) -> Engine:
    """Create the engine for ``url`` with pyhpo's defaults; ``engine_kwargs`` override them.

    A SQLite URL may carry ``synchronous=off|normal|full|extra`` (default ``normal``), e.g.
    ``sqlite:///study.db?synchronous=full``: SQLite's ``PRAGMA synchronous`` for every connection.

    Raises:
        ValueError: Malformed URL, a dialect/driver SQLAlchemy does not know, or a bad
            ``synchronous`` value.
        ImportError: The driver named by the URL is not installed.
    """
    parsed = _parse(url)
    kwargs = dict(engine_kwargs)
    backend = parsed.get_backend_name()
    synchronous = "NORMAL"
    if backend == "sqlite":
        parsed, synchronous = _pop_sqlite_synchronous(parsed)
        connect_args = dict(kwargs.pop("connect_args", {}))
        connect_args.setdefault("check_same_thread", False)
        connect_args.setdefault("timeout", SQLITE_BUSY_TIMEOUT)
        kwargs["connect_args"] = connect_args
        if is_sqlite_memory(parsed):
            # One shared connection, or every thread would see its own empty database.
            kwargs.setdefault("poolclass", StaticPool)
    else:
        # A pooled connection may have been closed by the server meanwhile (restart, idle
        # timeout). Instead of testing every connection on checkout (pool_pre_ping: one more round
        # trip per operation), the storage's retry loop reruns an operation whose connection turns
        # out dead, on a fresh one; pass pool_pre_ping=True in engine_kwargs to test anyway.
        kwargs.setdefault("pool_pre_ping", False)
        if "poolclass" not in kwargs:
            # Connections are held for one short transaction; this covers n_jobs threads plus a
            # heartbeat thread each without waiting on the pool.
            kwargs.setdefault("pool_size", 8)
            kwargs.setdefault("max_overflow", 32)
    try:
        engine = sqlalchemy.create_engine(parsed, **kwargs)
    except sa_exc.NoSuchModuleError as e:
        raise ValueError(
            f"Unknown database dialect or driver {parsed.drivername!r} in storage URL "
            f"{mask_url(parsed)!r}; supported: {_SUPPORTED}."
        ) from e
    except ImportError as e:
        raise ImportError(
            f"The database driver for {parsed.drivername!r} (storage URL {mask_url(parsed)!r}) is not "
            f"installed: {e}. {_driver_hint(parsed.drivername)}"
        ) from e
    except (TypeError, sa_exc.ArgumentError) as e:
        raise ValueError(f"Invalid engine options for storage URL {mask_url(parsed)!r}: {e}") from e
    if backend == "sqlite":
        _setup_sqlite(engine, synchronous)
    return engine


class SQLiteWriterLock:
    """A kernel lock that queues the writers of one SQLite file across processes.

    SQLite's own lock is polled: a writer that finds the database busy sleeps 1, 2, 5, ... up to
    100 ms and tries again, so under many writing processes most of the time goes to sleeping
    while the lock is free. Taking an exclusive ``flock`` first makes the next writer wake the
    moment the previous one commits. The lock is on a companion file ``<database>-pyhpo.lock``
    (``flock`` on the database file itself would meet SQLite's ``fcntl`` locks on file systems that
    emulate one with the other); the kernel releases it if the holder dies. Where the companion file
    cannot be created (read-only directory), or there is no ``flock`` (Windows), writers fall back to
    SQLite's busy handler alone.
    """

    def __init__(self, database: str) -> None:
        self.path = database + "-pyhpo.lock"
        self._fd: int | None = None
        self.reopen()

    def reopen(self) -> None:
        """Open our own descriptor (after fork the inherited one would share the parent's lock)."""
        self.close()  # safe: no POSIX lock lives on this file, only our flock
        if fcntl is None:
            return
        try:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError:
            self._fd = None

    def acquire(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_EX)

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
