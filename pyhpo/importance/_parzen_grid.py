"""One-dimensional Parzen estimators on a grid, the densities PED-ANOVA compares.

PED-ANOVA (Watanabe et al., IJCAI 2023) measures how differently a parameter is distributed among the best
trials and among all trials of a region. Each density is a Parzen estimator over a grid of the parameter's
domain:

* a numerical parameter's domain (its log for ``log=True``) is cut into at most 50 equally spaced points (fewer
  when the parameter has fewer values, or, for a log int, about one point per doubling); each trial counts for
  its nearest point, a tie going to the lower point;
* the estimator puts a discretized Gaussian on every occupied grid point, weighted by its count, with one
  bandwidth from Scott's rule (``1.059 min(IQR/1.34, sd) n^-1/5``, at least ``0.5/1.64`` grid steps so that a
  kernel always covers its own point), plus a wide prior kernel in the middle of the grid with weight
  ``prior_weight``; each kernel is truncated to the grid and normalized there;
* a categorical parameter's estimator mixes, per observed choice, a kernel that puts mass
  ``1 + prior_weight / n_kernels`` on that choice and ``prior_weight / n_kernels`` on each other (normalized),
  with a uniform prior kernel.

This is the estimator Optuna's PED-ANOVA uses (not the TPE sampler's, whose bandwidths are too wide for this
analysis), so both libraries score a study alike.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from pyhpo.distributions import BaseDistribution, CategoricalDistribution, FloatDistribution, IntDistribution

if TYPE_CHECKING:
    from collections.abc import Sequence

    from pyhpo._values import FrozenTrial

__all__ = ["grid_density"]

_SQRT_HALF = math.sqrt(0.5)
_erfc = np.frompyfunc(math.erfc, 1, 1)


def _gauss_mass(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Standard normal probability of ``[a, b]`` (elementwise), without cancellation in either tail."""
    a, b = np.broadcast_arrays(np.asarray(a, dtype=float), np.asarray(b, dtype=float))
    # Reflect intervals on the right of 0 into the left tail, where erfc is accurate.
    right = a > 0
    lo = np.where(right, -b, a)
    hi = np.where(right, -a, b)
    tail_hi = 0.5 * np.asarray(_erfc(-hi * _SQRT_HALF), dtype=float)
    tail_lo = 0.5 * np.asarray(_erfc(-lo * _SQRT_HALF), dtype=float)
    return np.maximum(tail_hi - tail_lo, 0.0)


def _grid_counts(
    name: str, dist: BaseDistribution, trials: Sequence[FrozenTrial], n_steps: int
) -> np.ndarray:
    if isinstance(dist, CategoricalDistribution):
        indices = [int(dist.to_internal_repr(t.params[name])) for t in trials]
        return np.bincount(np.asarray(indices, dtype=np.int64), minlength=len(dist.choices))
    if not isinstance(dist, (FloatDistribution, IntDistribution)):
        raise TypeError(f"PED-ANOVA cannot assess parameter {name!r} with distribution {dist!r}.")
    if isinstance(dist, IntDistribution) and dist.log:
        n_steps = min(n_steps, math.ceil(math.log2(dist.high - dist.low + 1)) + 1)
    elif dist.step is not None:
        n_steps = min(n_steps, round((dist.high - dist.low) / dist.step) + 1)
    values = np.array([t.params[name] for t in trials], dtype=float)
    low, high = float(dist.low), float(dist.high)
    if dist.log:
        values, low, high = np.log(values), math.log(low), math.log(high)
    spacing = (high - low) / (n_steps - 1)
    # Nearest grid point; ceil(x - 0.5) sends a value exactly between two points to the lower one.
    index = np.clip(np.ceil((values - low) / spacing - 0.5).astype(np.int64), 0, n_steps - 1)
    return np.bincount(index, minlength=n_steps)


def _numerical_density(counts: np.ndarray, prior_weight: float) -> np.ndarray:
    size = len(counts)
    points = np.flatnonzero(counts).astype(float)
    weights = counts[counts > 0].astype(float)
    total = float(weights.sum())
    mean = float(points @ weights) / total
    sd = math.sqrt(float((points - mean) ** 2 @ weights) / max(1.0, total - 1.0))
    cumulative = np.cumsum(weights)
    q1 = int(np.searchsorted(cumulative, total // 4, side="left"))
    q3 = int(np.searchsorted(cumulative, total * 3 // 4, side="right"))
    iqr = float(points[min(len(points) - 1, q3)] - points[q1])
    bandwidth = max(1.059 * min(iqr / 1.34, sd) * total**-0.2, 0.5 / 1.64)

    centers = np.append(points, (size - 1) / 2.0)
    sigmas = np.append(np.full(len(points), bandwidth), float(size))
    mixture = np.append(weights, prior_weight)
    mixture /= mixture.sum()

    grid = np.arange(size, dtype=float)
    # Kernel k's mass on grid point x: its mass on [x - 1/2, x + 1/2] over its mass on the whole grid.
    z_low = (grid[None, :] - 0.5 - centers[:, None]) / sigmas[:, None]
    cell = _gauss_mass(z_low, z_low + 1.0 / sigmas[:, None])
    whole = _gauss_mass((-0.5 - centers) / sigmas, (size - 0.5 - centers) / sigmas)
    return np.asarray(mixture @ (cell / whole[:, None]))


def _categorical_density(counts: np.ndarray, prior_weight: float) -> np.ndarray:
    observed = np.flatnonzero(counts)
    n_kernels = len(observed) + 1
    kernels = np.full((n_kernels, len(counts)), prior_weight / n_kernels)
    kernels[np.arange(len(observed)), observed] += 1.0
    sums = kernels.sum(axis=1, keepdims=True)
    kernels /= np.where(sums == 0.0, 1.0, sums)
    mixture = np.append(counts[observed].astype(float), prior_weight)
    mixture /= mixture.sum()
    return np.asarray(mixture @ kernels)


def grid_density(
    name: str,
    dist: BaseDistribution,
    trials: Sequence[FrozenTrial],
    *,
    n_steps: int = 50,
    prior_weight: float = 1.0,
) -> np.ndarray:
    """The Parzen estimate of parameter ``name`` from ``trials``, as probabilities of the grid points.

    Args:
        name: The parameter; every trial must hold it.
        dist: Its distribution (not a single value); fixes the grid.
        trials: At least one trial.
        n_steps: Most grid points for a numerical parameter.
        prior_weight: Weight of the prior kernel, relative to one trial.
    """
    if prior_weight < 0:
        raise ValueError(f"prior_weight must be non-negative, got {prior_weight}.")
    if not trials:
        raise ValueError(f"A density of parameter {name!r} needs at least one trial.")
    counts = _grid_counts(name, dist, trials, n_steps)
    if isinstance(dist, CategoricalDistribution):
        return _categorical_density(counts, prior_weight)
    return _numerical_density(counts, prior_weight)
