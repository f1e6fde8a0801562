"""RDBStorage's trial writes: creating trials (numbered under the study's lock), parameters, states and values,
intermediate values and attributes, each a conditional write that refuses a finished trial."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, insert
from sqlalchemy import exc as sa_exc

from pyhpo._values import FrozenTrial, TrialState
from pyhpo.distributions import BaseDistribution, check_distribution_compatibility, distribution_to_json
from pyhpo.exceptions import UpdateFinishedTrialError
from pyhpo.storages._rdb import _sql, models
from pyhpo.storages._rdb._core import NOT_FOUND, RDBCore
from pyhpo.storages._rdb._trials import (
    check_param_row,
    check_template_row,
    check_values_row,
    from_db_time,
    to_db_time,
    utcnow,
    value_from_db,
    value_to_db,
)

if TYPE_CHECKING:
    import datetime
    from collections.abc import Callable, Sequence

__all__ = ["TrialWrites"]


class TrialWrites(RDBCore):
    """The trial-writing half of the storage contract, on the database."""

    # -- creating trials ------------------------------------------------------------------------------
    def create_new_trial(self, study_id: int, template_trial: FrozenTrial | None = None) -> int:
        trial_id, number, start = self._transaction(
            lambda conn: self._create_trial_in_transaction(conn, study_id, template_trial), write=True
        )
        self._trial_study[trial_id] = study_id
        if template_trial is None:
            # Ours: the trial as the database now holds it, kept up to date by our writes (SQLite hands out the
            # ids of deleted rows again, so whatever this process remembered under the id is replaced).
            trial = FrozenTrial(
                number=number,
                state=TrialState.RUNNING,
                value=None,
                datetime_start=from_db_time(start),
                datetime_complete=None,
                params={},
                distributions={},
                user_attrs={},
                system_attrs={},
                intermediate_values={},
                trial_id=trial_id,
            )
            self._cache.own(trial)
        else:
            self._cache.forget_trial(trial_id)
        return trial_id

    def _now(self) -> datetime.datetime:
        """The time to write now, as the database will give it back: MySQL's DATETIME keeps whole seconds (and
        would round), so there it is cut to the second before it is written."""
        now = utcnow()
        return now.replace(microsecond=0) if self._dialect in ("mysql", "mariadb") else now

    def _create_trial_in_transaction(
        self, conn: Connection, study_id: int, template: FrozenTrial | None
    ) -> tuple[int, int, datetime.datetime | None]:
        # The lock that serializes trial creation per study: the study row on PostgreSQL/MySQL
        # (SQLite ignores FOR UPDATE; its BEGIN IMMEDIATE already holds the database write lock).
        self._require_study(conn, study_id, for_update=not self._sqlite)
        # A separate statement on purpose: under READ COMMITTED a statement's snapshot is taken when it
        # starts, so a subquery in the locking SELECT could predate the commit of the previous holder of
        # the lock and hand out its number again. This statement starts after the lock is ours.
        if template is not None:
            check_template_row(conn, self._dialect, study_id, template)
        last = conn.execute(_sql.LAST_NUMBER, {"study_id": study_id}).scalar()
        number = 0 if last is None else int(last) + 1
        start: datetime.datetime | None
        if template is None:
            start = self._now()
            row: dict[str, Any] = {"state": "RUNNING", "datetime_start": start, "datetime_complete": None}
        else:
            start = to_db_time(template.datetime_start)
            row = {
                "state": template.state.name,
                "datetime_start": start,
                "datetime_complete": to_db_time(template.datetime_complete),
            }
        result = conn.execute(_sql.INSERT_TRIAL, {"number": number, "study_id": study_id, **row})
        key = result.inserted_primary_key
        assert key is not None
        trial_id = int(key[0])
        if template is not None:
            self._insert_template_children(conn, trial_id, template)
        return trial_id, number, start

    def _insert_template_children(self, conn: Connection, trial_id: int, template: FrozenTrial) -> None:
        rows: dict[Any, list[dict[str, Any]]] = {}
        if template.values is not None:
            for objective, v in enumerate(template.values):
                value, kind = value_to_db(v, allow_nan=False)
                rows.setdefault(models.trial_values, []).append(
                    {"trial_id": trial_id, "objective": objective, "value": value, "value_type": kind}
                )
        for name, external in template.params.items():
            dist = template.distributions[name]
            rows.setdefault(models.trial_params, []).append({
                "trial_id": trial_id,
                "param_name": name,
                "param_value": dist.to_internal_repr(external),
                "distribution_json": distribution_to_json(dist),
            })  # fmt: skip
        for step, v in template.intermediate_values.items():
            value, kind = value_to_db(v, allow_nan=True)
            rows.setdefault(models.trial_intermediate_values, []).append(
                {
                    "trial_id": trial_id,
                    "step": step,
                    "intermediate_value": value,
                    "intermediate_value_type": kind,
                }
            )
        for table, attrs in ((models.trial_user_attributes, template.user_attrs),
                             (models.trial_system_attributes, template.system_attrs)):  # fmt: skip
            for key, value in attrs.items():
                rows.setdefault(table, []).append(
                    {"trial_id": trial_id, "key": key, "value_json": json.dumps(value)}
                )
        for table, batch in rows.items():
            conn.execute(insert(table), batch)

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

        # The first distribution of a parameter in the study is what later ones must be compatible with; it
        # never changes, so each process looks it up once.
        study_id = self._trial_study.get(trial_id)
        known = None if study_id is None else self._param_dists.get((study_id, param_name))
        if known is not None:
            check_distribution_compatibility(known, distribution)

        def insert_param(conn: Connection) -> None:
            if conn.execute(_sql.INSERT_PARAM_IF_UNFINISHED, params).rowcount == 0:
                self._raise_not_updatable(conn, trial_id)

        def body(conn: Connection) -> None:
            sid = study_id if study_id is not None else self._require_updatable(conn, trial_id)
            first = known
            if first is None:
                first = self._param_dists.get((sid, param_name))
                if first is None:
                    text = conn.execute(
                        _sql.FIRST_DISTRIBUTION, {"study_id": sid, "name": param_name}
                    ).scalar()
                    first = self._distribution(text) if text is not None else None
                if first is not None:
                    check_distribution_compatibility(first, distribution)
            insert_param(conn)
            self._param_dists.setdefault((sid, param_name), first or distribution)

        try:
            if known is not None and not self._sqlite:
                # The usual case: this process knows the trial's study and the parameter's first distribution,
                # so the write is the conditional INSERT alone, a statement that is its own transaction: sent
                # on the autocommit engine it is one round trip instead of three (BEGIN, INSERT, COMMIT).
                self._autocommit(insert_param)
            else:
                self._transaction(body, write=True)
        except sa_exc.IntegrityError as e:
            self._trial_gone_or_raise(trial_id, e)
            # The parameter is already set in this trial: the first value stays, as in Optuna.
            return
        except (KeyError, UpdateFinishedTrialError):
            self._cache.disown(trial_id)  # someone else finished it (a stale-heartbeat sweep) or deleted it
            raise
        owned = self._cache.owned_trial(trial_id)
        if owned is not None and param_name not in owned.params:
            external = distribution.to_external_repr(float(param_value_internal))
            self._cache.update_owned(
                trial_id,
                params={**owned.params, param_name: external},
                distributions={**owned.distributions, param_name: distribution},
            )

    def set_trial_state_values(
        self, trial_id: int, state: TrialState, values: Sequence[float] | None = None
    ) -> bool:
        if not isinstance(state, TrialState):
            raise TypeError(f"state must be a TrialState, got {state!r}")
        stored = [value_to_db(v, allow_nan=False) for v in values] if values is not None else None
        if state == TrialState.RUNNING:
            change = _sql.TO_RUNNING
        else:
            change = _sql.TO_FINISHED if state.is_finished() else _sql.TO_UNFINISHED
        if values is not None:
            change = _sql.TO_WITH_VALUES[change]
        attempt = [0]
        written: list[datetime.datetime] = []  # the time the change that won wrote

        def body(conn: Connection) -> bool:
            attempt[0] += 1
            n_values = 0 if values is None else len(values)
            now = self._now()
            params = {"tid": trial_id, "new_state": state.name, "now": now, "n_values": n_values}
            if not conn.execute(change, params).rowcount:
                row = conn.execute(_sql.TRIAL_NUMBER_STATE_CURRENT, {"trial_id": trial_id}).first()
                if row is None:
                    raise KeyError(NOT_FOUND)
                if row[1] in _sql.UNFINISHED:
                    check_values_row(conn, trial_id, values)  # matched nothing: a wrong number of values?
                if attempt[0] > 1 and row[1] == state.name:
                    # Our previous attempt committed but its reply was lost; it was us who won.
                    return True
                if row[1] in _sql.UNFINISHED:
                    return False  # RUNNING requested for a trial that is not WAITING any more
                raise UpdateFinishedTrialError(f"Trial#{row[0]} has already finished and can not be updated.")
            if stored is not None:
                conn.execute(_sql.upsert_values(self._dialect), [
                    {"trial_id": trial_id, "objective": i, "value": v, "value_type": k}
                    for i, (v, k) in enumerate(stored)
                ])  # fmt: skip
            written[:] = [now]
            return True

        try:
            updated = self._transaction(body, write=True)
        except (KeyError, UpdateFinishedTrialError):
            self._cache.disown(trial_id)
            raise
        if not (updated and written and state.is_finished()):
            if state != TrialState.RUNNING:
                self._cache.disown(trial_id)  # back to WAITING, or a change whose time we do not know
            return updated
        self._cache.finish_owned(
            trial_id,
            state=state,
            values=None if stored is None else [value_from_db(v, k) for v, k in stored],
            datetime_complete=from_db_time(written[0]),
        )
        return updated

    def set_trial_intermediate_value(self, trial_id: int, step: int, intermediate_value: float) -> None:
        value, kind = value_to_db(intermediate_value, allow_nan=True)

        def body(conn: Connection) -> None:
            self._require_updatable(conn, trial_id)
            self._upsert(
                conn,
                models.trial_intermediate_values,
                {"trial_id": trial_id, "step": step},
                {"intermediate_value": value, "intermediate_value_type": kind},
            )

        self._owned_write(trial_id, body)
        owned = self._cache.owned_trial(trial_id)
        if owned is not None:
            reported = {**owned.intermediate_values, step: value_from_db(value, kind)}
            self._cache.update_owned(trial_id, intermediate_values=reported)

    def _owned_write(self, trial_id: int, body: Callable[[Connection], None]) -> None:
        """An upsert into one of a trial's child tables; a trial found finished or gone is no longer ours."""
        try:
            self._upsert_transaction(body, lambda e: self._trial_gone_or_raise(trial_id, e))
        except (KeyError, UpdateFinishedTrialError):
            self._cache.disown(trial_id)
            raise

    def _set_trial_attr(self, table: Any, trial_id: int, key: str, value: Any) -> None:
        encoded = json.dumps(value)

        def body(conn: Connection) -> None:
            self._require_updatable(conn, trial_id)
            self._upsert(conn, table, {"trial_id": trial_id, "key": key}, {"value_json": encoded})

        self._owned_write(trial_id, body)
        owned = self._cache.owned_trial(trial_id)
        if owned is not None:  # the value as it reads back: through JSON
            if table is models.trial_user_attributes:
                self._cache.update_owned(trial_id, user_attrs={**owned.user_attrs, key: json.loads(encoded)})
            else:
                self._cache.update_owned(
                    trial_id, system_attrs={**owned.system_attrs, key: json.loads(encoded)}
                )

    def set_trial_user_attr(self, trial_id: int, key: str, value: Any) -> None:
        self._set_trial_attr(models.trial_user_attributes, trial_id, key, value)

    def set_trial_system_attr(self, trial_id: int, key: str, value: Any) -> None:
        self._set_trial_attr(models.trial_system_attributes, trial_id, key, value)
