"""EMMREvaluator: the expected minimum model regret of Ishibashi et al. (AISTATS 2023), Optuna's
``optuna.terminator.improvement.emmr``.

Between two consecutive steps ``t - 1`` and ``t`` the evaluator bounds how much the expected minimum simple
regret can still change (Algorithm 1 of the paper): the shift of the GP's mean at the incumbent (term 1), the
expected gain of the new incumbent over the old one under their joint posterior (terms 2 and 3, the closed form
of ``E[max(0, Z)]`` for a normal ``Z``), and the regret bound at ``t - 1`` times the square root of half the KL
divergence between the posteriors before and after the last observation (term 4, eq. 4). Small values mean the
last trials taught the model little.
"""

from __future__ import annotations

import math
import sys
import warnings
from typing import TYPE_CHECKING

import numpy as np

from pyhpo._experimental import experimental_class
from pyhpo._values import StudyDirection, TrialState
from pyhpo.samplers._gp.gp import MINIMUM_NOISE_VAR, clip_non_finite, fit_kernel_params
from pyhpo.samplers._gp.search_space import SearchSpace, import_scipy
from pyhpo.search_space import intersection_search_space
from pyhpo.terminator.improvement.evaluator import BaseImprovementEvaluator, standardized_regret_bound

if TYPE_CHECKING:
    from pyhpo._values import FrozenTrial
    from pyhpo.samplers._gp.gp import GPRegressor

__all__ = ["MARGIN_FOR_NUMARICAL_STABILITY", "EMMREvaluator"]

# Returned (times sys.float_info.max) while there is too little to evaluate: a value no error ever exceeds.
MARGIN_FOR_NUMARICAL_STABILITY = 0.1


def _mean_var(gpr: GPRegressor, x: np.ndarray) -> tuple[float, float]:
    mean, var = gpr.posterior(x[None, :])
    return float(mean[0]), float(var[0])


@experimental_class("4.0.0")
class EMMREvaluator(BaseImprovementEvaluator):
    """The expected minimum model regret bound (see the module docstring).

    Args:
        deterministic_objective: Fit the GPs with the minimum noise.
        delta: Confidence parameter of the regret bound.
        min_n_trials: Complete trials needed before anything is evaluated (at least 2).
        seed: Seed of the random candidates of the regret bound.
    """

    def __init__(
        self,
        deterministic_objective: bool = False,
        delta: float = 0.1,
        min_n_trials: int = 2,
        seed: int | None = None,
    ) -> None:
        if min_n_trials <= 1 or not np.isfinite(min_n_trials):
            raise ValueError(
                f"`min_n_trials` is expected to be a finite integer more than one, got {min_n_trials}."
            )
        import_scipy()
        self._deterministic = deterministic_objective
        self._delta = delta
        self.min_n_trials = min_n_trials
        self._rng = np.random.RandomState(seed)

    def evaluate(self, trials: list[FrozenTrial], study_direction: StudyDirection) -> float:
        distributions = intersection_search_space(trials)
        complete = [t for t in trials if t.state == TrialState.COMPLETE]
        if len(complete) < self.min_n_trials:
            return sys.float_info.max * MARGIN_FOR_NUMARICAL_STABILITY
        space = SearchSpace(distributions)
        if space.dim == 0:
            warnings.warn(
                f"{type(self).__name__} cannot consider any search space."
                "Termination will never occur in this study.",
                stacklevel=2,
            )
            return sys.float_info.max * MARGIN_FOR_NUMARICAL_STABILITY
        X = space.normalize([t.params for t in complete])
        sign = -1.0 if study_direction == StudyDirection.MINIMIZE else 1.0
        y = clip_non_finite(sign * np.array([t.value for t in complete], dtype=float))
        y = (y - y.mean()) / max(sys.float_info.min, float(y.std()))

        before = fit_kernel_params(
            X[:-1], y[:-1], space.is_categorical, deterministic_objective=self._deterministic
        )
        after = fit_kernel_params(
            X, y, space.is_categorical, deterministic_objective=self._deterministic, warm_start=before.params
        )
        best_now, best_before = int(np.argmax(y)), int(np.argmax(y[:-1]))
        x_now, x_before = X[best_now], X[best_before]

        if best_now == best_before:
            cov_now_before = _mean_var(after, x_now)[1]
        else:
            cov_now_before = float(after.joint_posterior(X[[best_now, best_before]])[1][0, 1])
        mean_last_before, var_last_before = _mean_var(after, X[-1])
        var_before_now = _mean_var(after, x_before)[1]
        mean_now, var_now = _mean_var(after, x_now)
        mean_before = _mean_var(before, x_before)[0]
        kappa = standardized_regret_bound(before, space, X[:-1], self._delta, rng=self._rng)

        stats = import_scipy().stats
        term1 = mean_before - mean_now
        v = math.sqrt(max(1e-10, var_now - 2.0 * cov_now_before + var_before_now))
        g = (mean_now - mean_before) / v
        term2 = v * float(stats.norm.pdf(g))
        term3 = v * g * float(stats.norm.cdf(g))
        # eq. 4: half the KL divergence between the posteriors with and without the last observation
        noise = MINIMUM_NOISE_VAR
        var_last, residual = var_last_before, y[-1] - mean_last_before
        kl = (
            0.5 * math.log(1.0 + var_last / noise)
            - 0.5 * var_last / (var_last + noise)
            + 0.5 * var_last * residual**2 / (var_last + noise) ** 2
        )
        term4 = kappa * math.sqrt(0.5 * kl)
        return min(sys.float_info.max * 0.5, term1 + term2 + term3 + term4)
