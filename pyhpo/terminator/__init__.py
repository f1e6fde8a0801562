"""Automatic termination of a study when further trials are unlikely to pay off (Optuna's ``optuna.terminator``).

A :class:`Terminator` compares an improvement evaluator (how much better the best value could still get:
:class:`RegretBoundEvaluator`, :class:`EMMREvaluator`, :class:`BestValueStagnationEvaluator`) with an error
evaluator (how large a difference is only noise: :class:`CrossValidationErrorEvaluator` fed by
:func:`report_cross_validation_scores`, :class:`StaticErrorEvaluator`, :class:`MedianErrorEvaluator`).
:class:`TerminatorCallback` applies it inside :meth:`~pyhpo.study.Study.optimize`.

The GP-based evaluators need scipy (``pip install "pyhpo-opt[gp]"``). Optuna deprecated this module in v4.9.0;
pyhpo keeps it, with Optuna's warnings.
"""

from __future__ import annotations

from pyhpo.terminator.callback import TerminatorCallback
from pyhpo.terminator.erroreval import (
    BaseErrorEvaluator,
    CrossValidationErrorEvaluator,
    StaticErrorEvaluator,
    report_cross_validation_scores,
)
from pyhpo.terminator.improvement.emmr import EMMREvaluator
from pyhpo.terminator.improvement.evaluator import (
    BaseImprovementEvaluator,
    BestValueStagnationEvaluator,
    RegretBoundEvaluator,
)
from pyhpo.terminator.median_erroreval import MedianErrorEvaluator
from pyhpo.terminator.terminator import BaseTerminator, Terminator

__all__ = [
    "BaseErrorEvaluator",
    "BaseImprovementEvaluator",
    "BaseTerminator",
    "BestValueStagnationEvaluator",
    "CrossValidationErrorEvaluator",
    "EMMREvaluator",
    "MedianErrorEvaluator",
    "RegretBoundEvaluator",
    "StaticErrorEvaluator",
    "Terminator",
    "TerminatorCallback",
    "report_cross_validation_scores",
]
