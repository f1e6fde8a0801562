"""Terminators: decide from a study's trials whether optimising further is worth it (Optuna's
``optuna.terminator.terminator``).

:class:`Terminator` follows Makarova et al., "Automatic termination for hyperparameter optimization" (AutoML
2022): stop when the room left for improvement (an improvement evaluator) is smaller than the statistical error
of the objective (an error evaluator), once ``min_n_trials`` trials are complete.
"""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING

from pyhpo._values import TrialState
from pyhpo.terminator._deprecation import warn_deprecated
from pyhpo.terminator.erroreval import BaseErrorEvaluator, CrossValidationErrorEvaluator, StaticErrorEvaluator
from pyhpo.terminator.improvement.evaluator import (
    DEFAULT_MIN_N_TRIALS,
    BaseImprovementEvaluator,
    BestValueStagnationEvaluator,
    RegretBoundEvaluator,
)

if TYPE_CHECKING:
    from pyhpo.study import Study

__all__ = ["BaseTerminator", "Terminator"]


class BaseTerminator(metaclass=abc.ABCMeta):
    """Something that can tell a study to stop."""

    @abc.abstractmethod
    def should_terminate(self, study: Study) -> bool:
        """Return True when ``study`` should stop."""


class Terminator(BaseTerminator):
    """Stop when the estimated room for improvement falls below the estimated error.

    Args:
        improvement_evaluator: Estimates the room left for improvement; defaults to
            :class:`~pyhpo.terminator.RegretBoundEvaluator`.
        error_evaluator: Estimates the statistical error; defaults to
            :class:`~pyhpo.terminator.CrossValidationErrorEvaluator`, or ``StaticErrorEvaluator(constant=0)``
            when the improvement evaluator is a :class:`~pyhpo.terminator.BestValueStagnationEvaluator`.
        min_n_trials: Complete trials needed before termination is considered.

    Raises:
        ValueError: If ``min_n_trials`` is not positive.

    Use it in an ask-and-tell loop (``if terminator.should_terminate(study): break``) or through
    :class:`~pyhpo.terminator.TerminatorCallback` with :meth:`~pyhpo.study.Study.optimize`.
    """

    def __init__(
        self,
        improvement_evaluator: BaseImprovementEvaluator | None = None,
        error_evaluator: BaseErrorEvaluator | None = None,
        min_n_trials: int = DEFAULT_MIN_N_TRIALS,
    ) -> None:
        warn_deprecated()
        if min_n_trials <= 0:
            raise ValueError(f"`min_n_trials` is expected to be a positive integer, got {min_n_trials}.")
        self._improvement_evaluator = improvement_evaluator or RegretBoundEvaluator()
        if error_evaluator is None:
            error_evaluator = (
                StaticErrorEvaluator(constant=0)
                if isinstance(self._improvement_evaluator, BestValueStagnationEvaluator)
                else CrossValidationErrorEvaluator()
            )
        self._error_evaluator = error_evaluator
        self._min_n_trials = min_n_trials

    def should_terminate(self, study: Study) -> bool:
        """True when ``min_n_trials`` trials are complete and the improvement is below the error."""
        if len(study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))) < self._min_n_trials:
            return False
        trials = study.trials
        improvement = self._improvement_evaluator.evaluate(trials=trials, study_direction=study.direction)
        error = self._error_evaluator.evaluate(trials=trials, study_direction=study.direction)
        return bool(improvement < error)
