"""RDBStorage's trial reads: incremental polls of a study (only what may have changed since the last one), single
trials, counts, the best trial and number/id lookups, answered from this process's cache where it can."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, or_, select, true

from pyhpo._values import FrozenTrial, StudyDirection, TrialState
from pyhpo.storages._rdb import _sql, models
from pyhpo.storages._rdb._core import MAX_IN_LIST, NOT_FOUND, RDBCore
from pyhpo.storages._rdb._trials import build_trials

if TYPE_CHECKING:
    from collections.abc import Container

    from sqlalchemy.sql.elements import ColumnElement

    from pyhpo.storages._trial_cache import StudyTrials

__all__ = ["TrialReads"]


class TrialReads(RDBCore):
    """The trial-reading half of the storage contract, on the database."""

    # -- reading trials -------------------------------------------------------------------------------
    def get_trial(self, trial_id: int) -> FrozenTrial:
        cached = self._cache.finished_trial(trial_id)
        if cached is None:
            cached = self._cache.owned_trial(trial_id)  # our own RUNNING trial: we wrote all of it
        if cached is not None:
            return cached._copy()

        def body(conn: Connection) -> FrozenTrial:
            params = {"trial_id": trial_id}
            rows = conn.execute(_sql.TRIAL, params).all()
            if not rows:
                raise KeyError(NOT_FOUND)
            return build_trials(conn, self._distribution, rows, _sql.CHILDREN_OF_TRIAL, params)[0]

        trial = self._transaction(body, write=False)
        if trial.state.is_finished():
            self._cache.keep_finished(trial)
            return trial._copy()
        return trial

    def _refresh(self, study_id: int) -> StudyTrials:
        """Bring this process's view of a study up to date, reading only what may have changed.

        Two queries when something changed (the study joined with its changed trials, then their
        children), one otherwise.
        """
        with self._cache.lock:
            cache = self._cache.study(study_id)
            last_id = cache.last_id if cache is not None else -1
            unfinished = sorted(cache.unfinished) if cache is not None else []
            known_name = cache.name if cache is not None else None
        t = models.trials.c

        def body(conn: Connection) -> tuple[str, list[StudyDirection] | None, list[FrozenTrial]]:
            directions = None
            changed: ColumnElement[bool]
            if known_name is None:  # first read in this process: everything
                changed = true()
                found = conn.execute(_sql.POLL_ALL, {"study_id": study_id}).all()
            elif len(unfinished) <= MAX_IN_LIST:
                changed = or_(t.trial_id > last_id, t.trial_id.in_(unfinished))
                params = {"study_id": study_id, "last_id": last_id, "ids": unfinished}
                found = conn.execute(_sql.POLL_CHANGED, params).all()
            else:  # very many unfinished (a large queue of WAITING trials): select them by state
                changed = or_(t.trial_id > last_id, t.state.in_(_sql.UNFINISHED))
                found = conn.execute(
                    _sql.poll_query(changed).order_by(t.trial_id), {"study_id": study_id}
                ).all()
            names = [r.study_name for r in found if r.study_name is not None]
            if not names:
                raise KeyError(NOT_FOUND)
            name = names[0]
            if name != known_name and known_name is not None:
                # The id now names another study (deleted, and the id reused): start over.
                found = conn.execute(_sql.POLL_ALL, {"study_id": study_id}).all()
                known = None
            else:
                known = known_name
            if known is None:
                rows_dirs = conn.execute(_sql.STUDY_DIRECTIONS, {"study_id": study_id})
                directions = [StudyDirection[r[0]] for r in rows_dirs]
            rows = [r for r in found if r.trial_id is not None]
            if not rows:
                return name, directions, []
            if len(rows) <= MAX_IN_LIST:
                children, params = _sql.CHILDREN_OF_IDS, {"ids": [r.trial_id for r in rows]}
            elif known is None:
                children, params = _sql.CHILDREN_OF_STUDY, {"study_id": study_id}
            else:  # too many ids to list: the same condition as a subquery (rare, built ad hoc)
                subquery = select(t.trial_id).where(t.study_id == study_id, changed)
                children, params = _sql.children_query(lambda table: table.c.trial_id.in_(subquery)), {}
            trials = build_trials(conn, self._distribution, rows, children, params)
            if any(tr.state == TrialState.COMPLETE and tr.values is None for tr in trials):
                # A COMPLETE trial always has its values: these statements (each its own snapshot on an
                # autocommit read engine) straddled the commit of a delete_study. The study is gone.
                if conn.execute(_sql.STUDY_NAME, {"study_id": study_id}).scalar() is None:
                    raise KeyError(NOT_FOUND)
            return name, directions, trials

        name, directions, fresh = self._transaction(body, write=False)
        with self._cache.lock:
            cache = self._cache.study(study_id)
            if cache is not None and (directions is not None or cache.name != name):
                # The id now names another study (deleted and reused): what this process remembers of the
                # old study's parameters must not leak into the new one (the cache starts the study over).
                self._param_dists = {k: v for k, v in self._param_dists.items() if k[0] != study_id}
            cache = self._cache.absorb(study_id, fresh, name, directions)
            for trial in fresh:
                if not trial.state.is_finished():
                    self._trial_study[trial._trial_id] = study_id
        return cache

    def get_all_trials(
        self, study_id: int, deepcopy: bool = True, states: Container[TrialState] | None = None
    ) -> list[FrozenTrial]:
        if states is not None and [s for s in TrialState if s in states] == [TrialState.WAITING]:
            return self._waiting_trials(study_id)
        cache = self._refresh(study_id)
        with self._cache.lock:
            trials = cache.select(states)
        return copy.deepcopy(trials) if deepcopy else trials

    def _waiting_trials(self, study_id: int) -> list[FrozenTrial]:
        """The WAITING trials of a study, read on their own (one statement when there are none).

        Every ``ask`` asks this before it creates a trial. A poll of everything that changed would read, and
        build, every trial other workers finished since this process's last poll (about one per worker per
        trial at 16 workers) only to keep none of them; the trials it leaves unread are read by the next poll
        that wants them.
        """

        def body(conn: Connection) -> list[FrozenTrial]:
            found = conn.execute(_sql.POLL_WAITING, {"study_id": study_id}).all()
            if not found:
                raise KeyError(NOT_FOUND)
            rows = [r for r in found if r.trial_id is not None]
            if not rows:
                return []
            ids = [r.trial_id for r in rows]
            params: dict[str, Any]
            if len(ids) <= MAX_IN_LIST:
                children, params = _sql.CHILDREN_OF_IDS, {"ids": ids}
            else:  # a very long queue: the study's children, of which those of these trials are kept
                children, params = _sql.CHILDREN_OF_STUDY, {"study_id": study_id}
            return build_trials(conn, self._distribution, rows, children, params)

        waiting = self._transaction(body, write=False)
        with self._cache.lock:
            for trial in waiting:
                self._trial_study[trial._trial_id] = study_id
        return waiting

    def get_n_trials(self, study_id: int, state: tuple[TrialState, ...] | TrialState | None = None) -> int:
        cache = self._refresh(study_id)
        with self._cache.lock:
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
                NOT_FOUND
            )  # Optuna's RDBStorage says so (its in-memory storage words it otherwise)
        return cache.best._copy()

    def get_trial_id_from_study_id_trial_number(self, study_id: int, trial_number: int) -> int:
        cache = self._cache.study(study_id)
        if cache is not None and trial_number in cache.id_by_number:
            return cache.id_by_number[trial_number]
        t = models.trials.c
        query = select(t.trial_id).where(t.study_id == study_id, t.number == trial_number)
        trial_id = self._transaction(lambda conn: conn.execute(query).scalar(), write=False)
        if trial_id is None:
            raise KeyError(
                f"No trial with trial number {trial_number} exists in study with study_id {study_id}."
            )
        return int(trial_id)

    def get_trial_number_from_id(self, trial_id: int) -> int:
        cached = self._cache.finished_trial(trial_id)
        if cached is None:
            cached = self._cache.owned_trial(trial_id)
        if cached is not None:
            return cached.number
        query = select(models.trials.c.number).where(models.trials.c.trial_id == trial_id)
        number = self._transaction(lambda conn: conn.execute(query).scalar(), write=False)
        if number is None:
            raise KeyError(NOT_FOUND)
        return int(number)
