"""Which hyperparameters mattered: Optuna's ``optuna.importance`` API.

:func:`get_param_importances` scores the parameters of a study from its completed trials with one of three
evaluators:

* :class:`PedAnovaImportanceEvaluator` (the default, as in Optuna 5): compares the density of
  each parameter among the best trials with its density among all; no model, fast, handles conditional
  parameters and multi-objective studies;
* :class:`FanovaImportanceEvaluator`: the functional ANOVA of a random forest fitted to the trials;
* :class:`MeanDecreaseImpurityImportanceEvaluator`: the random forest's impurity-based feature importances.

The forest evaluators need scikit-learn (``pip install "pyhpo-opt[importance]"``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyhpo import _experimental
from pyhpo.importance._base import BaseImportanceEvaluator
from pyhpo.importance._fanova import FanovaImportanceEvaluator
from pyhpo.importance._mean_decrease_impurity import MeanDecreaseImpurityImportanceEvaluator
from pyhpo.importance._ped_anova import PedAnovaImportanceEvaluator

if TYPE_CHECKING:
    from pyhpo.importance._base import Target
    from pyhpo.study import Study

__all__ = [
    "BaseImportanceEvaluator",
    "FanovaImportanceEvaluator",
    "MeanDecreaseImpurityImportanceEvaluator",
    "PedAnovaImportanceEvaluator",
    "get_param_importances",
]


def get_param_importances(
    study: Study,
    *,
    evaluator: BaseImportanceEvaluator | None = None,
    params: list[str] | None = None,
    target: Target | None = None,
    normalize: bool = True,
) -> dict[str, float]:
    """Score how much each parameter of ``study`` mattered, from its completed trials.

    Scores are non-negative, higher meaning more important, and the dictionary is ordered from the most to the
    least important parameter. Only COMPLETE trials with a finite target count.

    Args:
        study: The study to analyse.
        evaluator: The algorithm; :obj:`None` means :class:`PedAnovaImportanceEvaluator`.
        params: Names of the parameters to score. :obj:`None` means every parameter of the completed trials
            for PED-ANOVA (conditional ones included), and the parameters every completed trial has for the
            other evaluators. With a list, PED-ANOVA needs each name in some completed trial; the other
            evaluators need a completed trial with all of them. An empty list gives an empty dictionary.
        target: The number to explain for each trial, e.g. ``lambda t: t.values[0]`` or
            ``lambda t: t.duration.total_seconds()``. :obj:`None` means the objective value; for a
            multi-objective study only PED-ANOVA accepts :obj:`None` (it then asks which parameters lead to
            the Pareto front).
        normalize: Scale the scores to sum to 1 (equal shares when they are all 0). ``False`` is experimental
            in Optuna and warns.

    Returns:
        Parameter name -> importance, most important first.

    Raises:
        TypeError: ``evaluator`` is not a :class:`BaseImportanceEvaluator`, or ``params`` is not a list of
            names.
        ValueError: A listed parameter is missing from the completed trials, listed parameters change
            distribution between trials (forest evaluators), or a multi-objective study comes without
            ``target`` (forest evaluators).
    """
    if evaluator is None:
        evaluator = PedAnovaImportanceEvaluator()
    if not isinstance(evaluator, BaseImportanceEvaluator):
        raise TypeError(
            "Evaluator must be a subclass of BaseImportanceEvaluator, got "
            f"{type(evaluator).__module__}.{type(evaluator).__qualname__}."
        )
    scores = evaluator.evaluate(study, params=params, target=target)
    if not normalize:
        _experimental.warn_experimental_argument("normalize")
        return scores
    total = sum(scores.values())
    if total == 0.0:
        return {name: 1.0 / len(scores) for name in scores}
    return {name: score / total for name, score in scores.items()}
