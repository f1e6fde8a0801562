"""Maximising an acquisition function over a mixed space.

1. Draw scrambled-Sobol candidates (discrete columns already on their grids) and score them all.
2. Start local searches from the best candidate, from the given warm starts (the best trials so far) and from
   candidates drawn by a roulette whose weights are ``exp(acqf - max)`` (the acquisition is in log scale, so the
   weights are the acquisition's ratio to the best).
3. A local search alternates L-BFGS-B over the continuous columns (in coordinates divided by the length
   scales, which makes the problem close to isotropic) with moves of one discrete column at a time: every
   choice for a categorical or a short grid, a bracketed search over the interpolated grid for a long one. It
   stops when a full round changes nothing.
4. The best end point wins.
"""

from __future__ import annotations

import logging
import math
from typing import TYPE_CHECKING

import numpy as np

from pyhpo.samplers._gp.search_space import import_scipy

if TYPE_CHECKING:
    from pyhpo.samplers._gp.acqf import AcquisitionFunction
    from pyhpo.samplers._gp.search_space import SearchSpace

__all__ = ["local_search", "optimize_acqf", "optimize_acqf_sample"]

_logger = logging.getLogger(__name__)
_EXHAUSTIVE_LIMIT = 16  # grids up to this size are searched exhaustively


def _continuous_step(
    acqf: AcquisitionFunction, x: np.ndarray, fval: float, cont: np.ndarray, scales: np.ndarray, tol: float
) -> tuple[np.ndarray, float, bool]:
    if len(cont) == 0:
        return x, fval, False
    optimize = import_scipy().optimize
    point = x.copy()

    def negative(z: np.ndarray) -> tuple[float, np.ndarray]:
        point[cont] = z * scales
        value, grad = acqf.value_and_grad(point)
        return -float(value[0]), -grad[0, cont] * scales

    res = optimize.minimize(
        negative,
        x[cont] / scales,
        jac=True,
        method="L-BFGS-B",
        bounds=[(0.0, 1.0 / s) for s in scales],
        options={"gtol": math.sqrt(tol), "maxiter": 200},
    )
    candidate = x.copy()
    candidate[cont] = np.clip(res.x * scales, 0.0, 1.0)
    new = float(acqf.value(candidate)[0])
    if res.nit > 0 and new > fval:
        return candidate, new, True
    return x, fval, False


def _discrete_step(
    acqf: AcquisitionFunction, x: np.ndarray, fval: float, i: int, grid: np.ndarray, is_categorical: bool
) -> tuple[np.ndarray, float, bool]:
    if len(grid) <= 1:
        return x, fval, False
    current = int(np.argmin(np.abs(grid - x[i])))
    if is_categorical or len(grid) <= _EXHAUSTIVE_LIMIT:
        others = np.delete(grid, current)
        points = np.repeat(x[None, :], len(others), axis=0)
        points[:, i] = others
        values = acqf.value(points)
        best = int(np.argmax(values))
        if values[best] > fval:
            return points[best], float(values[best]), True
        return x, fval, False
    # A long grid: minimise the piecewise-linear interpolation of -acqf over the grid with Brent's method.
    optimize = import_scipy().optimize
    cache: dict[int, float] = {current: -fval}
    point = x.copy()

    def at(j: int) -> float:
        if j not in cache:
            point[i] = grid[j]
            cache[j] = -float(acqf.value(point)[0])
        return cache[j]

    def interpolated(u: float) -> float:
        if u < grid[0] or u > grid[-1]:
            return math.inf
        right = int(np.clip(np.searchsorted(grid, u), 1, len(grid) - 1))
        left = right - 1
        w = (grid[right] - u) / (grid[right] - grid[left])
        return float(w * at(left) + (1.0 - w) * at(right))

    res = optimize.minimize_scalar(
        interpolated,
        bracket=(grid[0] - 1e-12, grid[current], grid[-1] + 1e-12),
        method="brent",
        tol=float(np.min(np.diff(grid))) / 4,
    )
    best = int(np.argmin(np.abs(grid - res.x)))
    value = -at(best)
    if best != current and value > fval:
        out = x.copy()
        out[i] = grid[best]
        return out, value, True
    return x, fval, False


def local_search(
    acqf: AcquisitionFunction, space: SearchSpace, x0: np.ndarray, *, tol: float = 1e-4, max_rounds: int = 100
) -> tuple[np.ndarray, float]:
    """Climb the acquisition from ``x0`` until a round over all columns improves nothing."""
    cont = space.continuous_indices
    scales = acqf.length_scales[cont]
    grids = {int(i): space.choices(int(i)) for i in space.discrete_indices}
    x = x0.copy()
    fval = float(acqf.value(x)[0])
    last_changed: int | None = None  # None: the continuous block
    for _ in range(max_rounds):
        x, fval, changed = _continuous_step(acqf, x, fval, cont, scales, tol)
        if changed:
            last_changed = None
        for i, grid in grids.items():
            if last_changed == i:
                return x, fval  # a full round since this column moved changed nothing
            x, fval, changed = _discrete_step(acqf, x, fval, i, grid, bool(space.is_categorical[i]))
            if changed:
                last_changed = i
        if last_changed is None:
            return x, fval
    _logger.warning("local_search_mixed: Local search did not converge.")
    return x, fval


def optimize_acqf(
    acqf: AcquisitionFunction,
    space: SearchSpace,
    rng: np.random.RandomState,
    *,
    warm_starts: np.ndarray | None = None,
    n_preliminary_samples: int = 2048,
    n_local_search: int = 10,
    tol: float = 1e-4,
) -> tuple[np.ndarray, float]:
    """Return the best point found and its acquisition value (see the module docstring)."""
    if warm_starts is None:
        warm_starts = np.empty((0, space.dim))
    candidates = space.sample(n_preliminary_samples, rng)
    values = acqf.value(candidates)
    best = int(np.argmax(values))
    weights = np.exp(values - values[best])
    weights[best] = 0.0
    total = weights.sum()
    if total > 0:
        weights = weights / total
    n_extra = min(n_local_search - len(warm_starts) - 1, int(np.count_nonzero(weights > 0.0)))
    chosen = [best]
    if n_extra > 0:
        chosen.extend(rng.choice(len(candidates), size=n_extra, replace=False, p=weights).tolist())
    starts = np.vstack([candidates[chosen], warm_starts])
    results = [local_search(acqf, space, start, tol=tol) for start in starts]
    x, fval = max(results, key=lambda r: r[1])
    return x, fval


def optimize_acqf_sample(
    acqf: AcquisitionFunction, space: SearchSpace, rng: np.random.RandomState, n_samples: int = 2048
) -> tuple[np.ndarray, float]:
    """The best of ``n_samples`` Sobol candidates (no local search): the terminator's cheap maximiser."""
    candidates = space.sample(n_samples, rng)
    values = acqf.value(candidates)
    best = int(np.argmax(values))
    return candidates[best], float(values[best])
