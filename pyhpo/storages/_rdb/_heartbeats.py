"""RDBStorage's heartbeats: recording one, and finding the RUNNING trials whose last one is too old, both timed
by the database's clock."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, func, select, union_all
from sqlalchemy import exc as sa_exc

from pyhpo.storages._rdb import models
from pyhpo.storages._rdb._core import MAX_IN_LIST, RDBCore

if TYPE_CHECKING:
    from collections.abc import Callable

    from pyhpo._values import FrozenTrial
    from pyhpo.study import Study

__all__ = ["HeartbeatOperations"]


class HeartbeatOperations(RDBCore):
    """Heartbeats of running trials, kept in Optuna's ``trial_heartbeats`` table."""

    heartbeat_interval: int | None
    grace_period: int | None
    heartbeat_stale_trial_callback: Callable[[Study, FrozenTrial], None] | None

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
            self._upsert(conn, models.trial_heartbeats, {"trial_id": trial_id}, {"heartbeat": now})

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
        with self._cache.lock:
            cache = self._cache.study(study_id)
            unfinished = sorted(cache.unfinished) if cache is not None else None
            last_id = cache.last_id if cache is not None else -1
        t, h = models.trials.c, models.trial_heartbeats.c
        beats = select(t.trial_id, h.heartbeat).join(models.trial_heartbeats, h.trial_id == t.trial_id)
        beats = beats.where(t.state == "RUNNING")
        if unfinished is None or len(unfinished) > MAX_IN_LIST:
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
