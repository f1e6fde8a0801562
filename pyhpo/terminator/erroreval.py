"""Error evaluators: how much of a difference in the objective is only noise (Optuna's
``optuna.terminator.erroreval``).

A terminator stops a study when the room left for improvement falls below this error. The error can come from
the spread of the cross-validation scores of the best trial (:class:`CrossValidationErrorEvaluator`, fed by
:func:`report_cross_validation_scores`) or be a constant (:class:`StaticErrorEvaluator`).
"""

from __future__ import annotations

import abc
import math
from typing import TYPE_CHECKING

import numpy as np

from pyhpo._experimental import experimental_class
from pyhpo._values import StudyDirection, TrialState
from pyhpo.terminator._deprecation import warn_deprecated

if TYPE_CHECKING:
    from collections.abc import Sequence

    from pyhpo._values import FrozenTrial
    from pyhpo.trial import Trial

__all__ = [
    "CROSS_VALIDATION_SCORES_KEY",
    "BaseErrorEvaluator",
    "CrossValidationErrorEvaluator",
    "StaticErrorEvaluator",
    "report_cross_validation_scores",
]

# The system attribute that holds a trial's cross-validation scores (Optuna's key, so studies interoperate).
CROSS_VALIDATION_SCORES_KEY = "terminator:cv_scores"


class BaseErrorEvaluator(metaclass=abc.ABCMeta):
    """Estimates the statistical error of the objective from the trials of a study."""

    @abc.abstractmethod
    def evaluate(self, trials: list[FrozenTrial], study_direction: StudyDirection) -> float:
        """Return the error estimate for ``trials`` of a study optimised in ``study_direction``."""


@experimental_class("3.2.0")
class CrossValidationErrorEvaluator(BaseErrorEvaluator):
    """The standard deviation of the cross-validated objective of the best trial.

    The objective is taken to be the mean of ``k`` cross-validation scores; the variance of the scores of the
    best complete trial, scaled by ``1/k + 1/(k-1)`` (the correction of Nadeau and Bengio for overlapping
    training sets), estimates the variance of that mean. Its square root is the error.
    """

    def evaluate(self, trials: list[FrozenTrial], study_direction: StudyDirection) -> float:
        complete = [t for t in trials if t.state == TrialState.COMPLETE]
        if not complete:
            raise ValueError(
                "No trial has been completed yet, so the cross-validation error cannot be evaluated."
            )
        pick = max if study_direction == StudyDirection.MAXIMIZE else min
        best = pick(complete, key=lambda t: float(t.value))  # type: ignore[arg-type]
        scores = best.system_attrs.get(CROSS_VALIDATION_SCORES_KEY)
        if scores is None:
            raise ValueError(
                "Cross-validation scores have not been reported. Please call "
                "`report_cross_validation_scores(trial, scores)` during a trial and pass the "
                "list of scores as `scores`."
            )
        k = len(scores)
        return math.sqrt((1.0 / k + 1.0 / (k - 1)) * float(np.var(scores)))


def report_cross_validation_scores(trial: Trial, scores: Sequence[float]) -> None:
    """Record the cross-validation scores of ``trial`` for :class:`CrossValidationErrorEvaluator`.

    Call it inside the objective, with one score per fold (at least two).
    """
    warn_deprecated()
    if len(scores) <= 1:
        raise ValueError(f"The length of `scores` is expected to be greater than one, got {len(scores)}.")
    trial.set_system_attr(CROSS_VALIDATION_SCORES_KEY, [float(s) for s in scores])


@experimental_class("3.2.0")
class StaticErrorEvaluator(BaseErrorEvaluator):
    """Always ``constant``: stop once the improvement evaluator's estimate falls below a fixed threshold."""

    def __init__(self, constant: float) -> None:
        self._constant = constant

    def evaluate(self, trials: list[FrozenTrial], study_direction: StudyDirection) -> float:
        return self._constant
