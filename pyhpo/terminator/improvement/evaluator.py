"""Improvement evaluators (Optuna's ``optuna.terminator.improvement.evaluator``).

* :class:`RegretBoundEvaluator` -- Makarova et al. (AutoML 2022): fit a GP to the better half of the trials
  and bound the regret of the best one with high probability by ``max UCB(search space) - max LCB(top trials)``,
  with the GP-UCB confidence width ``beta = 2 log(d t^2 pi^2 / (6 delta)) / 5``;
* :class:`BestValueStagnationEvaluator` -- how many more trials the best value may go without improving.

The GP comes from :mod:`pyhpo.samplers._gp` (numpy and scipy, the ``gp`` extra).
"""

from __future__ import annotations

import abc
import math
from typing import TYPE_CHECKING

import numpy as np

from pyhpo._experimental import experimental_class
from pyhpo._values import StudyDirection, TrialState
from pyhpo.samplers._gp.acqf import LCB, UCB
from pyhpo.samplers._gp.gp import fit_kernel_params
from pyhpo.samplers._gp.optim import optimize_acqf_sample
from pyhpo.samplers._gp.search_space import SearchSpace, import_scipy
from pyhpo.search_space import intersection_search_space

if TYPE_CHECKING:
    from pyhpo._values import FrozenTrial
    from pyhpo.distributions import BaseDistribution
    from pyhpo.samplers._gp.gp import GPRegressor

__all__ = [
    "DEFAULT_MIN_N_TRIALS",
    "DEFAULT_TOP_TRIALS_RATIO",
    "BaseImprovementEvaluator",
    "BestValueStagnationEvaluator",
    "RegretBoundEvaluator",
    "regret_bound_beta",
    "standardized_regret_bound",
]

DEFAULT_TOP_TRIALS_RATIO = 0.5
DEFAULT_MIN_N_TRIALS = 20


def regret_bound_beta(n_params: int, n_trials: int, delta: float = 0.1) -> float:
    """The GP-UCB confidence parameter of Srinivas et al., scaled down by 5 as Makarova et al. do."""
    return 2.0 * math.log(n_params * n_trials**2 * math.pi**2 / 6.0 / delta) / 5.0


def standardized_regret_bound(
    gpr: GPRegressor,
    space: SearchSpace,
    top_params: np.ndarray,
    delta: float = 0.1,
    n_samples: int = 2048,
    rng: np.random.RandomState | None = None,
) -> float:
    """``max UCB`` over the space (and the top trials) minus ``max LCB`` over the top trials (maximisation)."""
    beta = regret_bound_beta(top_params.shape[1], top_params.shape[0], delta)
    ucb = UCB(gpr, beta)
    rng = rng if rng is not None else np.random.RandomState()
    best_ucb = max(float(ucb.value(top_params).max()), optimize_acqf_sample(ucb, space, rng, n_samples)[1])
    best_lcb = float(LCB(gpr, beta).value(top_params).max())
    return best_ucb - best_lcb


@experimental_class("3.2.0")
class BaseImprovementEvaluator(metaclass=abc.ABCMeta):
    """Estimates the room left for improvement from the trials of a study."""

    @abc.abstractmethod
    def evaluate(self, trials: list[FrozenTrial], study_direction: StudyDirection) -> float:
        """Return the improvement estimate for ``trials`` of a study optimised in ``study_direction``."""


def _require_complete(trials: list[FrozenTrial], what: str) -> list[FrozenTrial]:
    complete = [t for t in trials if t.state == TrialState.COMPLETE]
    if not complete:
        raise ValueError(f"Because no trial has been completed yet, the {what} cannot be evaluated.")
    return complete


@experimental_class("3.2.0")
class RegretBoundEvaluator(BaseImprovementEvaluator):
    """An upper bound on the regret of the best trial under a GP model (see the module docstring).

    Args:
        top_trials_ratio: Fraction of the best trials the GP is fitted to.
        min_n_trials: The GP sees at least this many trials (all of them when there are fewer).
        seed: Seed of the random candidates over which the UCB is maximised.
    """

    def __init__(
        self,
        top_trials_ratio: float = DEFAULT_TOP_TRIALS_RATIO,
        min_n_trials: int = DEFAULT_MIN_N_TRIALS,
        seed: int | None = None,
    ) -> None:
        import_scipy()
        self._top_trials_ratio = top_trials_ratio
        self._min_n_trials = min_n_trials
        self._rng = np.random.RandomState(seed)

    def _top(self, params: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        n = len(values)
        top_n = int(np.clip(int(n * self._top_trials_ratio), self._min_n_trials, n))
        cutoff = np.partition(values, n - top_n)[n - top_n]
        keep = values >= cutoff
        return params[keep], values[keep]

    def evaluate(self, trials: list[FrozenTrial], study_direction: StudyDirection) -> float:
        distributions = intersection_search_space(trials)
        complete = _require_complete(trials, "regret bound")
        _require_space(distributions, type(self).__name__)
        sign = -1.0 if study_direction == StudyDirection.MINIMIZE else 1.0
        values = sign * np.array([t.value for t in complete], dtype=float)
        space = SearchSpace(distributions)
        top_params, top_values = self._top(space.normalize([t.params for t in complete]), values)
        mean, std = top_values.mean(), max(1e-10, float(top_values.std()))
        gpr = fit_kernel_params(top_params, (top_values - mean) / std, space.is_categorical)
        return standardized_regret_bound(gpr, space, top_params, rng=self._rng) * std


def _require_space(distributions: dict[str, BaseDistribution], name: str) -> None:
    if not distributions:
        raise ValueError(
            f"The intersection search space is empty. This condition is not supported by {name}."
        )


@experimental_class("3.4.0")
class BestValueStagnationEvaluator(BaseImprovementEvaluator):
    """``max_stagnation_trials`` minus the number of complete trials since the best one.

    Paired by default with ``StaticErrorEvaluator(0)``: the study stops when the best value has not improved
    for more than ``max_stagnation_trials`` trials.
    """

    def __init__(self, max_stagnation_trials: int = 30) -> None:
        if max_stagnation_trials < 0:
            raise ValueError(
                f"The maximum number of stagnant trials must not be negative, got {max_stagnation_trials}."
            )
        self._max_stagnation_trials = max_stagnation_trials

    def evaluate(self, trials: list[FrozenTrial], study_direction: StudyDirection) -> float:
        complete = _require_complete(trials, "improvement")
        maximize = study_direction == StudyDirection.MAXIMIZE
        best_step = 0
        for step, trial in enumerate(complete):
            best, value = float(complete[best_step].value), float(trial.value)  # type: ignore[arg-type]
            if (value > best) if maximize else (value < best):
                best_step = step
        return self._max_stagnation_trials - (len(complete) - 1 - best_step)
