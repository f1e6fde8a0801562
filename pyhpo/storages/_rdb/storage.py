"""RDBStorage: studies in a relational database (SQLite, PostgreSQL, MySQL) through SQLAlchemy 2.

The schema is Optuna's (see ``models``), so pyhpo and Optuna workers can share one database.

How each concurrency guarantee is obtained:

* Trial numbers are unique and dense per study. Optuna's schema has no unique constraint on
  ``(study_id, number)`` and adding one would make Optuna refuse the database, so creation of the
  trials of one study is serialized instead: ``SELECT ... FOR UPDATE`` on the study row
  (PostgreSQL, MySQL), or the database-wide write lock that ``BEGIN IMMEDIATE`` takes (SQLite).
  Under that lock the new number is the number of the study's newest trial plus one, read through
  the ``study_id`` index, so the cost does not grow with the number of trials.
* A WAITING trial is handed to exactly one worker: ``UPDATE trials SET state='RUNNING' WHERE
  trial_id = ? AND state = 'WAITING'`` and the row count says who won. Finishing a trial is the
  same conditional update on unfinished states, so a trial is finished once (a heartbeat sweep and
  the worker itself cannot both win).
* Transient errors (deadlocks, serialization failures, dropped connections, a restarting server)
  roll the transaction back and run the whole operation again with jittered exponential backoff.

Reads are incremental: finished trials never change, so each process keeps them once read and a
poll of a study fetches only trials it has not seen finished (new trial ids and the ones that were
still running), one query per table.

The operations live in mixins, one module per responsibility: ``_core`` (transactions, retries, locks),
``_studies``, ``_trial_writes``, ``_trial_reads`` and ``_heartbeats``. This module assembles them and owns the
set-up: engines, schema, fork and pickle.
"""

from __future__ import annotations

import os
import threading
import warnings
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, event
from sqlalchemy.orm import scoped_session, sessionmaker

from pyhpo import logging as pyhpo_logging
from pyhpo._experimental import warn_experimental_argument
from pyhpo._runtime import after_fork, check_heartbeat_options
from pyhpo.storages._base import BaseStorage
from pyhpo.storages._heartbeat import BaseHeartbeat
from pyhpo.storages._rdb import models
from pyhpo.storages._rdb._engine import SQLiteWriterLock, is_sqlite_memory, make_engine, mask_url
from pyhpo.storages._rdb._heartbeats import HeartbeatOperations
from pyhpo.storages._rdb._studies import StudyOperations
from pyhpo.storages._rdb._trial_reads import TrialReads
from pyhpo.storages._rdb._trial_writes import TrialWrites
from pyhpo.storages._rdb._versions import VersionManager, release_schema_lock, serialize_schema_setup
from pyhpo.storages._trial_cache import TrialCache

if TYPE_CHECKING:
    from collections.abc import Callable

    from pyhpo._values import FrozenTrial
    from pyhpo.study import Study

__all__ = ["RDBStorage", "upgrade_storage"]

_logger = pyhpo_logging.get_logger(__name__)


