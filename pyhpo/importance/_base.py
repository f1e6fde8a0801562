"""The evaluator contract and the trial selection the forest-based evaluators share.

Which trials count, and which parameters are assessed, follow Optuna's rules so that the same study gives the
same answer in both libraries:

* only COMPLETE trials count, and only those whose target value is finite;
* with ``params=None`` the assessed parameters are the intersection search space of the completed trials
  (conditional parameters drop out); with a list, a trial counts only if it holds every listed parameter, and
  the listed parameters must have the same distribution in every such trial (no dynamic search spaces);
* a multi-objective study needs ``target`` (the forest evaluators regress one number).
"""

from __future__ import annotations

import abc
import math
from collections.abc import Callable, Collection, Sequence
from typing import TYPE_CHECKING

import numpy as np

from pyhpo._values import FrozenTrial, TrialState
from pyhpo.search_space import intersection_search_space

if TYPE_CHECKING:
    from pyhpo._transform import SearchSpaceTransform
    from pyhpo.distributions import BaseDistribution
    from pyhpo.study import Study

__all__ = [
    "BaseImportanceEvaluator",
    "Target",
    "check_params_argument",
    "completed_trials",
    "encode_trials",
    "require_target_for_multi_objective",
    "search_space_of",
    "select_trials",
    "sort_by_importance",
    "target_values",
]

Target = Callable[[FrozenTrial], float]


class BaseImportanceEvaluator(abc.ABC):
    """An algorithm that scores how much each parameter matters to a study's objective.

    Subclass it and implement :meth:`evaluate`; :func:`pyhpo.importance.get_param_importances` calls it and
    normalizes the scores.
    """

    @abc.abstractmethod
    def evaluate(
        self,
        study: Study,
        params: list[str] | None = None,
        *,
        target: Target | None = None,
    ) -> dict[str, float]:
        """Score the parameters of ``study`` from its completed trials.

        Users call :func:`~pyhpo.importance.get_param_importances` rather than this method.

        Args:
            study: The study to analyse.
            params: Names of the parameters to score; :obj:`None` scores the parameters every completed trial
                has.
            target: The number to explain for each trial; :obj:`None` means the objective value of a
                single-objective study. For a multi-objective study pass, e.g., ``lambda t: t.values[0]``.

        Returns:
            Parameter name -> non-negative score, highest first.
        """
        raise NotImplementedError


def completed_trials(study: Study) -> list[FrozenTrial]:
    """The COMPLETE trials of ``study``, in trial order, without copying them."""
    return study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))


def check_params_argument(params: object) -> None:
    """Raise :class:`TypeError` unless ``params`` is None or a list (or tuple) of names."""
    if params is None:
        return
    if not isinstance(params, (list, tuple)):
        raise TypeError(f"Parameters must be specified as a list. Actual parameters: {params}.")
    if any(not isinstance(p, str) for p in params):
        raise TypeError(
            f"Parameters must be specified by their names with strings. Actual parameters: {params}."
        )


def require_target_for_multi_objective(study: Study, target: Target | None) -> None:
    """Raise :class:`ValueError` when a multi-objective study comes without ``target``."""
    if target is None and len(study.directions) > 1:
        raise ValueError(
            "If the `study` is being used for multi-objective optimization, please specify the `target`. "
            "For example, use `target=lambda t: t.values[0]` for the first objective value."
        )


def search_space_of(study: Study, params: list[str] | None) -> dict[str, BaseDistribution]:
    """The distributions of the parameters to assess, sorted by name.

    Raises:
        TypeError: ``params`` is not a list of strings.
        ValueError: No completed trial holds every listed parameter, or a listed parameter's distribution
            changes between the trials that hold them all.
    """
    check_params_argument(params)
    trials = completed_trials(study)
    if params is None:
        return intersection_search_space(trials)
    wanted = list(params)
    if wanted and not any(all(p in t.distributions for p in wanted) for t in trials):
        raise ValueError(
            f"Study must contain completed trials with all specified parameters. Specified parameters: {params}."
        )
    space: dict[str, BaseDistribution] | None = None
    for trial in trials:
        if not all(p in trial.distributions for p in wanted):
            continue
        mine = {name: trial.distributions[name] for name in wanted}
        if space is None:
            space = mine
        elif mine != space:
            raise ValueError(
                "Parameters importances cannot be assessed with dynamic search spaces if parameters are "
                f"specified. Specified parameters: {params}."
            )
    return dict(sorted((space or {}).items()))


def _target_of(trial: FrozenTrial, target: Target | None) -> float:
    if target is not None:
        return float(target(trial))
    value = trial.value
    return math.nan if value is None else float(value)


def select_trials(study: Study, params: Collection[str], target: Target | None) -> list[FrozenTrial]:
    """The completed trials that hold every parameter of ``params`` and have a finite target."""
    needed = set(params)
    return [
        t
        for t in completed_trials(study)
        if needed <= t.params.keys() and math.isfinite(_target_of(t, target))
    ]


def target_values(trials: Sequence[FrozenTrial], target: Target | None) -> np.ndarray:
    """The target value of each trial, as a float array."""
    return np.array([_target_of(t, target) for t in trials], dtype=float)


def encode_trials(trials: Sequence[FrozenTrial], transform: SearchSpaceTransform) -> np.ndarray:
    """``(n_trials, n_columns)`` points of the trials' parameters under ``transform``."""
    return np.array([transform.transform(t.params) for t in trials], dtype=float)


def sort_by_importance(importances: dict[str, float]) -> dict[str, float]:
    """The same scores, highest first; among equal scores the later name comes first, as in Optuna."""
    # Ascending stable sort, then reversed (not reverse=True): ties come out in Optuna's order.
    return dict(reversed(sorted(importances.items(), key=lambda item: item[1])))  # noqa: C413
