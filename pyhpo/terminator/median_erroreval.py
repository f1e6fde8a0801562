"""MedianErrorEvaluator: a threshold from the early improvement estimates (Optuna's
``optuna.terminator.median_erroreval``).

Ishibashi et al. (AISTATS 2023) stop when the expected minimum model regret falls below a small fraction of
its typical early value: after ``warm_up_trials`` (usually the random startup trials), the paired improvement
evaluator is run on the first ``1, 2, ..., n_initial_trials`` trials, and the median of those values times
``threshold_ratio`` becomes the error, fixed from then on.
"""

from __future__ import annotations

import math
import sys
from typing import TYPE_CHECKING

from pyhpo._experimental import experimental_class
from pyhpo._values import TrialState
from pyhpo.terminator.erroreval import BaseErrorEvaluator

if TYPE_CHECKING:
    from pyhpo._values import FrozenTrial, StudyDirection
    from pyhpo.terminator.improvement.evaluator import BaseImprovementEvaluator

__all__ = ["MedianErrorEvaluator"]


@experimental_class("4.0.0")
class MedianErrorEvaluator(BaseErrorEvaluator):
    """The median of the paired evaluator's early estimates, times ``threshold_ratio`` (see the module doc).

    Args:
        paired_improvement_evaluator: The improvement evaluator the terminator uses with this error evaluator.
        warm_up_trials: Trials skipped before the early window (the startup trials of the sampler).
        n_initial_trials: Size of the early window.
        threshold_ratio: Fraction of the median that becomes the error.
    """

    def __init__(
        self,
        paired_improvement_evaluator: BaseImprovementEvaluator,
        warm_up_trials: int = 10,
        n_initial_trials: int = 20,
        threshold_ratio: float = 0.01,
    ) -> None:
        if warm_up_trials < 0:
            raise ValueError(
                f"`warm_up_trials` is expected to be a non-negative integer, got {warm_up_trials}."
            )
        if n_initial_trials <= 0:
            raise ValueError(
                f"`n_initial_trials` is expected to be a positive integer, got {n_initial_trials}."
            )
        if threshold_ratio <= 0.0 or not math.isfinite(threshold_ratio):
            raise ValueError(
                f"`threshold_ratio_to_initial_median` is expected to be a positive, got {threshold_ratio}."
            )
        self._paired = paired_improvement_evaluator
        self._warm_up_trials = warm_up_trials
        self._n_initial_trials = n_initial_trials
        self._threshold_ratio = threshold_ratio
        self._threshold: float | None = None

    def evaluate(self, trials: list[FrozenTrial], study_direction: StudyDirection) -> float:
        if self._threshold is not None:
            return self._threshold
        complete = sorted((t for t in trials if t.state == TrialState.COMPLETE), key=lambda t: t.number)
        if len(complete) < self._warm_up_trials + self._n_initial_trials:
            # Improvements are never negative, so a negative error never stops the study.
            return -sys.float_info.min
        start = self._warm_up_trials
        estimates = sorted(
            self._paired.evaluate(complete[start : start + n], study_direction)
            for n in range(1, self._n_initial_trials + 1)
        )
        self._threshold = min(sys.float_info.max, estimates[len(estimates) // 2] * self._threshold_ratio)
        return self._threshold
