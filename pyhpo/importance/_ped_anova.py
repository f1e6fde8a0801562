"""The PED-ANOVA evaluator: how differently each parameter is distributed among the best trials."""

from __future__ import annotations

import math
import warnings
from typing import TYPE_CHECKING

import numpy as np

from pyhpo._hypervolume import solve_hssp
from pyhpo._multi_objective import fast_non_domination_rank, loss_values
from pyhpo._values import FrozenTrial, StudyDirection
from pyhpo.importance._base import (
    BaseImportanceEvaluator,
    Target,
    check_params_argument,
    completed_trials,
    sort_by_importance,
)
from pyhpo.importance._parzen_grid import grid_density

if TYPE_CHECKING:
    from collections.abc import Sequence

    from pyhpo.distributions import BaseDistribution
    from pyhpo.study import Study

__all__ = ["PedAnovaImportanceEvaluator"]

# Grid points of a numerical parameter, weight of the prior kernel, and the fewest trials a regime (the trials
# in which a conditional parameter has one given distribution, or is absent) needs to be assessed.
_N_STEPS = 50
_PRIOR_WEIGHT = 1.0
_MIN_TRIALS_PER_REGIME = 2


class PedAnovaImportanceEvaluator(BaseImportanceEvaluator):
    """PED-ANOVA: which parameters it takes to reach the top ``target_quantile`` of the trials.

    For each parameter the evaluator compares two densities over the parameter's domain, both Parzen
    estimators on a grid: that of the trials in the top ``target_quantile`` and that of the trials in the top
    ``region_quantile`` (the "region", all trials by default). Their Pearson divergence is the parameter's
    importance: a parameter whose good values are spread like all of its values does not matter; one whose
    good values gather in a corner does. It needs no model fit, so it is fast and works on any study size
    (Watanabe et al., `PED-ANOVA <https://arxiv.org/abs/2304.10255>`__, IJCAI 2023).

    Conditional parameters are assessed too (Conditional PED-ANOVA, `arXiv:2601.20800
    <https://arxiv.org/abs/2601.20800>`__): the region's trials are split into regimes by the distribution
    the parameter had in them (or its absence), and the divergences of the regimes are combined with their
    shares of the top and region trials.

    Lower target values are better. Without ``target``, the study's direction decides for a
    single-objective study; for a multi-objective study the top trials are those with the best non-domination
    ranks (ties cut by hypervolume subset selection), as multi-objective TPE picks them. With ``target``, lower
    is better whatever the study's direction (negate the target of a maximized objective); a warning says so.

    Args:
        target_quantile: Share of the trials that counts as top (``gamma'`` in the paper).
        region_quantile: Share of the trials whose region is analysed (``gamma``); 1.0 is the whole study.
        evaluate_on_local: Compare the top trials with the region's trials (:obj:`True`, how much a parameter
            mattered during this optimization) or with the uniform distribution over the search space
            (:obj:`False`, how much it matters in the whole space).

    Raises:
        ValueError: Unless ``0 < target_quantile < region_quantile <= 1``.
    """

    def __init__(
        self,
        *,
        target_quantile: float = 0.1,
        region_quantile: float = 1.0,
        evaluate_on_local: bool = True,
    ) -> None:
        if not 0.0 < target_quantile < region_quantile <= 1.0:
            raise ValueError(
                "condition 0.0 < `target_quantile` < `region_quantile` <= 1.0 must be satisfied, got "
                f"target_quantile={target_quantile!r} and region_quantile={region_quantile!r}."
            )
        if region_quantile != 1.0 and not evaluate_on_local:
            warnings.warn("If `evaluate_on_local` is False, `region_quantile` has no effect.", stacklevel=2)
        self._target_quantile = float(target_quantile)
        self._region_quantile = float(region_quantile)
        self._evaluate_on_local = bool(evaluate_on_local)

    def evaluate(
        self,
        study: Study,
        params: list[str] | None = None,
        *,
        target: Target | None = None,
    ) -> dict[str, float]:
        """Score the parameters of ``study``; see :meth:`BaseImportanceEvaluator.evaluate`.

        Unlike the forest evaluators, ``params=None`` assesses every parameter some completed trial has
        (conditional ones included), and a multi-objective study needs no ``target``.
        """
        names = _resolve_params(study, params)
        trials = _finite_trials(study, target)
        if len(trials) <= 1:
            warnings.warn(
                "The number of trials is too small to compute importances. Parameter importances will be equal.",
                stacklevel=2,
            )
            return dict.fromkeys(names, 0.0)

        top = self._best(study, trials, self._target_quantile, target)
        region = self._best(study, trials, self._region_quantile, target)
        if len(top) == len(region):
            warnings.warn(
                "Target and region quantiles select the same set of trials. Parameter importances will be equal.",
                stacklevel=2,
            )
        if not top:
            return dict.fromkeys(names, 0.0)
        top_numbers = {t.number for t in top}

        scores = dict.fromkeys(names, 0.0)
        for name in names:
            for dist, in_regime in _regimes(name, region).items():
                top_in_regime = [t for t in in_regime if t.number in top_numbers]
                if dist is None or dist.single() or not top_in_regime:
                    continue
                top_share = len(top_in_regime) / len(top)
                region_share = len(in_regime) / len(region)
                scores[name] += (
                    top_share**2 / region_share * self._divergence(name, dist, top_in_regime, in_regime)
                )
        ratio = len(top) / len(region)
        return sort_by_importance({name: score * ratio**2 for name, score in scores.items()})

    def _divergence(
        self,
        name: str,
        dist: BaseDistribution,
        top: Sequence[FrozenTrial],
        region: Sequence[FrozenTrial],
    ) -> float:
        top_pdf = grid_density(name, dist, top, n_steps=_N_STEPS, prior_weight=_PRIOR_WEIGHT) + 1e-12
        if self._evaluate_on_local:
            base_pdf = grid_density(name, dist, region, n_steps=_N_STEPS, prior_weight=_PRIOR_WEIGHT) + 1e-12
        else:
            base_pdf = np.full(len(top_pdf), 1.0 / len(top_pdf))
        return float(base_pdf @ ((top_pdf / base_pdf - 1.0) ** 2))

    def _best(
        self,
        study: Study,
        trials: list[FrozenTrial],
        quantile: float,
        target: Target | None,
    ) -> list[FrozenTrial]:
        if quantile == 1.0:
            return trials
        directions = study.directions
        if target is None and len(directions) > 1:
            return _best_multi_objective(trials, directions, math.ceil(quantile * len(trials)))
        lower_is_better = directions[0] == StudyDirection.MINIMIZE
        if target is not None:
            warnings.warn(
                f"{type(self).__name__} computes the importances of params to achieve low `target` values. "
                "If this is not what you want, please modify target, e.g., by multiplying the output by -1.",
                stacklevel=3,
            )
            lower_is_better = True
        values = np.array([_value(t, target) for t in trials])
        loss = values if lower_is_better else -values
        cutoff = np.partition(loss, math.ceil(quantile * len(loss)) - 1)[math.ceil(quantile * len(loss)) - 1]
        return [t for t, keep in zip(trials, loss <= cutoff) if keep]