class RDBStorage(StudyOperations, TrialWrites, TrialReads, HeartbeatOperations, BaseStorage, BaseHeartbeat):
    """Storage in a relational database, shared by any number of worker processes and machines.

    Args:
        url: A SQLAlchemy database URL, e.g. ``sqlite:///example.db``,
            ``postgresql+psycopg2://user:password@host/db``, ``mysql+pymysql://user@host/db``.
        engine_kwargs: Extra keyword arguments for :func:`sqlalchemy.create_engine`; they override
            pyhpo's defaults (``pool_pre_ping``, pool sizes, SQLite's ``connect_args``).
        skip_compatibility_check: Do not check the schema revision (used by ``upgrade``).
        heartbeat_interval: Record a heartbeat of each running trial every this many seconds, so
            that trials of workers that died can be failed by the others. None turns it off.
            Experimental in Optuna: passing it warns (``ExperimentalWarning``), as there.
        grace_period: A RUNNING trial is stale once its last heartbeat is older than this many
            seconds; default ``2 * heartbeat_interval``.
        heartbeat_stale_trial_callback: Called as ``callback(study, frozen_trial)`` for each trial
            failed because its heartbeat went stale, e.g.
            :class:`~pyhpo.storages.RetryHeartbeatStaleTrialCallback`.
        failed_trial_callback: The name Optuna used before 4.9 for ``heartbeat_stale_trial_callback``;
            deprecated there (passing it warns with Optuna's ``FutureWarning``).
        skip_table_creation: Do not create missing tables (for databases whose schema is managed
            elsewhere).

    The signature is Optuna's, positional order included. As there, ``engine`` is the SQLAlchemy
    engine and ``scoped_session`` a :class:`sqlalchemy.orm.scoped_session` bound to it, for user code
    that runs its own queries; pyhpo's own operations do not use sessions.

    Raises:
        ValueError: Malformed URL, unknown driver or bad option values.
        ImportError: The URL's database driver is not installed.
        StorageInternalError: The database cannot be reached (wrong host, password or database
            name); the message names the URL without its password.
        RuntimeError: The database has a schema revision this version does not use; the message
            says what to run.
    """

    def __init__(
        self,
        url: str,
        engine_kwargs: dict[str, Any] | None = None,
        skip_compatibility_check: bool = False,
        *,
        heartbeat_interval: int | None = None,
        grace_period: int | None = None,
        heartbeat_stale_trial_callback: Callable[[Study, FrozenTrial], None] | None = None,
        failed_trial_callback: Callable[[Study, FrozenTrial], None] | None = None,
        skip_table_creation: bool = False,
    ) -> None:
        # Optuna's checks, messages and warnings (code ported from it filters on them).
        check_heartbeat_options(heartbeat_interval, grace_period)
        if heartbeat_interval is not None:
            warn_experimental_argument("heartbeat_interval")
        if failed_trial_callback is not None and heartbeat_stale_trial_callback is not None:
            raise ValueError(
                "Specify only one of `heartbeat_stale_trial_callback` and `failed_trial_callback`."
            )
        if failed_trial_callback is not None:
            warnings.warn(
                "`failed_trial_callback` has been deprecated in v4.9.0. This feature will be removed in v6.0.0. "
                "See https://github.com/optuna/optuna/releases/tag/v4.9.0. Use `heartbeat_stale_trial_callback` "
                "instead.",
                FutureWarning,
                stacklevel=2,
            )
        # Optuna fills this placeholder (a database per schema version, e.g. ``sqlite:///v{SCHEMA_VERSION}.db``).
        if isinstance(url, str) and "{SCHEMA_VERSION}" in url:
            url = url.replace("{SCHEMA_VERSION}", str(models.SCHEMA_VERSION))
        self.url = url
        self.engine_kwargs = dict(engine_kwargs or {})
        self.skip_table_creation = skip_table_creation
        self.skip_compatibility_check = skip_compatibility_check
        self.heartbeat_interval = heartbeat_interval
        self.grace_period = grace_period
        self.heartbeat_stale_trial_callback = heartbeat_stale_trial_callback or failed_trial_callback
        self.failed_trial_callback = self.heartbeat_stale_trial_callback
        self._connect()

    # -- set-up ---------------------------------------------------------------------------------------
    def _connect(self) -> None:
        self.engine = make_engine(self.url, self.engine_kwargs)
        self._masked_url = mask_url(self.engine.url)
        self._dialect = self.engine.dialect.name
        self._sqlite = self._dialect == "sqlite"
        self._memory = self._sqlite and is_sqlite_memory(self.engine.url)
        # PostgreSQL and MySQL reads run in autocommit (no BEGIN/COMMIT round trips) on an engine of their own:
        # switching a pooled connection's isolation level per read makes SQLAlchemy 2.1 reset it at
        # check-in, and on a connection the server dropped that reset raises past every handler.
        self._read_engine = (
            make_engine(
                self.url,
                # Autocommit leaves nothing to roll back when a connection goes back to the pool: skip the
                # reset, a round trip on MySQL.
                {"pool_reset_on_return": None, **self.engine_kwargs, "isolation_level": "AUTOCOMMIT"},
            )
            if self._dialect in ("postgresql", "mysql", "mariadb")
            else self.engine
        )
        if self._read_engine is not self.engine:
            # Code written for Optuna disposes ``storage.engine``; the read pool goes with it.
            read_engine = self._read_engine
            event.listen(self.engine, "engine_disposed", lambda _engine: read_engine.dispose())
        self._init_process_state()
        self._new_scoped_session()
        self._versions = VersionManager(self.engine, self._masked_url)
        after_fork(self)
        self._transaction(self._initialize_schema, write=True, budget=10.0, what="Cannot open the database")
        if not self.skip_compatibility_check:
            self._versions.check()

    def _init_process_state(self) -> None:
        # SQLite allows one writer at a time per file; threads of this process queue on a lock
        # instead of spinning in SQLite's busy handler. An in-memory database has a single shared
        # connection, so every transaction takes the lock.
        self._write_lock = threading.Lock() if self._sqlite else None
        # ... and processes queue on a kernel lock (see SQLiteWriterLock).
        old_lock: SQLiteWriterLock | None = getattr(self, "_file_lock", None)
        if old_lock is not None:
            old_lock.reopen()  # the descriptor inherited through fork shares the parent's lock
        elif self._sqlite and not self._memory and os.environ.get("PYHPO_SQLITE_FLOCK", "1") == "1":
            old_lock = SQLiteWriterLock(str(self.engine.url.database))
        self._file_lock = old_lock
        self._cache = TrialCache()
        self._trial_study = {}
        self._param_dists = {}
        self._dist_by_json = {}

    def _new_scoped_session(self) -> None:
        # Optuna's attribute: user code calls ``storage.scoped_session()`` for a session of its own thread,
        # and ``remove_session()`` / ``scoped_session.remove()`` to give it back.
        self.scoped_session = scoped_session(sessionmaker(bind=self.engine))

    def _initialize_schema(self, conn: Connection) -> None:
        serialize_schema_setup(conn)
        try:
            self._versions.initialize(conn, create_tables=not self.skip_table_creation)
        finally:
            release_schema_lock(conn)

    def _after_fork_in_child(self) -> None:
        self.engine.dispose(close=False)
        if self._read_engine is not self.engine:
            self._read_engine.dispose(close=False)
        self._init_process_state()
        # The parent's thread-local sessions hold the parent's connections: the child starts with none.
        self._new_scoped_session()

    def __getstate__(self) -> dict[str, Any]:
        keep = ("url", "engine_kwargs", "skip_table_creation", "skip_compatibility_check",
                "heartbeat_interval", "grace_period", "heartbeat_stale_trial_callback",
                "failed_trial_callback")  # fmt: skip
        return {k: self.__dict__[k] for k in keep}

    def __setstate__(self, state: dict[str, Any]) -> None:
        # A storage pickled before heartbeat_stale_trial_callback existed had only failed_trial_callback.
        state.setdefault("heartbeat_stale_trial_callback", state.get("failed_trial_callback"))
        self.__dict__.update(state)
        self._connect()

    def remove_session(self) -> None:
        """Close and forget the calling thread's session of :attr:`scoped_session` (Optuna's method).

        pyhpo's own operations hold no session: their connections go back to the pool at the end of every
        operation. Only a session user code opened through ``scoped_session()`` is released here.
        """
        self.scoped_session.remove()

    # -- schema versions ------------------------------------------------------------------------------
    def upgrade(self) -> None:
        """Migrate the database schema to the revision this pyhpo uses."""
        self._versions.upgrade()

    def get_current_version(self) -> str:
        """The alembic revision the database is at."""
        return self._versions.get_current_version()

    def get_head_version(self) -> str:
        """The alembic revision this pyhpo writes."""
        return self._versions.get_head_version()

    def get_all_versions(self) -> list[str]:
        """Every revision this pyhpo can upgrade from, newest first."""
        return self._versions.get_all_versions()


def upgrade_storage(url: str) -> str:
    """Bring the database at ``url`` to the schema this pyhpo uses (``pyhpo storage upgrade``).

    Returns the line to show the user (Optuna's wording). Stop the workers first: migrations may
    rebuild tables.

    Raises:
        RuntimeError: The revision is not one we can upgrade from (Optuna's older schemas, or a newer
            pyhpo's); the message says what to run instead.
    """
    storage = RDBStorage(url, skip_table_creation=True, skip_compatibility_check=True)
    try:
        if storage.get_current_version() == storage.get_head_version():
            return "This storage is up-to-date."
        _logger.info("Upgrading the storage schema to the latest version.")
        storage.upgrade()
        return "Completed to upgrade the storage."
    finally:
        storage.engine.dispose()
