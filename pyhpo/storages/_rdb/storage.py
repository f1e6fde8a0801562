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
"""

from __future__ import annotations

import copy
import datetime
import json
import os
import threading
import uuid
import warnings
import weakref
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Connection, delete, event, func, insert, or_, select, true, union_all
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import scoped_session, sessionmaker

from pyhpo import logging as pyhpo_logging
from pyhpo._experimental import warn_experimental_argument
from pyhpo._values import FrozenStudy, FrozenTrial, StudyDirection, TrialState
from pyhpo.distributions import (
    BaseDistribution,
    check_distribution_compatibility,
    distribution_to_json,
    json_to_distribution,
)
from pyhpo.exceptions import DuplicatedStudyError, StorageInternalError, UpdateFinishedTrialError
from pyhpo.storages._base import DEFAULT_STUDY_NAME_PREFIX, BaseStorage
from pyhpo.storages._heartbeat import BaseHeartbeat
from pyhpo.storages._rdb import _sql as q
from pyhpo.storages._rdb import models as m
from pyhpo.storages._rdb._engine import SQLiteWriterLock, is_sqlite_memory, make_engine, mask_url
from pyhpo.storages._rdb._retry import Backoff, is_transient
from pyhpo.storages._rdb._trials import (
    StudyCache,
    build_trials,
    check_param_row,
    check_template_row,
    check_values_row,
    to_db_time,
    utcnow,
    value_to_db,
)
from pyhpo.storages._rdb._versions import VersionManager, release_schema_lock, serialize_schema_setup

if TYPE_CHECKING:
    from collections.abc import Callable, Container, Iterator, Sequence

    from sqlalchemy.sql.elements import ColumnElement

    from pyhpo.study import Study

__all__ = ["RDBStorage", "upgrade_storage"]

_T = TypeVar("_T")
_logger = pyhpo_logging.get_logger(__name__)
# Above this many ids, "trial_id IN (...)" is replaced by a join on the study (bind-parameter limits).
_MAX_IN_LIST = 500
# What Optuna's RDBStorage says of a study or trial that does not exist (KeyError) and of a best trial when none
# is complete (ValueError). Code written for Optuna sees the same text; the id is in the caller's hands anyway.
_NOT_FOUND = "Record does not exist."
_live_storages: weakref.WeakSet[RDBStorage] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    # Pooled connections belong to the parent: drop them without closing (closing would send a
    # terminate message on the parent's socket), and start with fresh locks.
    for storage in list(_live_storages):
        storage._reset_after_fork()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


class RDBStorage(BaseStorage, BaseHeartbeat):
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
        # Optuna's checks, messages and warnings, in Optuna's order (code ported from it filters on them).
        # Stricter than Optuna on types: a bool or a string is refused, not compared with 0.
        for name, value in (("heartbeat_interval", heartbeat_interval), ("grace_period", grace_period)):
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0
            ):
                raise ValueError(f"The value of `{name}` should be a positive integer.")
            if name == "heartbeat_interval" and value is not None:
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
            url = url.replace("{SCHEMA_VERSION}", str(m.SCHEMA_VERSION))
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
        # PostgreSQL reads run in autocommit (no BEGIN/COMMIT round trips) on an engine of their own:
        # switching a pooled connection's isolation level per read makes SQLAlchemy 2.1 reset it at
        # check-in, and on a connection the server dropped that reset raises past every handler.
        self._read_engine = (
            make_engine(self.url, {**self.engine_kwargs, "isolation_level": "AUTOCOMMIT"})
            if self._dialect == "postgresql"
            else self.engine
        )
        if self._read_engine is not self.engine:
            # Code written for Optuna disposes ``storage.engine``; the read pool goes with it.
            read_engine = self._read_engine
            event.listen(self.engine, "engine_disposed", lambda _engine: read_engine.dispose())
        self._init_process_state()
        self._new_scoped_session()
        self._versions = VersionManager(self.engine, self._masked_url)
        _live_storages.add(self)
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
        self._cache_lock = threading.Lock()
        self._studies: dict[int, StudyCache] = {}
        self._finished: dict[int, FrozenTrial] = {}
        self._trial_study: dict[int, int] = {}
        self._param_dists: dict[tuple[int, str], BaseDistribution] = {}
        self._dist_by_json: dict[str, BaseDistribution] = {}

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

    def _reset_after_fork(self) -> None:
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

    def _storage_error(self, what: str, error: BaseException) -> StorageInternalError:
        detail = str(getattr(error, "orig", None) or error).strip().splitlines()
        reason = detail[0] if detail else type(error).__name__
        password = self.engine.url.password
        if password:
            reason = reason.replace(str(password), "***")
        return StorageInternalError(f"{what} (database {self._masked_url}): {reason}")

    # -- transactions ---------------------------------------------------------------------------------
    @contextmanager
    def _locked(self, write: bool) -> Iterator[None]:
        lock = self._write_lock if (write or self._memory) else None
        if lock is None:
            yield
            return
        with lock:
            if write and self._file_lock is not None:
                self._file_lock.acquire()
                try:
                    yield
                finally:
                    self._file_lock.release()
            else:
                yield

    def _transaction(
        self,
        body: Callable[[Connection], _T],
        *,
        write: bool,
        budget: float = 120.0,
        what: str = "Database operation failed",
    ) -> _T:
        """Run ``body`` in one transaction, again from the start after a transient error.

        IntegrityError and the errors ``body`` raises itself (KeyError, ...) pass through; other
        database errors become StorageInternalError naming the URL without its password.
        """
        backoff = Backoff(budget)
        while True:
            try:
                engine = self.engine if write else self._read_engine
                with self._locked(write), engine.connect() as conn:
                    if self._sqlite:
                        conn = conn.execution_options(pyhpo_write=write)
                    elif engine is not self.engine:
                        # An autocommit read: each statement sees its own snapshot; readers take trials
                        # rows first and children second, and a finished trial's children are complete
                        # before its state says so.
                        return body(conn)
                    with conn.begin():
                        return body(conn)
            except sa_exc.IntegrityError:
                raise
            except sa_exc.DBAPIError as e:
                if is_transient(e, self._dialect):
                    if backoff.wait():
                        continue
                    what += f" (still failing after {backoff.attempt} attempts in {budget:g} s)"
                raise self._storage_error(what, e) from e
            except sa_exc.SQLAlchemyError as e:
                raise self._storage_error(what, e) from e

    def _distribution(self, text: str) -> BaseDistribution:
        dist = self._dist_by_json.get(text)
        if dist is None:
            dist = json_to_distribution(text)
            self._dist_by_json[text] = dist
        return dist

    # -- studies --------------------------------------------------------------------------------------
    def create_new_study(self, directions: Sequence[StudyDirection], study_name: str | None = None) -> int:
        directions = list(directions)
        if not directions or not all(isinstance(d, StudyDirection) for d in directions):
            raise ValueError(f"directions must be a non-empty sequence of StudyDirection, got {directions!r}")
        name = study_name if study_name is not None else DEFAULT_STUDY_NAME_PREFIX + str(uuid.uuid4())

        def body(conn: Connection) -> int:
            key = conn.execute(insert(m.studies).values(study_name=name)).inserted_primary_key
            assert key is not None
            study_id = key[0]
            conn.execute(
                insert(m.study_directions),
                [
                    {"study_id": study_id, "objective": i, "direction": d.name}
                    for i, d in enumerate(directions)
                ],
            )
            return int(study_id)

        try:
            study_id = self._transaction(body, write=True)
        except sa_exc.IntegrityError as e:
            raise DuplicatedStudyError(f"Another study with name '{name}' already exists.") from e
        _logger.info(f"A new study created in RDB with name: {name}")
        return study_id

    def delete_study(self, study_id: int) -> None:
        """Delete the study and everything in it, atomically against workers still writing to it.

        On PostgreSQL and MySQL the study row is locked first (``SELECT ... FOR UPDATE``): trial creation
        locks the same row, so no trial can be added while the study's rows go. Then the study's trial rows
        are locked, which holds back (until the deletion commits) any worker writing a parameter, value or
        attribute into one of them; those writes then fail their foreign key check and the worker gets a
        ``KeyError`` naming the missing trial. SQLite's ``BEGIN IMMEDIATE`` already excludes every other
        writer. Transient errors (deadlocks, dropped connections) rerun the whole deletion.

        Raises:
            KeyError: No study with ``study_id`` exists (``Record does not exist.``, as Optuna says).
            StorageInternalError: The database refused the deletion for another reason.
        """
        t = m.trials.c
        lock_trials = select(t.trial_id).where(t.study_id == study_id).with_for_update()

        def body(conn: Connection) -> None:
            self._require_study(conn, study_id, for_update=not self._sqlite)
            if not self._sqlite:
                conn.execute(lock_trials).all()
            trial_ids = select(t.trial_id).where(t.study_id == study_id)
            for table in (*m.TRIAL_CHILD_TABLES, m.trial_heartbeats):
                conn.execute(delete(table).where(table.c.trial_id.in_(trial_ids)))
            conn.execute(delete(m.trials).where(t.study_id == study_id))
            for table in (m.study_user_attributes, m.study_system_attributes, m.study_directions):
                conn.execute(delete(table).where(table.c.study_id == study_id))
            conn.execute(delete(m.studies).where(m.studies.c.study_id == study_id))

        try:
            self._transaction(body, write=True)
        except sa_exc.IntegrityError as e:
            # Not expected under the locks above (a writer that does not take them, e.g. an older Optuna,
            # could still race us); never let the raw driver error reach the user.
            raise self._storage_error(f"Cannot delete the study with study_id {study_id}", e) from e
        with self._cache_lock:
            self._studies.pop(study_id, None)
            self._param_dists = {k: v for k, v in self._param_dists.items() if k[0] != study_id}

    def _upsert_transaction(
        self, body: Callable[[Connection], None], check_gone: Callable[[sa_exc.IntegrityError], None]
    ) -> None:
        """Run a write made of :meth:`_upsert` calls, turning constraint violations into what they mean.

        A foreign key violation: the parent (study or trial) was deleted under the write; ``check_gone``
        raises ``KeyError`` then. A unique violation: another writer inserted the same key between our
        UPDATE and INSERT; run again once, and the UPDATE finds the row. Anything else is reported as
        ``StorageInternalError``, never as a raw SQLAlchemy error.
        """
        for attempt in range(2):
            try:
                self._transaction(body, write=True)
                return
            except sa_exc.IntegrityError as e:
                check_gone(e)
                if attempt == 1:
                    raise self._storage_error("Database operation failed", e) from e

    def _study_gone_or_raise(self, study_id: int, error: sa_exc.IntegrityError) -> None:
        """KeyError if the study does not exist (any more); return otherwise."""
        if self._transaction(lambda conn: conn.execute(q.STUDY_NAME, {"study_id": study_id}).scalar(),
                             write=False) is None:  # fmt: skip
            raise KeyError(_NOT_FOUND) from error

    def _trial_gone_or_raise(self, trial_id: int, error: sa_exc.IntegrityError) -> None:
        """After a write into a trial's child table broke a constraint: KeyError if the trial is gone.

        A foreign key violation there means the trial was deleted (its study deleted) under the write.
        Returns when the trial still exists: the caller decides what the violation means then.
        """
        query = select(m.trials.c.trial_id).where(m.trials.c.trial_id == trial_id)
        if self._transaction(lambda conn: conn.execute(query).scalar(), write=False) is None:
            raise KeyError(_NOT_FOUND) from error

    @staticmethod
    def _require_study(conn: Connection, study_id: int, for_update: bool = False) -> str:
        query = q.STUDY_NAME_FOR_UPDATE if for_update else q.STUDY_NAME
        name = conn.execute(query, {"study_id": study_id}).scalar()
        if name is None:
            raise KeyError(_NOT_FOUND)
        return str(name)

    def _upsert(self, conn: Connection, table: Any, keys: dict[str, Any], values: dict[str, Any]) -> None:
        # UPDATE, then INSERT when no row matched (MySQL counts matched rows: SQLAlchemy sets FOUND_ROWS).
        upd, ins = q.upsert_statements(table, tuple(keys), tuple(values))
        params = {f"k_{k}": v for k, v in keys.items()} | {f"v_{k}": v for k, v in values.items()}
        if conn.execute(upd, params).rowcount == 0:
            conn.execute(ins, keys | values)

    def _set_study_attr(self, table: Any, study_id: int, key: str, value: Any) -> None:
        encoded = json.dumps(value)

        def body(conn: Connection) -> None:
            self._require_study(conn, study_id)
            self._upsert(conn, table, {"study_id": study_id, "key": key}, {"value_json": encoded})

        self._upsert_transaction(body, lambda e: self._study_gone_or_raise(study_id, e))

    def set_study_user_attr(self, study_id: int, key: str, value: Any) -> None:
        self._set_study_attr(m.study_user_attributes, study_id, key, value)

    def set_study_system_attr(self, study_id: int, key: str, value: Any) -> None:
        self._set_study_attr(m.study_system_attributes, study_id, key, value)

    def get_study_id_from_name(self, study_name: str) -> int:
        query = select(m.studies.c.study_id).where(m.studies.c.study_name == study_name)
        study_id = self._transaction(lambda conn: conn.execute(query).scalar(), write=False)
        if study_id is None:
            raise KeyError(_NOT_FOUND)
        return int(study_id)

    def get_study_name_from_id(self, study_id: int) -> str:
        return self._transaction(lambda conn: self._require_study(conn, study_id), write=False)

    def get_study_directions(self, study_id: int) -> list[StudyDirection]:
        def body(conn: Connection) -> list[StudyDirection]:
            self._require_study(conn, study_id)
            rows = conn.execute(
                select(m.study_directions.c.direction)
                .where(m.study_directions.c.study_id == study_id)
                .order_by(m.study_directions.c.objective)
            )
            return [StudyDirection[r[0]] for r in rows]

        return self._transaction(body, write=False)

    def _get_study_attrs(self, table: Any, study_id: int) -> dict[str, Any]:
        def body(conn: Connection) -> dict[str, Any]:
            self._require_study(conn, study_id)
            rows = conn.execute(select(table.c.key, table.c.value_json).where(table.c.study_id == study_id))
            return {k: json.loads(v) for k, v in rows}

        return self._transaction(body, write=False)

    def get_study_user_attrs(self, study_id: int) -> dict[str, Any]:
        return self._get_study_attrs(m.study_user_attributes, study_id)

    def get_study_system_attrs(self, study_id: int) -> dict[str, Any]:
        return self._get_study_attrs(m.study_system_attributes, study_id)

    def get_all_studies(self) -> list[FrozenStudy]:
        def body(conn: Connection) -> list[FrozenStudy]:
            names = conn.execute(
                select(m.studies.c.study_id, m.studies.c.study_name).order_by("study_id")
            ).all()
            directions: dict[int, list[StudyDirection]] = {}
            d = m.study_directions.c
            for sid, direction in conn.execute(
                select(d.study_id, d.direction).order_by(d.study_id, d.objective)
            ):
                directions.setdefault(sid, []).append(StudyDirection[direction])
            attrs: list[dict[int, dict[str, Any]]] = []
            for table in (m.study_user_attributes, m.study_system_attributes):
                by_study: dict[int, dict[str, Any]] = {}
                for sid, key, value in conn.execute(
                    select(table.c.study_id, table.c.key, table.c.value_json)
                ):
                    by_study.setdefault(sid, {})[key] = json.loads(value)
                attrs.append(by_study)
            return [
                FrozenStudy(
                    study_name=name,
                    direction=None,
                    user_attrs=attrs[0].get(sid, {}),
                    system_attrs=attrs[1].get(sid, {}),
                    study_id=sid,
                    directions=directions.get(sid, [StudyDirection.NOT_SET]),
                )
                for sid, name in names
            ]

        return self._transaction(body, write=False)

    # -- creating trials ------------------------------------------------------------------------------
    def create_new_trial(self, study_id: int, template_trial: FrozenTrial | None = None) -> int:
        trial_id = self._transaction(
            lambda conn: self._create_trial_in_transaction(conn, study_id, template_trial), write=True
        )
        with self._cache_lock:
            self._trial_study[trial_id] = study_id
            # SQLite hands out the ids of deleted rows again: a trial this process saw finished in a study
            # another process deleted may share the new trial's id.
            self._finished.pop(trial_id, None)
        return trial_id

    def _create_trial_in_transaction(
        self, conn: Connection, study_id: int, template: FrozenTrial | None
    ) -> int:
        # The lock that serializes trial creation per study: the study row on PostgreSQL/MySQL
        # (SQLite ignores FOR UPDATE; its BEGIN IMMEDIATE already holds the database write lock).
        self._require_study(conn, study_id, for_update=not self._sqlite)
        # A separate statement on purpose: under READ COMMITTED a statement's snapshot is taken when it
        # starts, so a subquery in the locking SELECT could predate the commit of the previous holder of
        # the lock and hand out its number again. This statement starts after the lock is ours.
        if template is not None:
            check_template_row(conn, self._dialect, study_id, template)
        last = conn.execute(q.LAST_NUMBER, {"study_id": study_id}).scalar()
        number = 0 if last is None else int(last) + 1
        if template is None:
            row = {"state": "RUNNING", "datetime_start": utcnow(), "datetime_complete": None}
        else:
            row = {
                "state": template.state.name,
                "datetime_start": to_db_time(template.datetime_start),
                "datetime_complete": to_db_time(template.datetime_complete),
            }
        result = conn.execute(q.INSERT_TRIAL, {"number": number, "study_id": study_id, **row})
        key = result.inserted_primary_key
        assert key is not None
        trial_id = int(key[0])
        if template is not None:
            self._insert_template_children(conn, trial_id, template)
        return trial_id

    def _insert_template_children(self, conn: Connection, trial_id: int, template: FrozenTrial) -> None:
        rows: dict[Any, list[dict[str, Any]]] = {}
        if template.values is not None:
            for objective, v in enumerate(template.values):
                value, kind = value_to_db(v, allow_nan=False)
                rows.setdefault(m.trial_values, []).append(
                    {"trial_id": trial_id, "objective": objective, "value": value, "value_type": kind}
                )
        for name, external in template.params.items():
            dist = template.distributions[name]
            rows.setdefault(m.trial_params, []).append({
                "trial_id": trial_id,
                "param_name": name,
                "param_value": dist.to_internal_repr(external),
                "distribution_json": distribution_to_json(dist),
            })  # fmt: skip
        for step, v in template.intermediate_values.items():
            value, kind = value_to_db(v, allow_nan=True)
            rows.setdefault(m.trial_intermediate_values, []).append(
                {
                    "trial_id": trial_id,
                    "step": step,
                    "intermediate_value": value,
                    "intermediate_value_type": kind,
                }
            )
        for table, attrs in ((m.trial_user_attributes, template.user_attrs),
                             (m.trial_system_attributes, template.system_attrs)):  # fmt: skip
            for key, value in attrs.items():
                rows.setdefault(table, []).append(
                    {"trial_id": trial_id, "key": key, "value_json": json.dumps(value)}
                )
        for table, batch in rows.items():
            conn.execute(insert(table), batch)

    # -- updating trials ------------------------------------------------------------------------------
    def _raise_not_updatable(self, conn: Connection, trial_id: int) -> None:
        """Explain why a conditional write on ``trial_id`` matched nothing."""
        row = conn.execute(q.TRIAL_NUMBER_STATE, {"trial_id": trial_id}).first()
        if row is None:
            raise KeyError(_NOT_FOUND)
        raise UpdateFinishedTrialError(f"Trial#{row[0]} has already finished and can not be updated.")

    def _require_updatable(self, conn: Connection, trial_id: int) -> int:
        """Return the trial's study id, or raise KeyError / UpdateFinishedTrialError."""
        row = conn.execute(q.TRIAL_STUDY_STATE, {"trial_id": trial_id}).first()
        if row is None:
            raise KeyError(_NOT_FOUND)
        if row[1] not in q.UNFINISHED:
            self._raise_not_updatable(conn, trial_id)
        return int(row[0])

    def set_trial_param(
        self, trial_id: int, param_name: str, param_value_internal: float, distribution: BaseDistribution
    ) -> None:
        check_param_row(self._dialect, param_name, param_value_internal, distribution)
        params = {
            "tid": trial_id,
            "name": param_name,
            "value": float(param_value_internal),
            "dist": distribution_to_json(distribution),
        }

        def body(conn: Connection) -> None:
            study_id = self._trial_study.get(trial_id)
            if study_id is None:
                study_id = self._require_updatable(conn, trial_id)
            # The first distribution of a parameter in the study is what later ones must be compatible
            # with; it never changes, so each process looks it up once.
            known = self._param_dists.get((study_id, param_name))
            if known is None:
                first = conn.execute(
                    q.FIRST_DISTRIBUTION, {"study_id": study_id, "name": param_name}
                ).scalar()
                known = self._distribution(first) if first is not None else None
            if known is not None:
                check_distribution_compatibility(known, distribution)
            if conn.execute(q.INSERT_PARAM_IF_UNFINISHED, params).rowcount == 0:
                self._raise_not_updatable(conn, trial_id)
            self._param_dists.setdefault((study_id, param_name), known or distribution)

        try:
            self._transaction(body, write=True)
        except sa_exc.IntegrityError as e:
            self._trial_gone_or_raise(trial_id, e)
            # The parameter is already set in this trial: the first value stays, as in Optuna.

    def set_trial_state_values(
        self, trial_id: int, state: TrialState, values: Sequence[float] | None = None
    ) -> bool:
        if not isinstance(state, TrialState):
            raise TypeError(f"state must be a TrialState, got {state!r}")
        stored = [value_to_db(v, allow_nan=False) for v in values] if values is not None else None
        if state == TrialState.RUNNING:
            change = q.TO_RUNNING
        else:
            change = q.TO_FINISHED if state.is_finished() else q.TO_UNFINISHED
        if values is not None:
            change = q.TO_WITH_VALUES[change]
        attempt = [0]

        def body(conn: Connection) -> bool:
            attempt[0] += 1
            n_values = 0 if values is None else len(values)
            params = {"tid": trial_id, "new_state": state.name, "now": utcnow(), "n_values": n_values}
            if not conn.execute(change, params).rowcount:
                row = conn.execute(q.TRIAL_NUMBER_STATE, {"trial_id": trial_id}).first()
                if row is None:
                    raise KeyError(_NOT_FOUND)
                if row[1] in q.UNFINISHED:
                    check_values_row(conn, trial_id, values)  # matched nothing: a wrong number of values?
                if attempt[0] > 1 and row[1] == state.name:
                    # Our previous attempt committed but its reply was lost; it was us who won.
                    return True
                if row[1] in q.UNFINISHED:
                    return False  # RUNNING requested for a trial that is not WAITING any more
                raise UpdateFinishedTrialError(f"Trial#{row[0]} has already finished and can not be updated.")
            if stored is not None:
                conn.execute(q.upsert_values(self._dialect), [
                    {"trial_id": trial_id, "objective": i, "value": v, "value_type": k}
                    for i, (v, k) in enumerate(stored)
                ])  # fmt: skip
            return True

        return self._transaction(body, write=True)

    def set_trial_intermediate_value(self, trial_id: int, step: int, intermediate_value: float) -> None:
        value, kind = value_to_db(intermediate_value, allow_nan=True)

        def body(conn: Connection) -> None:
            self._require_updatable(conn, trial_id)
            self._upsert(
                conn,
                m.trial_intermediate_values,
                {"trial_id": trial_id, "step": step},
                {"intermediate_value": value, "intermediate_value_type": kind},
            )

        self._upsert_transaction(body, lambda e: self._trial_gone_or_raise(trial_id, e))

    def _set_trial_attr(self, table: Any, trial_id: int, key: str, value: Any) -> None:
        encoded = json.dumps(value)

        def body(conn: Connection) -> None:
            self._require_updatable(conn, trial_id)
            self._upsert(conn, table, {"trial_id": trial_id, "key": key}, {"value_json": encoded})

        self._upsert_transaction(body, lambda e: self._trial_gone_or_raise(trial_id, e))

    def set_trial_user_attr(self, trial_id: int, key: str, value: Any) -> None:
        self._set_trial_attr(m.trial_user_attributes, trial_id, key, value)

    def set_trial_system_attr(self, trial_id: int, key: str, value: Any) -> None:
        self._set_trial_attr(m.trial_system_attributes, trial_id, key, value)

    # -- reading trials -------------------------------------------------------------------------------
    def get_trial(self, trial_id: int) -> FrozenTrial:
        cached = self._finished.get(trial_id)
        if cached is not None:
            return cached._copy()

        def body(conn: Connection) -> FrozenTrial:
            params = {"trial_id": trial_id}
            rows = conn.execute(q.TRIAL, params).all()
            if not rows:
                raise KeyError(_NOT_FOUND)
            return build_trials(conn, self._distribution, rows, q.CHILDREN_OF_TRIAL, params)[0]

        trial = self._transaction(body, write=False)
        if trial.state.is_finished():
            with self._cache_lock:
                self._finished[trial_id] = trial
            return trial._copy()
        return trial

    def _refresh(self, study_id: int) -> StudyCache:
        """Bring this process's view of a study up to date, reading only what may have changed.

        Two queries when something changed (the study joined with its changed trials, then their
        children), one otherwise.
        """
        with self._cache_lock:
            cache = self._studies.get(study_id)
            last_id = cache.last_id if cache is not None else -1
            unfinished = sorted(cache.unfinished) if cache is not None else []
            known_name = cache.name if cache is not None else None
        t = m.trials.c

        def body(conn: Connection) -> tuple[str, list[StudyDirection] | None, list[FrozenTrial]]:
            directions = None
            changed: ColumnElement[bool]
            if known_name is None:  # first read in this process: everything
                changed = true()
                found = conn.execute(q.POLL_ALL, {"study_id": study_id}).all()
            elif len(unfinished) <= _MAX_IN_LIST:
                changed = or_(t.trial_id > last_id, t.trial_id.in_(unfinished))
                params = {"study_id": study_id, "last_id": last_id, "ids": unfinished}
                found = conn.execute(q.POLL_CHANGED, params).all()
            else:  # very many unfinished (a large queue of WAITING trials): select them by state
                changed = or_(t.trial_id > last_id, t.state.in_(q.UNFINISHED))
                found = conn.execute(q.poll_query(changed).order_by(t.trial_id), {"study_id": study_id}).all()
            names = [r.study_name for r in found if r.study_name is not None]
            if not names:
                raise KeyError(_NOT_FOUND)
            name = names[0]
            if name != known_name and known_name is not None:
                # The id now names another study (deleted, and the id reused): start over.
                found = conn.execute(q.POLL_ALL, {"study_id": study_id}).all()
                known = None
            else:
                known = known_name
            if known is None:
                rows_dirs = conn.execute(q.STUDY_DIRECTIONS, {"study_id": study_id})
                directions = [StudyDirection[r[0]] for r in rows_dirs]
            rows = [r for r in found if r.trial_id is not None]
            if not rows:
                return name, directions, []
            if len(rows) <= _MAX_IN_LIST:
                children, params = q.CHILDREN_OF_IDS, {"ids": [r.trial_id for r in rows]}
            elif known is None:
                children, params = q.CHILDREN_OF_STUDY, {"study_id": study_id}
            else:  # too many ids to list: the same condition as a subquery (rare, built ad hoc)
                subquery = select(t.trial_id).where(t.study_id == study_id, changed)
                children, params = q.children_query(lambda table: table.c.trial_id.in_(subquery)), {}
            return name, directions, build_trials(conn, self._distribution, rows, children, params)

        name, directions, fresh = self._transaction(body, write=False)
        with self._cache_lock:
            cache = self._studies.get(study_id)
            if directions is not None or cache is None or cache.name != name:
                # New to this process, or the id now names another study (deleted and reused): what this
                # process remembers of the old study under that id must not leak into the new one.
                if cache is not None:
                    self._param_dists = {k: v for k, v in self._param_dists.items() if k[0] != study_id}
                cache = StudyCache(name, directions if directions is not None else [])
                self._studies[study_id] = cache
            for trial in fresh:
                cache.absorb(trial)
                if trial.state.is_finished():
                    self._finished[trial._trial_id] = trial
                else:  # a reused id (SQLite) of a finished trial of a deleted study
                    self._finished.pop(trial._trial_id, None)
                    self._trial_study[trial._trial_id] = study_id
        return cache

    def get_all_trials(
        self, study_id: int, deepcopy: bool = True, states: Container[TrialState] | None = None
    ) -> list[FrozenTrial]:
        cache = self._refresh(study_id)
        with self._cache_lock:
            trials = cache.select(states)
        return copy.deepcopy(trials) if deepcopy else trials

    def get_n_trials(self, study_id: int, state: tuple[TrialState, ...] | TrialState | None = None) -> int:
        cache = self._refresh(study_id)
        with self._cache_lock:
            if state is None:
                return len(cache.trials)
            states = (state,) if isinstance(state, TrialState) else tuple(state)
            return sum(cache.counts.get(s, 0) for s in set(states))

    def get_best_trial(self, study_id: int) -> FrozenTrial:
        cache = self._refresh(study_id)
        if len(cache.directions) > 1:
            raise RuntimeError("Best trial can be obtained only for single-objective optimization.")
        if cache.best is None:
            raise ValueError(
                _NOT_FOUND
            )  # Optuna's RDBStorage says so (its in-memory storage words it otherwise)
        return cache.best._copy()

    def get_trial_id_from_study_id_trial_number(self, study_id: int, trial_number: int) -> int:
        cache = self._studies.get(study_id)
        if cache is not None and trial_number in cache.id_by_number:
            return cache.id_by_number[trial_number]
        t = m.trials.c
        query = select(t.trial_id).where(t.study_id == study_id, t.number == trial_number)
        trial_id = self._transaction(lambda conn: conn.execute(query).scalar(), write=False)
        if trial_id is None:
            raise KeyError(
                f"No trial with trial number {trial_number} exists in study with study_id {study_id}."
            )
        return int(trial_id)

    def get_trial_number_from_id(self, trial_id: int) -> int:
        cached = self._finished.get(trial_id)
        if cached is not None:
            return cached.number
        query = select(m.trials.c.number).where(m.trials.c.trial_id == trial_id)
        number = self._transaction(lambda conn: conn.execute(query).scalar(), write=False)
        if number is None:
            raise KeyError(_NOT_FOUND)
        return int(number)

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

    # -- heartbeats -----------------------------------------------------------------------------------
    def _db_now(self, conn: Connection) -> datetime.datetime:
        # The database's clock, not ours: workers on different machines compare the same clock.
        now = conn.execute(select(func.current_timestamp())).scalar()
        if isinstance(now, str):  # SQLite returns text for a bare CURRENT_TIMESTAMP
            now = datetime.datetime.fromisoformat(now)
        assert isinstance(now, datetime.datetime)
        return now.replace(tzinfo=None)

    def record_heartbeat(self, trial_id: int) -> None:
        def body(conn: Connection) -> None:
            now = self._db_now(conn)
            self._upsert(conn, m.trial_heartbeats, {"trial_id": trial_id}, {"heartbeat": now})

        try:
            self._transaction(body, write=True)
        except sa_exc.IntegrityError:
            pass  # another thread inserted the row first; its heartbeat is as fresh as ours

    def _get_stale_trial_ids(self, study_id: int) -> list[int]:
        assert self.heartbeat_interval is not None
        grace = self.grace_period if self.grace_period is not None else 2 * self.heartbeat_interval
        # Trials this process has seen finished cannot be stale: look only at the ones it saw
        # unfinished (key lookups) and at those created since (an index range), so the query does not
        # grow with the study, even when an old trial is stuck RUNNING.
        with self._cache_lock:
            cache = self._studies.get(study_id)
            unfinished = sorted(cache.unfinished) if cache is not None else None
            last_id = cache.last_id if cache is not None else -1
        t, h = m.trials.c, m.trial_heartbeats.c
        beats = select(t.trial_id, h.heartbeat).join(m.trial_heartbeats, h.trial_id == t.trial_id)
        beats = beats.where(t.state == "RUNNING")
        if unfinished is None or len(unfinished) > _MAX_IN_LIST:
            query: Any = beats.where(t.study_id == study_id)
        else:
            query = union_all(
                beats.where(t.study_id == study_id, t.trial_id > last_id),
                beats.where(t.trial_id.in_(unfinished)),
            )

        def body(conn: Connection) -> list[int]:
            now = self._db_now(conn)
            limit = datetime.timedelta(seconds=grace)
            return sorted(trial_id for trial_id, beat in conn.execute(query) if now - beat > limit)

        return self._transaction(body, write=False)

    def get_heartbeat_interval(self) -> int | None:
        return self.heartbeat_interval

    def get_heartbeat_stale_trial_callback(self) -> Callable[[Study, FrozenTrial], None] | None:
        # get_failed_trial_callback (the name before Optuna 4.9) is BaseHeartbeat's, which warns as Optuna's does.
        return self.heartbeat_stale_trial_callback


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
