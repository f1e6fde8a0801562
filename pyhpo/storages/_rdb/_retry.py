"""Which database errors are worth retrying, and the backoff between attempts.

A multi-worker study meets a few errors that say nothing about the request and go away if it is
simply run again: a deadlock victim or serialization failure, a lock wait that timed out, a
connection the server dropped (PostgreSQL restarted, MySQL's ``wait_timeout``), a server that is
still starting up. Everything else (a constraint violation, a wrong password, a missing table) is a
real answer and is raised at once.

Every storage operation is one transaction; a retried operation starts a new transaction from
scratch, so a failure before the commit never leaves half of an operation behind.
"""

from __future__ import annotations

import random
import time

from sqlalchemy import exc as sa_exc

__all__ = ["Backoff", "is_transient"]

# PostgreSQL SQLSTATEs: serialization failure, deadlock, admin shutdown, crash shutdown, cannot
# connect now (starting up / shutting down), too many connections. Class 08 (connection
# exceptions) is matched by prefix.
_PG_TRANSIENT = frozenset({"40001", "40P01", "57P01", "57P02", "57P03", "53300"})
# Connection-time failures psycopg reports without a SQLSTATE that no retry can fix.
_PG_FATAL_CONNECT = (
    "does not exist", "authentication failed", "no pg_hba.conf entry", "permission denied",
    "password", "could not translate host name", "invalid dsn", "invalid connection option",
)  # fmt: skip
# MySQL/MariaDB error numbers: lock wait timeout, deadlock, too many connections, can't connect,
# server has gone away, lost connection during query, lost connection (2055), WSREP not ready.
_MYSQL_TRANSIENT = frozenset({1205, 1213, 1040, 2003, 2006, 2013, 2055, 1047})


def _sqlstate(orig: BaseException) -> str | None:
    # psycopg2 names it pgcode, psycopg (3) names it sqlstate.
    code = getattr(orig, "pgcode", None) or getattr(orig, "sqlstate", None)
    return code if isinstance(code, str) else None


def is_transient(error: BaseException, dialect: str) -> bool:
    """Tell whether ``error`` (raised by SQLAlchemy) is worth retrying on a fresh transaction."""
    if not isinstance(error, sa_exc.DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    orig = error.orig
    if dialect == "sqlite":
        # With busy_timeout and BEGIN IMMEDIATE these should not surface, but if the timeout
        # expires under extreme contention the operation is safe to run again.
        message = str(orig).lower()
        return "locked" in message or "busy" in message
    if dialect == "postgresql":
        code = _sqlstate(orig) if orig is not None else None
        if code is not None:
            return code in _PG_TRANSIENT or code.startswith("08")
        # No SQLSTATE: the failure happened while connecting or on a broken connection (refused,
        # reset, closed, server starting up). Those that retrying cannot fix are told by message.
        message = str(orig).lower()
        if any(fatal in message for fatal in _PG_FATAL_CONNECT):
            return False
        return isinstance(error, (sa_exc.OperationalError, sa_exc.InterfaceError))
    if dialect in ("mysql", "mariadb"):
        args = getattr(orig, "args", ())
        number = args[0] if args and isinstance(args[0], int) else None
        if number is not None:
            return number in _MYSQL_TRANSIENT
        return isinstance(error, (sa_exc.OperationalError, sa_exc.InterfaceError))
    return isinstance(error, sa_exc.OperationalError) and error.connection_invalidated


class Backoff:
    """Exponential backoff with full jitter, bounded by a total time budget.

    ``wait()`` sleeps before the next attempt and returns False once the budget is spent, so a
    server that stays down produces a clear error after ``budget`` seconds instead of a hang.
    Jitter keeps workers that failed together (a restart hits all of them) from retrying in lock
    step.
    """

    def __init__(self, budget: float = 60.0, base: float = 0.02, cap: float = 2.0) -> None:
        self._deadline = time.monotonic() + budget
        self._base = base
        self._cap = cap
        self.attempt = 0

    def wait(self) -> bool:
        self.attempt += 1
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            return False
        delay = random.uniform(0, min(self._cap, self._base * 2**self.attempt))
        time.sleep(min(delay, remaining))
        return True
