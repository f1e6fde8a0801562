"""A sampler's ``after_trial`` that raises: the trial's state is still stored, and the error still reaches the caller."""

from __future__ import annotations

from typing import Any

import pytest

import pyhpo
from pyhpo.samplers import RandomSampler
from pyhpo.trial import TrialState


class _Boom(Exception):
    pass


class _FailingAfterTrial(RandomSampler):
    def __init__(self, before: Any = None) -> None:
        super().__init__(seed=0)
        self.before = before

    def after_trial(self, study: Any, trial: Any, state: Any, values: Any) -> None:
        if self.before is not None:
            self.before(study, trial)
        raise _Boom("after_trial failed")


def test_the_state_is_stored_and_the_error_propagates() -> None:
    study = pyhpo.create_study(sampler=_FailingAfterTrial())
    trial = study.ask()
    with pytest.raises(_Boom):
        study.tell(trial, 1.0)
    assert study.trials[0].state == TrialState.COMPLETE
    assert study.trials[0].value == 1.0


def test_the_error_is_not_swallowed_when_someone_else_finished_the_trial() -> None:
    # The trial is failed by "someone else" (a stale-heartbeat sweep, say) while after_trial runs; with
    # skip_if_finished the storage refusal is expected, but after_trial's own error must still propagate.
    def fail_it(study: Any, trial: Any) -> None:
        study._storage.set_trial_state_values(trial._trial_id, TrialState.FAIL)

    study = pyhpo.create_study(sampler=_FailingAfterTrial(before=fail_it))
    trial = study.ask()
    with pytest.raises(_Boom):
        study.tell(trial, 1.0, skip_if_finished=True)
    assert study.trials[0].state == TrialState.FAIL
