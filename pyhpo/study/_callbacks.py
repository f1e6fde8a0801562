"""Callbacks for :meth:`Study.optimize` that stop a study once enough trials have run."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyhpo._values import FrozenTrial, TrialState

if TYPE_CHECKING:
    from collections.abc import Container

    from pyhpo.study._study import Study

__all__ = ["MaxTrialsCallback"]


class MaxTrialsCallback:
    """Stop the study once it holds ``n_trials`` trials in ``states`` (Optuna's callback).

    ``optimize(n_trials=...)`` counts the trials of one call in one process; this counts the trials of the whole
    study, so several workers sharing a storage stop together at a study-wide total.

    Args:
        n_trials: The total at which to stop.
        states: The states that count; None counts every trial. By default only COMPLETE trials count.
    """

    def __init__(self, n_trials: int, states: Container[TrialState] | None = (TrialState.COMPLETE,)) -> None:
        if isinstance(n_trials, bool) or not isinstance(n_trials, int) or n_trials < 0:
            raise ValueError(f"n_trials must be an int >= 0, got {n_trials!r}")
        self._n_trials = n_trials
        self._states = states

    def __call__(self, study: Study, trial: FrozenTrial) -> None:
        if len(study.get_trials(deepcopy=False, states=self._states)) >= self._n_trials:
            study.stop()
