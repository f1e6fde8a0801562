"""Asynchronous Successive Halving (ASHA, Li et al. 2020).

A trial climbs *rungs*: rung ``r`` ends at step ``min_resource * reduction_factor ** (s + r)``
(``s`` is ``min_early_stopping_rate``). On reaching the end of a rung, the trial records its
value there in the system attribute ``completed_rung_<r>`` (the same key as Optuna, so studies
are interchangeable) and is promoted only if that value is in the top ``1 / reduction_factor``
of every value recorded for that rung so far; otherwise it is pruned.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from pyhpo._values import StudyDirection, TrialState
from pyhpo.pruners._base import BasePruner
from pyhpo.pruners._percentile import _check_int_at_least, _last_step

if TYPE_CHECKING:
    from pyhpo._values import FrozenTrial
    from pyhpo.study import Study


__all__ = ["SuccessiveHalvingPruner"]


def _completed_rung_key(rung: int) -> str:
    return f"completed_rung_{rung}"


def _current_rung(system_attrs: dict[str, Any]) -> int:
    """Index of the first rung the trial has not completed yet."""
    rung = 0
    while _completed_rung_key(rung) in system_attrs:
        rung += 1
    return rung


def _estimate_min_resource(trials: list[FrozenTrial]) -> int | None:
    """One hundredth of the longest COMPLETE trial (at least 1), or ``None`` before any completes."""

    last_steps = [s for t in trials if t.state == TrialState.COMPLETE and (s := _last_step(t)) is not None]
    if not last_steps:
        return None
    return max(max(last_steps) // 100, 1)


def _is_promotable(value: float, competing: np.ndarray, reduction_factor: int, maximize: bool) -> bool:
    """Whether ``value`` is among the best ``len(competing) // reduction_factor`` values.

    Trials cannot be paused and resumed, so while fewer than ``reduction_factor`` values
    compete the rung promotes only the best one so far.
    """
    k = max(len(competing) // reduction_factor - 1, 0)
    if maximize:
        threshold = np.partition(competing, len(competing) - 1 - k)[len(competing) - 1 - k]
        return bool(value >= threshold)
    threshold = np.partition(competing, k)[k]
    return bool(value <= threshold)


class SuccessiveHalvingPruner(BasePruner):
    """Pruner implementing Asynchronous Successive Halving.

    Args:
        min_resource: Steps in the first rung (``r`` in the paper), an int >= 1, or ``"auto"``:
            one hundredth of the steps of the first COMPLETE trial (no pruning before then).
        reduction_factor: About ``1 / reduction_factor`` of the trials are promoted at each
            rung (``eta``). At least 2.
        min_early_stopping_rate: Rung offset ``s``: no trial is pruned before step
            ``min_resource * reduction_factor ** s``. At least 0.
        bootstrap_count: Trials that must complete a rung before any is promoted from it.
            At least 0; needs an explicit ``min_resource``.
    """

    def __init__(
        self,
        min_resource: str | int = "auto",
        reduction_factor: int = 4,
        min_early_stopping_rate: int = 0,
        bootstrap_count: int = 0,
    ) -> None:
        if isinstance(min_resource, str):
            if min_resource != "auto":
                raise ValueError(
                    f"The value of `min_resource` is {min_resource}, but must be either `min_resource` >= 1 or 'auto'"
                )
            self._min_resource: int | None = None
        else:
            self._min_resource = _check_int_at_least(
                "min_resource",
                min_resource,
                1,
                "The value of `min_resource` is {value}, but must be either `min_resource >= 1` or 'auto'",
            )
        # Optuna's messages (without a final period, as Optuna's).
        self._reduction_factor = _check_int_at_least(
            "reduction_factor",
            reduction_factor,
            2,
            "The value of `reduction_factor` is {value}, but must be `reduction_factor >= 2`",
        )
        self._min_early_stopping_rate = _check_int_at_least(
            "min_early_stopping_rate",
            min_early_stopping_rate,
            0,
            "The value of `min_early_stopping_rate` is {value}, but must be `min_early_stopping_rate >= 0`",
        )
        self._bootstrap_count = _check_int_at_least(
            "bootstrap_count",
            bootstrap_count,
            0,
            "The value of `bootstrap_count` is {value}, but must be `bootstrap_count >= 0`",
        )
        if self._bootstrap_count > 0 and self._min_resource is None:
            raise ValueError(
                "bootstrap_count > 0 and min_resource == 'auto' are mutually incompatible, bootstrap_count is "
                f"{bootstrap_count}"
            )

    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        step = _last_step(trial)
        if step is None:
            return False
        value = trial.intermediate_values[step]
        # Rung keys are written through the storage during the trial; a snapshot taken when the
        # trial started would not show them, so read them back (Optuna reads them lazily too).
        rung = _current_rung(study._storage.get_trial_system_attrs(trial._trial_id))
        trials: list[FrozenTrial] | None = None
        maximize = study.direction == StudyDirection.MAXIMIZE

        while True:
            if self._min_resource is None:
                trials = study.get_trials(deepcopy=False)
                self._min_resource = _estimate_min_resource(trials)
                if self._min_resource is None:
                    return False
            promotion_step = self._min_resource * self._reduction_factor ** (
                self._min_early_stopping_rate + rung
            )
            if step < promotion_step:
                return False
            if math.isnan(value):
                return True
            if trials is None:
                trials = study.get_trials(deepcopy=False)

            key = _completed_rung_key(rung)
            study._storage.set_trial_system_attr(trial._trial_id, key, value)
            competing = _rung_values(trials, key, exclude=trial._trial_id)
            competing = np.append(competing, value)
            # The current trial is among the competitors, hence "<=".
            if len(competing) <= self._bootstrap_count:
                return True
            if not _is_promotable(value, competing, self._reduction_factor, maximize):
                return True
            rung += 1


def _rung_values(trials: list[FrozenTrial], key: str, exclude: int) -> np.ndarray:
    values: list[Any] = [
        t.system_attrs[key] for t in trials if key in t.system_attrs and t._trial_id != exclude
    ]
    return np.asarray(values, dtype=float)
