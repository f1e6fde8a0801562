"""Prune a trial once a Wilcoxon signed-rank test says it is worse than the best trial.

For problems where each step is one *instance* (a fold, a benchmark problem, a question), the
trial's values are paired with the best trial's values at the same steps, and a one-sided
signed-rank test on the differences decides. The p-value is computed here in numpy, the way
``scipy.stats.wilcoxon(d, alternative=..., zero_method="zsplit")`` computes it with its default
``method="auto"`` (which is what Optuna calls):

* more than 50 differences: normal approximation with tie correction, no continuity correction;
* up to 50 without ties or zeros: the exact null distribution of the rank sum;
* up to 13 with ties or zeros: the exact sign-flip permutation distribution;
* 14 to 50 with ties or zeros: the normal approximation.
"""

from __future__ import annotations

import math
import warnings
from typing import TYPE_CHECKING

import numpy as np

from pyhpo._experimental import experimental_class
from pyhpo._values import StudyDirection
from pyhpo.pruners._base import BasePruner
from pyhpo.pruners._percentile import _check_int_at_least

if TYPE_CHECKING:
    from pyhpo._values import FrozenTrial
    from pyhpo.study import Study


__all__ = ["WilcoxonPruner"]


def _average_ranks(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Ranks (1-based, ties averaged) and the size of every group of tied values."""
    order = np.argsort(values, kind="stable")
    sorted_values = values[order]
    starts = np.flatnonzero(np.r_[True, sorted_values[1:] != sorted_values[:-1]])
    sizes = np.diff(np.r_[starts, len(values)])
    average = starts + (sizes + 1) / 2.0  # mean of 1-based ranks start+1 .. start+size
    ranks = np.empty(len(values))
    ranks[order] = np.repeat(average, sizes)
    return ranks, sizes


def _exact_rank_sum_distribution(n: int) -> np.ndarray:
    """P(W+ = k), k = 0..n(n+1)/2, for n untied nonzero differences under the null."""
    counts = np.zeros(n * (n + 1) // 2 + 1)
    counts[0] = 1.0
    for rank in range(1, n + 1):
        # Each rank is either in the positive sum or not.
        counts[rank:] = counts[rank:] + counts[:-rank].copy()
    return counts / 2.0**n


def _normal_sf(z: float) -> float:
    return 0.5 * math.erfc(z / math.sqrt(2.0))


def _wilcoxon_pvalue(d: np.ndarray, alternative: str) -> float:
    """One-sided p-value that the differences ``d`` are shifted to the ``alternative`` side.

    ``alternative="greater"``: small p when ``d`` tends to be positive; ``"less"``: negative.
    Zeros are split between the two rank sums (``zsplit``).
    """
    if alternative not in ("greater", "less"):
        raise ValueError(f"alternative must be 'greater' or 'less', got {alternative!r}.")
    d = np.asarray(d, dtype=float)
    n = len(d)
    if n == 0:
        return math.nan
    ranks, tie_sizes = _average_ranks(np.abs(d))
    zeros = d == 0
    r_plus = float(ranks[d > 0].sum() + ranks[zeros].sum() / 2.0)
    has_ties = bool(np.any(tie_sizes > 1))
    has_zeros = bool(zeros.any())

    if n <= 50 and not (has_ties or has_zeros):
        pmf = _exact_rank_sum_distribution(n)
        if alternative == "greater":
            k = math.floor(r_plus)
            return float(pmf[k:].sum()) if k <= n * (n + 1) / 4 else float(1.0 - pmf[:k].sum())
        k = math.ceil(r_plus)
        return float(pmf[: k + 1].sum()) if k <= n * (n + 1) / 4 else float(1.0 - pmf[k + 1 :].sum())

    if n <= 13:
        # Every assignment of signs to the nonzero differences is equally likely.
        signs = ((np.arange(2**n)[:, None] >> np.arange(n)) & 1).astype(bool)  # True: positive
        positive = signs & ~zeros
        null = positive.astype(float) @ ranks + ranks[zeros].sum() / 2.0
        tolerance = abs(np.finfo(float).eps * 100 * r_plus)
        if alternative == "greater":
            return float(np.count_nonzero(null >= r_plus - tolerance) / 2**n)
        return float(np.count_nonzero(null <= r_plus + tolerance) / 2**n)

    mean = n * (n + 1) / 4.0
    variance = (n * (n + 1) * (2 * n + 1) - np.sum(tie_sizes**3 - tie_sizes) / 2.0) / 24.0
    z = (r_plus - mean) / math.sqrt(variance)
    return _normal_sf(z) if alternative == "greater" else _normal_sf(-z)


@experimental_class("3.6.0")
class WilcoxonPruner(BasePruner):
    """Pruner based on the Wilcoxon signed-rank test against the current best trial.

    Report one value per instance with ``trial.report(value, instance_id)`` (any order). At
    each check the values are paired with the best trial's values at the same instance ids;
    the trial is pruned when the one-sided test finds it worse with p-value below
    ``p_threshold`` (unless its average over its instances is still no worse than the best
    trial's average over all of its instances). Trials or best trials with NaN/inf values, and
    best trials without reports, never cause pruning (a warning says why).

    A pruned trial can return an estimate (e.g. the mean so far) instead of raising
    ``TrialPruned``, so the study keeps its value.

    Args:
        p_threshold: Prune when the p-value is below this, in ``[0, 1]``.
        n_startup_steps: Minimum number of paired instances before pruning (and at least 2).
    """

    def __init__(self, *, p_threshold: float = 0.1, n_startup_steps: int = 2) -> None:
        self._n_startup_steps = _check_int_at_least(
            "n_startup_steps", n_startup_steps, 0, "n_startup_steps must be nonnegative but got {value}."
        )
        if not 0.0 <= float(p_threshold) <= 1.0:
            raise ValueError(f"p_threshold must be between 0 and 1 but got {p_threshold}.")
        self._p_threshold = float(p_threshold)

    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        if not trial.intermediate_values:
            return False
        steps = np.fromiter(trial.intermediate_values.keys(), dtype=np.int64)
        values = np.fromiter(trial.intermediate_values.values(), dtype=float)
        if not np.all(np.isfinite(values)):
            warnings.warn(
                f"The intermediate values of the current trial (trial {trial.number}) contain "
                "infinity/NaNs. WilcoxonPruner will not prune this trial.",
                stacklevel=2,
            )
            return False
        try:
            best = study.best_trial
        except ValueError:
            return False  # no completed trial yet
        if not best.intermediate_values:
            warnings.warn(
                "The best trial has no intermediate values so WilcoxonPruner cannot prune trials. "
                "If you have added the best trial with Study.add_trial, please consider setting "
                "intermediate_values argument.",
                stacklevel=2,
            )
            return False
        best_steps = np.fromiter(best.intermediate_values.keys(), dtype=np.int64)
        best_values = np.fromiter(best.intermediate_values.values(), dtype=float)
        if not np.all(np.isfinite(best_values)):
            warnings.warn(
                f"The intermediate values of the best trial (trial {best.number}) contain "
                "infinity/NaNs. WilcoxonPruner will not prune the current trial.",
                stacklevel=2,
            )
            return False

        _, mine, theirs = np.intersect1d(steps, best_steps, return_indices=True)
        if len(mine) < len(values):
            warnings.warn(
                "WilcoxonPruner finds steps existing in the current trial but does not exist in the "
                "best trial. Those values are ignored.",
                stacklevel=2,
            )
        differences = values[mine] - best_values[theirs]
        if len(differences) < max(2, self._n_startup_steps):
            return False

        if study.direction == StudyDirection.MAXIMIZE:
            p = _wilcoxon_pvalue(differences, "less")
            still_best_on_average = best_values.mean() <= values.mean()
        else:
            p = _wilcoxon_pvalue(differences, "greater")
            still_best_on_average = best_values.mean() >= values.mean()
        return bool(p < self._p_threshold and not still_best_on_average)
