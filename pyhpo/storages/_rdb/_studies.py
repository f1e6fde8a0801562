"""RDBStorage's study operations: create, delete, name and id lookups, directions and attributes."""

from __future__ import annotations

import json
import uuid
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, delete, insert, select
from sqlalchemy import exc as sa_exc

from pyhpo import logging as pyhpo_logging
from pyhpo._values import FrozenStudy, StudyDirection
from pyhpo.exceptions import DuplicatedStudyError
from pyhpo.storages._base import DEFAULT_STUDY_NAME_PREFIX
from pyhpo.storages._rdb import models
from pyhpo.storages._rdb._core import NOT_FOUND, RDBCore

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["StudyOperations"]

# The logger keeps the name it had before the storage was split into modules (log filters name it).
_logger = pyhpo_logging.get_logger("pyhpo.storages._rdb.storage")


class StudyOperations(RDBCore):
    """The study half of the storage contract, on the database."""

    # -- studies --------------------------------------------------------------------------------------
    def create_new_study(self, directions: Sequence[StudyDirection], study_name: str | None = None) -> int:
        directions = list(directions)
        if not directions or not all(isinstance(d, StudyDirection) for d in directions):
            raise ValueError(f"directions must be a non-empty sequence of StudyDirection, got {directions!r}")
        name = study_name if study_name is not None else DEFAULT_STUDY_NAME_PREFIX + str(uuid.uuid4())

        def body(conn: Connection) -> int:
            key = conn.execute(insert(models.studies).values(study_name=name)).inserted_primary_key
            assert key is not None
            study_id = key[0]
            conn.execute(
                insert(models.study_directions),
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
        t = models.trials.c
        lock_trials = select(t.trial_id).where(t.study_id == study_id).with_for_update()

        def body(conn: Connection) -> None:
            self._require_study(conn, study_id, for_update=not self._sqlite)
            if not self._sqlite:
                conn.execute(lock_trials).all()
            trial_ids = select(t.trial_id).where(t.study_id == study_id)
            for table in (*models.TRIAL_CHILD_TABLES, models.trial_heartbeats):
                conn.execute(delete(table).where(table.c.trial_id.in_(trial_ids)))
            conn.execute(delete(models.trials).where(t.study_id == study_id))
            for table in (
                models.study_user_attributes,
                models.study_system_attributes,
                models.study_directions,
            ):
                conn.execute(delete(table).where(table.c.study_id == study_id))
            conn.execute(delete(models.studies).where(models.studies.c.study_id == study_id))

        try:
            self._transaction(body, write=True)
        except sa_exc.IntegrityError as e:
            # Not expected under the locks above (a writer that does not take them, e.g. an older Optuna,
            # could still race us); never let the raw driver error reach the user.
            raise self._storage_error(f"Cannot delete the study with study_id {study_id}", e) from e
        with self._cache.lock:
            self._cache.studies.pop(study_id, None)
            self._cache.owned.clear()
            self._param_dists = {k: v for k, v in self._param_dists.items() if k[0] != study_id}

    def _set_study_attr(self, table: Any, study_id: int, key: str, value: Any) -> None:
        encoded = json.dumps(value)

        def body(conn: Connection) -> None:
            self._require_study(conn, study_id)
            self._upsert(conn, table, {"study_id": study_id, "key": key}, {"value_json": encoded})

        self._upsert_transaction(body, lambda e: self._study_gone_or_raise(study_id, e))

    def set_study_user_attr(self, study_id: int, key: str, value: Any) -> None:
        self._set_study_attr(models.study_user_attributes, study_id, key, value)

    def set_study_system_attr(self, study_id: int, key: str, value: Any) -> None:
        self._set_study_attr(models.study_system_attributes, study_id, key, value)

    def get_study_id_from_name(self, study_name: str) -> int:
        query = select(models.studies.c.study_id).where(models.studies.c.study_name == study_name)
        study_id = self._transaction(lambda conn: conn.execute(query).scalar(), write=False)
        if study_id is None:
            raise KeyError(NOT_FOUND)
        return int(study_id)

    def get_study_name_from_id(self, study_id: int) -> str:
        return self._transaction(lambda conn: self._require_study(conn, study_id), write=False)

    def get_study_directions(self, study_id: int) -> list[StudyDirection]:
        def body(conn: Connection) -> list[StudyDirection]:
            self._require_study(conn, study_id)
            rows = conn.execute(
                select(models.study_directions.c.direction)
                .where(models.study_directions.c.study_id == study_id)
                .order_by(models.study_directions.c.objective)
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
        return self._get_study_attrs(models.study_user_attributes, study_id)

    def get_study_system_attrs(self, study_id: int) -> dict[str, Any]:
        return self._get_study_attrs(models.study_system_attributes, study_id)

    def get_all_studies(self) -> list[FrozenStudy]:
        def body(conn: Connection) -> list[FrozenStudy]:
            names = conn.execute(
                select(models.studies.c.study_id, models.studies.c.study_name).order_by("study_id")
            ).all()
            directions: dict[int, list[StudyDirection]] = {}
            d = models.study_directions.c
            for sid, direction in conn.execute(
                select(d.study_id, d.direction).order_by(d.study_id, d.objective)
            ):
                directions.setdefault(sid, []).append(StudyDirection[direction])
            attrs: list[dict[int, dict[str, Any]]] = []
            for table in (models.study_user_attributes, models.study_system_attributes):
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
