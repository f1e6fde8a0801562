"""The unit cube the Gaussian process works in, and the way back to parameter values.

Each numeric parameter maps to ``[0, 1]``: the log of the value for a log-scaled parameter, and for a parameter
with a step (integers, ``step=`` floats) the interval grows by half a step on both sides, so that each grid point
owns a cell of equal width. A categorical parameter is stored as the index of its choice (``0 .. n-1``, not
scaled): the kernel compares categorical coordinates only for equality.

Only numpy here; the Sobol sampler of scipy is imported when candidates are drawn.
"""

from __future__ import annotations

import math
import threading
from typing import TYPE_CHECKING, Any

import numpy as np

from pyhpo.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from pyhpo.distributions import BaseDistribution

__all__ = ["SearchSpace", "import_scipy"]

# scipy's Sobol engine is not safe to construct from several threads at once (Study.optimize(n_jobs=...)).
_SOBOL_LOCK = threading.Lock()


def import_scipy() -> Any:
    """Import scipy's ``optimize``, ``special`` and ``stats.qmc`` (the ``gp`` extra) or explain how to get it."""
    try:
        import scipy.optimize
        import scipy.special
        import scipy.stats.qmc
    except ImportError as error:
        raise ImportError(
            "The Gaussian-process code (GPSampler, RegretBoundEvaluator, EMMREvaluator) needs scipy. "
            'Install it with: pip install "pyhpo-opt[gp]"'
        ) from error
    return scipy


class SearchSpace:
    """A fixed, ordered search space in the GP's coordinates.

    Attributes:
        names: Parameter names, in the order of the columns.
        dim: Number of parameters.
        is_categorical: Boolean mask of the categorical columns.
        continuous_indices: Columns free to move continuously (floats without a step).
        discrete_indices: Columns with a finite set of values (ints, stepped floats, categoricals).
    """

    def __init__(self, distributions: Mapping[str, BaseDistribution]) -> None:
        self.names = list(distributions)
        self._distributions = dict(distributions)
        self.dim = len(self.names)
        self._low = np.zeros(self.dim)
        self._high = np.ones(self.dim)
        self._step = np.zeros(self.dim)
        self._log = np.zeros(self.dim, dtype=bool)
        self.is_categorical = np.zeros(self.dim, dtype=bool)
        self._n_choices = np.zeros(self.dim, dtype=int)
        for i, dist in enumerate(self._distributions.values()):
            if isinstance(dist, CategoricalDistribution):
                self.is_categorical[i] = True
                self._n_choices[i] = len(dist.choices)
                self._step[i] = 1.0
            elif isinstance(dist, (FloatDistribution, IntDistribution)):
                self._low[i], self._high[i] = dist.low, dist.high
                self._log[i] = dist.log
                self._step[i] = float(dist.step or 0.0)
            else:
                raise TypeError(
                    f"The Gaussian process supports FloatDistribution, IntDistribution and "
                    f"CategoricalDistribution, got {dist!r} for {self.names[i]!r}."
                )
        self.continuous_indices = np.flatnonzero(self._step == 0.0)
        self.discrete_indices = np.flatnonzero(self._step > 0.0)

    def _edges(self, i: int) -> tuple[float, float]:
        low, high = self._low[i] - 0.5 * self._step[i], self._high[i] + 0.5 * self._step[i]
        if self._log[i]:
            return math.log(low), math.log(high)
        return float(low), float(high)

    def _to_unit(self, i: int, values: np.ndarray) -> np.ndarray:
        low, high = self._edges(i)
        values = np.log(values) if self._log[i] else values
        if high == low:
            return np.full(values.shape, 0.5)
        return (values - low) / (high - low)

    def _from_unit(self, i: int, unit: np.ndarray) -> np.ndarray:
        low, high = self._edges(i)
        values = unit * (high - low) + low
        return np.exp(values) if self._log[i] else values

    def _snap(self, i: int, unit: np.ndarray) -> np.ndarray:
        """Move unit coordinates of a stepped numeric column onto the nearest grid point."""
        values = self._from_unit(i, unit)
        low, high, step = self._low[i], self._high[i], self._step[i]
        grid = np.clip(np.round((values - low) / step) * step + low, low, high)
        return self._to_unit(i, grid)

    def normalize(self, params: Sequence[Mapping[str, Any]]) -> np.ndarray:
        """Rows of parameter dicts (external values) -> an ``(n, dim)`` array of GP coordinates."""
        out = np.empty((len(params), self.dim))
        for i, (name, dist) in enumerate(self._distributions.items()):
            if isinstance(dist, CategoricalDistribution):
                out[:, i] = [dist.to_internal_repr(p[name]) for p in params]
            else:
                out[:, i] = self._to_unit(i, np.array([float(p[name]) for p in params]))
        return out

    def unnormalize(self, x: np.ndarray) -> dict[str, Any]:
        """One row of GP coordinates -> a parameter dict with external values inside the distributions."""
        params: dict[str, Any] = {}
        for i, (name, dist) in enumerate(self._distributions.items()):
            if isinstance(dist, CategoricalDistribution):
                params[name] = dist.to_external_repr(
                    int(np.clip(round(float(x[i])), 0, self._n_choices[i] - 1))
                )
                continue
            assert isinstance(dist, (FloatDistribution, IntDistribution))
            value = float(np.clip(self._from_unit(i, np.asarray(x[i])), dist.low, dist.high))
            if self._step[i] > 0.0:
                value = float(
                    np.clip(
                        round((value - dist.low) / self._step[i]) * self._step[i] + dist.low,
                        dist.low,
                        dist.high,
                    )
                )
            params[name] = round(value) if isinstance(dist, IntDistribution) else value
        return params

    def sample(self, n: int, rng: np.random.RandomState) -> np.ndarray:
        """``n`` scrambled-Sobol points of the space, snapped onto the grids of the discrete columns."""
        qmc = import_scipy().stats.qmc
        with _SOBOL_LOCK:
            engine = qmc.Sobol(self.dim, scramble=True, seed=rng.randint(np.iinfo(np.int32).max))
        unit = engine.random(n)
        for i in self.discrete_indices:
            if self.is_categorical[i]:
                unit[:, i] = np.minimum(np.floor(unit[:, i] * self._n_choices[i]), self._n_choices[i] - 1)
            else:
                unit[:, i] = self._snap(int(i), unit[:, i])
        out: np.ndarray = unit
        return out

    def choices(self, i: int) -> np.ndarray:
        """The sorted GP coordinates a discrete column can take."""
        if self.is_categorical[i]:
            return np.arange(self._n_choices[i], dtype=float)
        n = int(np.floor((self._high[i] - self._low[i]) / self._step[i] + 1e-8)) + 1
        return self._to_unit(i, self._low[i] + self._step[i] * np.arange(n))
