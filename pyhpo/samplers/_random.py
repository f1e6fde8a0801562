"""Uniform random sampling, the baseline every other sampler falls back on."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from pyhpo.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from pyhpo.samplers._base import BaseSampler
from pyhpo.samplers._lazy_random_state import LazyRandomState

if TYPE_CHECKING:
    from pyhpo.distributions import BaseDistribution
    from pyhpo.study import Study
    from pyhpo.trial import FrozenTrial

__all__ = ["RandomSampler"]


class RandomSampler(BaseSampler):
    """Draw every parameter independently and uniformly (on the log scale for ``log=True``).

    Floats with a ``step`` and ints are drawn uniformly over the grid points (each point owns a cell
    of width ``step``); categoricals pick each choice with equal probability.

    Example:
        >>> import pyhpo
        >>> study = pyhpo.create_study(sampler=pyhpo.samplers.RandomSampler(seed=1))
        >>> study.optimize(lambda t: t.suggest_float("x", -5, 5) ** 2, n_trials=10)

    Args:
        seed: Seed of the random generator; the same seed gives the same values.
    """

    def __init__(self, seed: int | None = None) -> None:
        self._rng = LazyRandomState(seed)

    def reseed_rng(self) -> None:
        self._rng.rng.seed()

    def infer_relative_search_space(self, study: Study, trial: FrozenTrial) -> dict[str, BaseDistribution]:
        return {}

    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        return {}

    def sample_independent(
        self, study: Study, trial: FrozenTrial, param_name: str, param_distribution: BaseDistribution
    ) -> Any:
        return _sample_uniform(self._rng.rng, param_distribution)


def _sample_uniform(rng: np.random.RandomState, dist: BaseDistribution) -> Any:
    """One uniform draw from ``dist`` in its external representation."""
    if isinstance(dist, FloatDistribution):
        low, high = dist.low, dist.high
        if low == high:
            return low
        if dist.log:
            value = math.exp(rng.uniform(math.log(low), math.log(high)))
        elif dist.step is not None:
            step = dist.step
            # Each grid point owns a cell of one step; round the draw to the nearest point.
            u = rng.uniform(low - 0.5 * step, high + 0.5 * step)
            value = round((u - low) / step) * step + low
            return float(min(max(value, low), high))
        else:
            value = rng.uniform(low, high)
        # uniform() may return ``high`` through rounding; Optuna keeps draws strictly below it.
        return float(min(max(value, low), math.nextafter(high, low)))
    if isinstance(dist, IntDistribution):
        low_i, high_i, step_i = dist.low, dist.high, dist.step
        if dist.log:
            u = rng.uniform(math.log(low_i - 0.5), math.log(high_i + 0.5))
            value_i = int(round(math.exp(u)))
        else:
            # Same as an integer draw among the grid points, written to share Optuna's draw sequence.
            u = rng.uniform(low_i - 0.5 * step_i, high_i + 0.5 * step_i)
            value_i = math.floor((u - low_i) / step_i + 0.5) * step_i + low_i
        return int(min(max(value_i, low_i), high_i))
    if isinstance(dist, CategoricalDistribution):
        return dist.choices[int(rng.randint(len(dist.choices)))]
    raise TypeError(
        f"RandomSampler cannot sample {dist!r}: expected a FloatDistribution, IntDistribution or "
        "CategoricalDistribution."
    )