def _value(trial: FrozenTrial, target: Target | None) -> float:
    return float(target(trial)) if target is not None else float(trial.value)  # type: ignore[arg-type]


def _finite_trials(study: Study, target: Target | None) -> list[FrozenTrial]:
    if target is not None:
        return [t for t in completed_trials(study) if math.isfinite(target(t))]
    return [t for t in completed_trials(study) if all(math.isfinite(v) for v in t.values or ())]


def _resolve_params(study: Study, params: list[str] | None) -> list[str]:
    check_params_argument(params)
    present = list(dict.fromkeys(name for t in completed_trials(study) for name in t.distributions))
    if params is None:
        return present
    missing = [p for p in params if p not in present]
    if missing:
        raise ValueError(
            "Study must contain at least one completed trial for each specified parameter. "
            f"Missing parameters: {missing}."
        )
    return list(params)


def _regimes(name: str, trials: list[FrozenTrial]) -> dict[BaseDistribution | None, list[FrozenTrial]]:
    """The trials grouped by the distribution ``name`` had in them (:obj:`None`: absent), small groups dropped."""
    # Trials usually share a handful of distribution objects: group by identity first, and compare values only
    # when a new object shows up (hashing a distribution on every trial costs more than the whole analysis).
    groups: dict[BaseDistribution | None, list[FrozenTrial]] = {}
    by_identity: dict[int, list[FrozenTrial]] = {}
    for trial in trials:
        dist = trial.distributions.get(name)
        group = by_identity.get(id(dist))
        if group is None:
            group = groups.setdefault(dist, [])
            by_identity[id(dist)] = group
        group.append(trial)
    if any(len(g) < _MIN_TRIALS_PER_REGIME for g in groups.values()):
        warnings.warn(
            f"Some regimes for parameter `{name}` have less than {_MIN_TRIALS_PER_REGIME} trials. "
            "The importance of the parameter may be inaccurate.",
            stacklevel=4,
        )
    return {d: g for d, g in groups.items() if len(g) >= _MIN_TRIALS_PER_REGIME}


def _best_multi_objective(
    trials: list[FrozenTrial], directions: Sequence[StudyDirection], n_best: int
) -> list[FrozenTrial]:
    """The ``n_best`` trials with the best non-domination ranks, the last rank cut by hypervolume."""
    if n_best <= 0:
        return []
    if n_best >= len(trials):
        return list(trials)
    loss = loss_values(trials, directions)
    ranks = fast_non_domination_rank(loss, n_below=n_best)
    chosen = np.zeros(len(trials), dtype=bool)
    for rank in np.unique(ranks):
        members = np.flatnonzero(ranks == rank)
        room = n_best - int(chosen.sum())
        if len(members) <= room:
            chosen[members] = True
        else:
            front = loss[members]
            worst = front.max(axis=0)
            reference = np.maximum(1.1 * worst, 0.9 * worst)
            reference[reference == 0] = 1e-12
            chosen[solve_hssp(front, members, room, reference)] = True
        if chosen.sum() >= n_best:
            break
    return [t for t, keep in zip(trials, chosen) if keep]
