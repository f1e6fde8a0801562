"""A minimal study stand-in for pruner unit tests.

It holds FrozenTrials of either library (pyhpo's or Optuna's), so the same scenario can be fed to
pyhpo's pruner and to Optuna's and the decisions compared.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

import optuna

from pyhpo.study._study_direction import StudyDirection
from pyhpo.trial._frozen import create_trial
from pyhpo.trial._state import TrialState

if TYPE_CHECKING:
    from collections.abc import Container


class FakeStorage:
    def __init__(self, study: FakeStudy) -> None:
        self._study = study

    def set_trial_system_attr(self, trial_id: int, key: str, value: Any) -> None:
        # Like a real storage: the stored trial is replaced, snapshots held by callers are not
        # changed (a pruner must not see its own write through the trial it was given).
        for i, t in enumerate(self._study.trials):
            if t._trial_id == trial_id:
                updated = copy.copy(t)
                updated.system_attrs = {**t.system_attrs, key: value}
                self._study.trials[i] = updated
                return
        raise KeyError(trial_id)

    def get_trial_system_attrs(self, trial_id: int) -> dict[str, Any]:
        return next(t.system_attrs for t in self._study.trials if t._trial_id == trial_id)

    def get_all_trials(self, study_id: int, deepcopy: bool = True, states: Any = None) -> list[Any]:
        return self._study.get_trials(deepcopy, states)


class FakeStudy:
    """Just what pruners read: get_trials, direction(s), _storage, _study_id, study_name."""

    def __init__(self, direction: StudyDirection = StudyDirection.MINIMIZE, study_name: str = "fake") -> None:
        self.trials: list[Any] = []
        self.direction = direction
        self.directions = [direction]
        self.study_name = study_name
        self._storage = FakeStorage(self)
        self._study_id = 0
        self.stopped = False

    def get_trials(self, deepcopy: bool = True, states: Container[Any] | None = None) -> list[Any]:
        return [t for t in self.trials if states is None or t.state in states]

    def _get_trials(
        self, deepcopy: bool = True, states: Container[Any] | None = None, use_cache: bool = False
    ) -> list[Any]:
        return self.get_trials(deepcopy, states)

    def stop(self) -> None:
        self.stopped = True

    def add(self, state: Any, intermediate: dict[int, float], *, optuna_kind: bool = False) -> Any:
        """Append a trial (numbered in order) and return it."""
        number = len(self.trials)
        if optuna_kind:
            t = optuna.trial.create_trial(
                state=optuna.trial.TrialState(int(state)),
                value=0.0 if int(state) == TrialState.COMPLETE else None,
                intermediate_values=dict(intermediate),
            )
        else:
            t = create_trial(
                state=state,
                value=0.0 if state == TrialState.COMPLETE else None,
                intermediate_values=dict(intermediate),
            )
        t.number = number
        t._trial_id = number
        self.trials.append(t)
        return t
