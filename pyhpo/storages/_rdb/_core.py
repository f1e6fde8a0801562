"""What every operation of RDBStorage stands on: one transaction with retries, the writer locks, upserts, and
the checks that a study or trial exists and may still change.

:class:`RDBCore` is the base of the operation mixins (``_studies``, ``_trial_writes``, ``_trial_reads``,
``_heartbeats``) that :class:`~pyhpo.storages.RDBStorage` is assembled from; it declares the attributes
``RDBStorage`` sets up, so each mixin is type-checked against them.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Connection, Engine, select
from sqlalchemy import exc as sa_exc

from pyhpo.distributions import BaseDistribution, json_to_distribution
from pyhpo.exceptions import StorageInternalError, UpdateFinishedTrialError
from pyhpo.storages._rdb import _sql, models
from pyhpo.storages._rdb._retry import Backoff, is_transient

if TYPE_CHECKING:
    import threading
    from collections.abc import Callable, Iterator

    from pyhpo.storages._rdb._engine import SQLiteWriterLock
    from pyhpo.storages._trial_cache import TrialCache

__all__ = ["MAX_IN_LIST", "NOT_FOUND", "RDBCore"]

_T = TypeVar("_T")
# Above this many ids, "trial_id IN (...)" is replaced by a join on the study (bind-parameter limits).
MAX_IN_LIST = 500
# What Optuna's RDBStorage says of a study or trial that does not exist (KeyError) and of a best trial when none
# is complete (ValueError). Code written for Optuna sees the same text; the id is in the caller's hands anyway.
NOT_FOUND = "Record does not exist."


class RDBCore:
    """Transactions and shared checks of the RDB storage (see the module docstring)."""

    engine: Engine
    _read_engine: Engine
    _masked_url: str
    _dialect: str
    _sqlite: bool
    _memory: bool
    _write_lock: threading.Lock | None
    _file_lock: SQLiteWriterLock | None
    _cache: TrialCache
    _trial_study: dict[int, int]
    _param_dists: dict[tuple[int, str], BaseDistribution]
    _dist_by_json: dict[str, BaseDistribution]

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

    def _autocommit(self, body: Callable[[Connection], _T]) -> _T:
        """Run ``body``, a write of one statement (which is its own transaction), on the autocommit engine, with
        :meth:`_transaction`'s retries and errors. Not for SQLite, whose writes take the writer lock."""
        assert not self._sqlite
        return self._transaction(body, write=False)

    def _distribution(self, text: str) -> BaseDistribution:
        dist = self._dist_by_json.get(text)
        if dist is None:
            dist = json_to_distribution(text)
            self._dist_by_json[text] = dist
        return dist

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
        if self._transaction(lambda conn: conn.execute(_sql.STUDY_NAME, {"study_id": study_id}).scalar(),
                             write=False) is None:  # fmt: skip
            raise KeyError(NOT_FOUND) from error

    def _trial_gone_or_raise(self, trial_id: int, error: sa_exc.IntegrityError) -> None:
        """After a write into a trial's child table broke a constraint: KeyError if the trial is gone.

        A foreign key violation there means the trial was deleted (its study deleted) under the write.
        Returns when the trial still exists: the caller decides what the violation means then.
        """
        query = select(models.trials.c.trial_id).where(models.trials.c.trial_id == trial_id)
        if self._transaction(lambda conn: conn.execute(query).scalar(), write=False) is None:
            raise KeyError(NOT_FOUND) from error

    @staticmethod
    def _require_study(conn: Connection, study_id: int, for_update: bool = False) -> str:
        query = _sql.STUDY_NAME_FOR_UPDATE if for_update else _sql.STUDY_NAME
        name = conn.execute(query, {"study_id": study_id}).scalar()
        if name is None:
            raise KeyError(NOT_FOUND)
        return str(name)

    def _upsert(self, conn: Connection, table: Any, keys: dict[str, Any], values: dict[str, Any]) -> None:
        # UPDATE, then INSERT when no row matched (MySQL counts matched rows: SQLAlchemy sets FOUND_ROWS).
        upd, ins = _sql.upsert_statements(table, tuple(keys), tuple(values))
        params = {f"k_{k}": v for k, v in keys.items()} | {f"v_{k}": v for k, v in values.items()}
        if conn.execute(upd, params).rowcount == 0:
            conn.execute(ins, keys | values)

    def _raise_not_updatable(self, conn: Connection, trial_id: int) -> None:
        """Explain why a conditional write on ``trial_id`` matched nothing."""
        row = conn.execute(_sql.TRIAL_NUMBER_STATE_CURRENT, {"trial_id": trial_id}).first()
        if row is None:
            raise KeyError(NOT_FOUND)
        raise UpdateFinishedTrialError(f"Trial#{row[0]} has already finished and can not be updated.")

    def _require_updatable(self, conn: Connection, trial_id: int) -> int:
        """Return the trial's study id, or raise KeyError / UpdateFinishedTrialError."""
        row = conn.execute(_sql.TRIAL_STUDY_STATE, {"trial_id": trial_id}).first()
        if row is None:
            raise KeyError(NOT_FOUND)
        if row[1] not in _sql.UNFINISHED:
            self._raise_not_updatable(conn, trial_id)
        return int(row[0])
