"""Patience: only let a pruner act once a trial has stopped improving."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from pyhpo._experimental import experimental_class
from pyhpo._values import StudyDirection
from pyhpo.pruners._base import BasePruner
from pyhpo.pruners._percentile import _check_int_at_least

if TYPE_CHECKING:
    from pyhpo._values import FrozenTrial
    from pyhpo.study import Study


__all__ = ["PatientPruner"]


@experimental_class("2.8.0")
class PatientPruner(BasePruner):
    """Wrap a pruner so that it may prune only once a trial has stopped improving.

    The best of the trial's last ``patience + 1`` reported values (by step) is compared with
    the best value reported before them. Only if the recent best is worse by more than
    ``min_delta`` (Optuna's rule: ``min_delta`` is a tolerance, not a required gain) does the
    wrapped pruner decide; with ``wrapped_pruner=None`` the trial is then pruned, which is plain
    early stopping. NaN values are ignored; if either window holds only NaNs the trial is not
    pruned.

    Args:
        wrapped_pruner: Pruner consulted once patience has run out, or ``None``.
        patience: Number of non-improving steps tolerated. At least 0.
        min_delta: How much worse the recent best may be before the trial counts as stalled.
            At least 0.
    """

    def __init__(self, wrapped_pruner: BasePruner | None, patience: int, min_delta: float = 0.0) -> None:
        if wrapped_pruner is not None and not isinstance(wrapped_pruner, BasePruner):
            raise TypeError(
                f"wrapped_pruner must be a BasePruner or None, got {type(wrapped_pruner).__name__}."
            )
        self._patience = _check_int_at_least(
            "patience", patience, 0, "patience cannot be negative but got {value}."
        )
        if not float(min_delta) >= 0.0:
            raise ValueError(f"min_delta cannot be negative but got {min_delta}.")
        self._wrapped_pruner = wrapped_pruner
        self._min_delta = float(min_delta)

    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        reported = trial.intermediate_values
        if len(reported) <= self._patience + 1:
            return False
        steps = np.sort(np.fromiter(reported.keys(), dtype=np.int64))
        values = np.array([reported[int(s)] for s in steps], dtype=float)
        split = len(values) - self._patience - 1
        before, after = values[:split], values[split:]
        before = before[~np.isnan(before)]
        after = after[~np.isnan(after)]
        if before.size == 0 or after.size == 0:
            return False

        if study.direction == StudyDirection.MAXIMIZE:
            stalled = before.max() - self._min_delta > after.max()
        else:
            stalled = before.min() + self._min_delta < after.min()
        if not stalled:
            return False
        if self._wrapped_pruner is None:
            return True
        return self._wrapped_pruner.prune(study, trial)
