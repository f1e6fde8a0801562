"""Uniform random sampling, the baseline every other sampler falls back on."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from pyhpo.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from pyhpo.samplers._base import BaseSampler
from pyhpo.samplers._lazy_random_state import LazyRandomState

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pyhpo._values import FrozenTrial
    from pyhpo.distributions import BaseDistribution
    from pyhpo.study import Study

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
        self._stream = _UniformStream(self._rng)

    def reseed_rng(self) -> None:
        self._rng.rng.seed()
        self._stream.clear()

    def infer_relative_search_space(self, study: Study, trial: FrozenTrial) -> dict[str, BaseDistribution]:
        return {}

    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        return {}

    def sample_independent(
        self, study: Study, trial: FrozenTrial, param_name: str, param_distribution: BaseDistribution
    ) -> Any:
        dist = param_distribution
        if type(dist) is FloatDistribution and dist.step is None and not dist.log:
            # The usual case, _sample_uniform's linear branch written out: a draw inside [low, high) needs no
            # clamping. Anything else (high reached by rounding, low == high, an infinite range: NaN or inf)
            # goes through _sample_uniform with the same u, which computes the same value first.
            u = next(self._stream.draws, None)
            if u is None:
                u = self._stream.next()
            low = dist.low
            high = dist.high
            value = low + u * (high - low)
            if low <= value < high:
                return value
            return _sample_uniform(u, dist)
        # The type test first: isinstance against these ABC-derived classes is the slow part of a draw.
        if type(param_distribution) not in _NUMERIC and isinstance(
            param_distribution, CategoricalDistribution
        ):
            # One uniform per choice and the largest wins: as likely as one draw, and the same sequence of
            # draws as Optuna's RandomSampler (so seeded studies pick the same values).
            draws = [self._stream.next() for _ in param_distribution.choices]
            return param_distribution.choices[draws.index(max(draws))]
        return _sample_uniform(self._stream.next(), param_distribution)


_NUMERIC = (FloatDistribution, IntDistribution)


class _UniformStream:
    """Uniform [0, 1) draws taken from the generator in blocks.

    One numpy call per draw costs about a microsecond; a block of 256 costs about the same, so drawing
    blocks makes random sampling nearly free. The sequence is still fully determined by the seed.
    """

    __slots__ = ("_rng", "draws")
    _SIZE = 256

    def __init__(self, rng: LazyRandomState) -> None:
        self._rng = rng
        # The rest of the current block; ``next(draws, None)`` is the fast way to take one (None: refill).
        self.draws: Iterator[float] = iter(())

    def clear(self) -> None:
        self.draws = iter(())

    def next(self) -> float:
        u = next(self.draws, None)
        if u is None:
            self.draws = iter(self._rng.rng.random_sample(self._SIZE).tolist())
            u = next(self.draws)
        return u


def _sample_uniform(u: float, dist: BaseDistribution) -> Any:
    """Map one uniform ``u`` in [0, 1) to a uniform draw from a numeric ``dist`` (external representation).

    The maps are Optuna's (a uniform draw on the log scale or on the step-widened range, then rounding),
    so the same draws give the same values.
    """
    if type(dist) is FloatDistribution or isinstance(dist, FloatDistribution):
        low, high = dist.low, dist.high
        if low == high:
            return low
        span = math.log(high) - math.log(low) if dist.log else high - low
        if not math.isfinite(span):
            # numpy's uniform (Optuna's draw) raises this for an infinite or NaN range; clamping would return
            # the largest float on every draw.
            raise OverflowError(
                f"Range exceeds valid bounds: cannot draw a value from [{low}, {high}] of {dist}; give finite "
                "`low` and `high` whose difference is finite."
            )
        if dist.log:
            log_low = math.log(low)
            value = math.exp(log_low + u * (math.log(high) - log_low))
        elif dist.step is not None:
            # Each grid point owns a cell of one step; pick a cell uniformly.
            n_points = round((high - low) / dist.step) + 1
            return float(min(low + math.floor(u * n_points) * dist.step, high))
        else:
            value = low + u * (high - low)
        # Rounding may reach ``high``; Optuna keeps draws strictly below it.
        return float(min(max(value, low), math.nextafter(high, low)))
    if isinstance(dist, IntDistribution):
        low_i, high_i = dist.low, dist.high
        if dist.log:
            log_low = math.log(low_i - 0.5)
            value_i = round(math.exp(log_low + u * (math.log(high_i + 0.5) - log_low)))
        else:
            value_i = low_i + math.floor(u * ((high_i - low_i) // dist.step + 1)) * dist.step
        return int(min(max(value_i, low_i), high_i))
    raise TypeError(
        f"RandomSampler cannot sample {dist!r}: expected a FloatDistribution, IntDistribution or "
        "CategoricalDistribution."
    )
