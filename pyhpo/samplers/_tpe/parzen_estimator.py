"""Parzen estimators for TPE: weighted mixtures of product kernels, fully vectorised.

Coordinates. Every numeric parameter is mapped to the unit interval: values go through ``log`` when the
distribution is on a log scale, grids are widened by half a step at each end (so each grid point owns
one cell of width ``step``), and the result is scaled so that the bounds become 0 and 1. In those *unit
coordinates* every kernel is a normal truncated to ``[0, 1]``, the bandwidth heuristics need no per-
parameter scale, and the arithmetic stays well conditioned whatever the raw range. Categorical
parameters are the index of the choice.

Kernels. One mixture component per observation plus a prior component (the middle of the range with
the whole range as its width, uniform over categories), as in Optuna's TPE:

* continuous parameters: a truncated normal whose width is the larger gap to its sorted neighbours
  (the bounds count as neighbours), clipped to ``[1 / min(100, 1 + n_components), 1]``;
* grid parameters (ints, floats with ``step``): the same normal, integrated over the cell of each grid
  point, so the kernel is a probability mass function;
* categorical parameters: probability ``1 + w`` on the observed choice against ``w`` on the others
  (``w = prior_weight / n_components``), normalised; with a distance function, the mass spreads to
  choices by their distance to the observed one.

Evaluation. The log density of ``m`` candidates under ``K`` components is one ``(m, K)`` matrix: the
continuous part is a quadratic form evaluated with two matrix products, grid parameters add a
log-mass matrix computed once per distinct (candidate, component) pair, categorical parameters add a
gather from a ``(K, n_choices)`` log-probability table; a log-sum-exp over components finishes. There
are no Python loops over observations, components or candidates.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from pyhpo.distributions import BaseDistribution, CategoricalDistribution, FloatDistribution, IntDistribution
from pyhpo.samplers._tpe import _truncnorm

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

__all__: list[str] = []

_CONTINUOUS = 0
_GRID = 1
_CATEGORICAL = 2


class _Dim:
    """One parameter of a search space and the maps between its values and unit coordinates."""

    __slots__ = ("choices", "dist", "high", "kind", "lo", "log", "low", "n_grid", "name", "span", "step")

    def __init__(self, name: str, dist: BaseDistribution) -> None:
        self.name = name
        self.dist = dist
        self.log = False
        self.lo = self.span = self.low = self.high = self.step = 0.0
        self.n_grid = 0
        self.choices: tuple[Any, ...] = ()
        if isinstance(dist, CategoricalDistribution):
            self.kind = _CATEGORICAL
            self.choices = dist.choices
            return
        if not isinstance(dist, (FloatDistribution, IntDistribution)):
            raise TypeError(
                f"TPESampler cannot sample {dist!r} for {name!r}: expected a FloatDistribution, IntDistribution "
                "or CategoricalDistribution."
            )
        self.low, self.high, self.log = float(dist.low), float(dist.high), bool(dist.log)
        step = dist.step
        lo, hi = self.low, self.high
        if step is not None:
            self.kind = _GRID
            self.step = float(step)
            self.n_grid = round((self.high - self.low) / self.step) + 1
            lo, hi = lo - 0.5 * self.step, hi + 0.5 * self.step
        else:
            self.kind = _CONTINUOUS
        if self.log:
            lo, hi = math.log(lo), math.log(hi)
        self.lo, self.span = lo, hi - lo

    def encode_scalar(self, value: float) -> float:
        """One raw value -> its encoded form (as :meth:`_Space.encode` does for arrays)."""
        if self.kind == _CATEGORICAL or math.isnan(value):
            return value
        if self.log:
            value = math.log(value) if value > 0 else -math.inf
        return min(max((value - self.lo) / self.span, 0.0), 1.0)

    def external(self, value: float) -> Any:
        """A snapped value (or a category index) -> the value the objective sees."""
        if self.kind == _CATEGORICAL:
            return self.choices[int(value)]
        if isinstance(self.dist, IntDistribution):
            return round(value)
        return float(value)


class _Space:
    """An ordered search space: its dimensions grouped by kind for the vectorised code."""

    def __init__(self, search_space: dict[str, BaseDistribution]) -> None:
        self.dims = [_Dim(name, dist) for name, dist in search_space.items()]
        self.cont = np.array([i for i, d in enumerate(self.dims) if d.kind == _CONTINUOUS], dtype=int)
        self.grid = np.array([i for i, d in enumerate(self.dims) if d.kind == _GRID], dtype=int)
        self.numeric = np.array([i for i, d in enumerate(self.dims) if d.kind != _CATEGORICAL], dtype=int)
        self.cat = np.array([i for i, d in enumerate(self.dims) if d.kind == _CATEGORICAL], dtype=int)
        # Positions of the continuous and grid columns among the numeric ones.
        self.cont_pos = np.searchsorted(self.numeric, self.cont)
        self.grid_pos = np.searchsorted(self.numeric, self.grid)
        self.all_continuous = len(self.cont) == len(self.numeric)
        # Per numeric column vectors, so that encoding and snapping are a few array operations.
        num = [self.dims[i] for i in self.numeric]
        self._lo = np.array([d.lo for d in num])
        self._span = np.array([d.span for d in num])
        self._low = np.array([d.low for d in num])
        self._high = np.array([d.high for d in num])
        self._log = np.array([d.log for d in num], dtype=bool)
        self._any_log = bool(self._log.any())
        grid = [d.kind == _GRID for d in num]
        self._grid_cols = np.flatnonzero(grid)
        self._grid_step = np.array([d.step for d in num])[self._grid_cols]
        self._grid_max = np.array([d.n_grid - 1 for d in num])[self._grid_cols]
        self._grid_log = self._log[self._grid_cols]

    def encode(self, raw: np.ndarray) -> np.ndarray:
        """Raw rows (numbers, choice indices) -> encoded rows (unit coordinates, choice indices)."""
        out = raw.copy()
        if len(self.numeric):
            t = raw[:, self.numeric]
            if self._any_log:
                t = np.where(self._log, np.log(np.where(self._log, t, 1.0)), t)
            out[:, self.numeric] = np.clip((t - self._lo) / self._span, 0.0, 1.0)
        return out

    def decode(self, samples: np.ndarray) -> tuple[np.ndarray, list[tuple[np.ndarray, np.ndarray]]]:
        """Encoded samples -> (raw values snapped to their distributions, cell edges of grid columns)."""
        values = samples.copy()
        edges: list[tuple[np.ndarray, np.ndarray]] = []
        if not len(self.numeric):
            return values, edges
        v = self._lo + samples[:, self.numeric] * self._span
        if self._any_log:
            v = np.where(self._log, np.exp(np.where(self._log, v, 0.0)), v)
        if len(self._grid_cols):
            g = v[:, self._grid_cols]
            k = np.clip(np.round((g - self._low[self._grid_cols]) / self._grid_step), 0, self._grid_max)
            g = self._low[self._grid_cols] + k * self._grid_step
            v[:, self._grid_cols] = g
            half = 0.5 * self._grid_step
            left, right = g - half, g + half
            if self._grid_log.any():
                left = np.where(self._grid_log, np.log(np.where(self._grid_log, left, 1.0)), left)
                right = np.where(self._grid_log, np.log(np.where(self._grid_log, right, 1.0)), right)
            lo, span = self._lo[self._grid_cols], self._span[self._grid_cols]
            left, right = (left - lo) / span, (right - lo) / span
            edges = [(left[:, i], right[:, i]) for i in range(len(self._grid_cols))]
        values[:, self.numeric] = np.clip(v, self._low, self._high)
        return values, edges


class _Params:
    """Estimator settings shared by the ``l(x)`` and ``g(x)`` estimators of a TPE sampler."""

    __slots__ = (
        "consider_endpoints",
        "consider_magic_clip",
        "consider_prior",
        "distance_funcs",
        "prior_weight",
    )

    def __init__(
        self,
        prior_weight: float,
        consider_prior: bool,
        consider_magic_clip: bool,
        consider_endpoints: bool,
        distance_funcs: dict[str, Callable[[Any, Any], float]] | None,
    ) -> None:
        if not (prior_weight >= 0.0) or not math.isfinite(prior_weight):
            raise ValueError(f"prior_weight must be a non-negative finite number, but got {prior_weight!r}.")
        self.prior_weight = float(prior_weight)
        self.consider_prior = consider_prior
        self.consider_magic_clip = consider_magic_clip
        self.consider_endpoints = consider_endpoints
        self.distance_funcs = distance_funcs or {}


class _ParzenEstimator:
    """One or several mixtures of product kernels, fitted to observations given in encoded form.

    TPE needs two mixtures over the same space, ``l(x)`` and ``g(x)``. Passing both groups of observations
    builds them in one pass: their components are stacked, so every array operation (bandwidths aside)
    and every density evaluation runs once for both, and :meth:`log_pdf_groups` returns one column per
    mixture.

    Args:
        space: The search space.
        observations: ``(n, n_dims)`` rows (unit coordinates for numeric columns, choice indices for
            categorical ones), or a list of such arrays, one per mixture.
        weights: ``(n,)`` non-negative weights of the rows (normalised together with the prior's), or a
            list of them matching ``observations``.
        params: Kernel settings.
        orders: Optionally, per mixture, the ``(n, n_numeric)`` row order that sorts each numeric column of
            its observations (``None`` for a mixture or a column whose order is not known): saves sorting.
            Give it only when the column has no ties, where every sort agrees.
    """

    def __init__(
        self,
        space: _Space,
        observations: np.ndarray | Sequence[np.ndarray],
        weights: np.ndarray | Sequence[np.ndarray],
        params: _Params,
        orders: Sequence[Sequence[np.ndarray | None] | None] | None = None,
    ) -> None:
        groups = [observations] if isinstance(observations, np.ndarray) else list(observations)
        group_weights = [weights] if isinstance(weights, np.ndarray) else list(weights)
        self._space = space
        num = space.numeric
        mus_parts, logw_parts, cum_parts, obs_parts = [], [], [], []
        with_prior_flags, sizes, n_comps = [], [], []
        self._bounds: list[tuple[int, int]] = []
        start = 0
        prior = np.array([params.prior_weight])
        all_numeric = not len(space.cat)
        for obs, w_obs in zip(groups, group_weights):
            n = len(obs)
            with_prior = params.consider_prior or n == 0
            w = np.concatenate((w_obs, prior)) if with_prior else np.asarray(w_obs, dtype=float)
            total = w.sum()
            if n == 0 or total <= 0.0:
                w, total = np.ones(len(w)), float(len(w))
            w = w / total
            n_comp = len(w)
            mus = np.empty((n_comp, len(num)))
            if n:
                # Observations arrive encoded, hence already inside [0, 1].
                mus[:n] = obs if all_numeric else obs[:, num]
            if with_prior:
                mus[-1] = 0.5
            mus_parts.append(mus)
            sizes.append(n)
            n_comps.append(n_comp)
            logw_parts.append(w)
            cum = np.cumsum(w)
            cum_parts.append(cum / cum[-1])  # as RandomState.choice normalises it
            obs_parts.append(obs)
            with_prior_flags.append(with_prior)
            self._bounds.append((start, start + n_comp))
            start += n_comp
        self._cum_weights = cum_parts
        self._starts = np.array([a for a, _ in self._bounds])
        self._sizes = np.array([b - a for a, b in self._bounds])
        with np.errstate(divide="ignore"):
            self._log_weights = np.log(np.concatenate(logw_parts))
        mus = np.concatenate(mus_parts)
        sigmas = np.ones_like(mus)  # prior components keep width 1
        if len(num):
            hints = orders if orders is not None else [None] * len(groups)
            for (a, _), k, n_comp, hint in zip(self._bounds, sizes, n_comps, hints):
                if k:
                    sigmas[a : a + k] = _bandwidths(mus[a : a + k], n_comp, params, hint)
        self._mus, self._sigmas = mus, sigmas
        # Probability outside [0, 1] on each side, and the log of what is left inside.
        self._low_tail, self._high_tail = _tails(mus / sigmas, (1.0 - mus) / sigmas)
        self._log_norm = np.log1p(-(self._low_tail + self._high_tail))

        # Continuous parameters: precomputed pieces of the quadratic form.
        cpos = space.cont_pos
        if space.all_continuous:
            cont_mus, cont_sigmas, cont_log_norm = mus, sigmas, self._log_norm
        else:
            cont_mus, cont_sigmas, cont_log_norm = mus[:, cpos], sigmas[:, cpos], self._log_norm[:, cpos]
        inv_var = 1.0 / np.square(cont_sigmas)
        mu_inv_var = cont_mus * inv_var
        # The quadratic form as one product: [x, x^2] @ [mu / s^2; -1 / (2 s^2)], the right factor kept as a
        # C-contiguous (2 n_continuous, n_components) block so the product is one BLAS call over contiguous
        # memory (a transposed view made it about five times slower).
        self._quad = np.ascontiguousarray(np.concatenate((mu_inv_var, -0.5 * inv_var), axis=1).T)
        self._cont_const = (
            -0.5 * np.sum(cont_mus * mu_inv_var, axis=1)
            - np.sum(np.log(cont_sigmas) + cont_log_norm, axis=1)
            - len(cpos) * _truncnorm._LOG_SQRT_2PI
        )
        self._lp_const = self._cont_const + self._log_weights
        self._gpos = space.grid_pos

        # Categorical parameters: one (n_components, n_choices) probability table each.
        self._cat_cum: list[np.ndarray] = []
        self._cat_log: list[np.ndarray] = []
        self._cat_log_t: list[np.ndarray] = []
        for col in space.cat:
            dim = space.dims[col]
            probs = np.concatenate(
                [
                    _categorical_table(obs[:, col].astype(int), len(dim.choices), wp, params, dim, b - a)
                    for obs, wp, (a, b) in zip(obs_parts, with_prior_flags, self._bounds)
                ]
            )
            cum = np.cumsum(probs, axis=1)
            cum[:, -1] = 1.0
            self._cat_cum.append(cum)
            with np.errstate(divide="ignore"):
                self._cat_log.append(np.log(probs))
            # Also as (n_choices, n_components): a candidate's row is then one contiguous gather.
            self._cat_log_t.append(np.ascontiguousarray(self._cat_log[-1].T))

    @property
    def n_components(self) -> int:
        return len(self._log_weights)

    def sample(self, rng: np.random.RandomState, size: int, group: int = 0) -> np.ndarray:
        """Draw ``size`` points from mixture ``group``, encoded (numeric columns not yet snapped to grids).

        Random numbers are consumed in Optuna's order and layout (components as ``RandomState.choice``
        picks them, then one uniform per categorical column, then one ``(n_numeric, size)`` block mapped
        through the same inverse CDF), so a seeded sampler proposes what Optuna's would.
        """
        space = self._space
        out = np.empty((size, len(space.dims)), dtype=float)
        first, end = self._bounds[group]
        draws = rng.random_sample(size)
        active = first + np.minimum(
            np.searchsorted(self._cum_weights[group], draws, side="right"), end - first - 1
        )
        for col, cum in zip(space.cat, self._cat_cum):
            u = rng.random_sample(size)
            out[:, col] = np.sum(cum[active] < u[:, None], axis=1)
        if len(space.numeric):
            v = rng.random_sample((len(space.numeric), size)).T
            lt, ht = self._low_tail[active], self._high_tail[active]
            mass = 1.0 - lt - ht
            p = lt + v * mass
            q = ht + (1.0 - v) * mass
            lower = p <= 0.5
            z = _truncnorm.ndtri_lower(np.where(lower, p, q))
            z = np.where(lower, z, -z)
            mu, sigma = self._mus[active], self._sigmas[active]
            out[:, space.numeric] = np.clip(mu + sigma * z, 0.0, 1.0)
        return out

    def log_pdf(
        self, cont: np.ndarray, grid_edges: Sequence[tuple[np.ndarray, np.ndarray]], cats: np.ndarray
    ) -> np.ndarray:
        """Log density of the first mixture at ``m`` points (see :meth:`log_pdf_groups`)."""
        out: np.ndarray = self.log_pdf_groups(cont, grid_edges, cats)[:, 0]
        return out

    def log_pdf_groups(
        self, cont: np.ndarray, grid_edges: Sequence[tuple[np.ndarray, np.ndarray]], cats: np.ndarray
    ) -> np.ndarray:
        """``(m, n_mixtures)`` log densities (up to constants shared by all mixtures of a space).

        Args:
            cont: ``(m, n_continuous)`` unit coordinates.
            grid_edges: For each grid parameter, the unit coordinates ``(left, right)`` of each point's cell.
            cats: ``(m, n_categorical)`` choice indices.
        """
        m = len(cats)
        # Continuous: -0.5 * sum_d (x_d - mu_kd)^2 / sigma_kd^2 + per-component constants.
        if cont.shape[1]:
            x = np.concatenate((cont, np.square(cont)), axis=1)
            lp = (
                x @ self._quad
                if x.size * self._quad.shape[1] <= _GEMM_SINGLE_THREAD
                else _small_matmul(x, self._quad)
            )
            lp += self._lp_const
        else:
            lp = np.broadcast_to(self._log_weights, (m, self.n_components)).copy()
        for (left, right), j in zip(grid_edges, self._gpos):
            lp += self._grid_log_mass(left, right, j)
        for col, table in enumerate(self._cat_log_t):
            lp += table[cats[:, col].astype(int)]
        # Log-sum-exp over each mixture's block of components, all blocks at once.
        starts = self._starts
        top = np.maximum.reduceat(lp, starts, axis=1)
        top[~np.isfinite(top)] = 0.0
        with np.errstate(divide="ignore", under="ignore"):
            lp -= np.repeat(top, self._sizes, axis=1)
            np.exp(lp, out=lp)
            out: np.ndarray = np.log(np.add.reduceat(lp, starts, axis=1)) + top
        return out

    def _grid_log_mass(self, left: np.ndarray, right: np.ndarray, j: int) -> np.ndarray:
        """``(m, K)`` log probability of each candidate's cell under each component, for grid column ``j``."""
        mu, sigma, log_norm = self._mus[:, j], self._sigmas[:, j], self._log_norm[:, j]
        # Kernels repeat (equal observations) and candidates repeat (equal grid points): compute each
        # distinct pair once.
        comp_key, comp_inv = np.unique(mu + 1j * sigma, return_inverse=True)
        cand_left, cand_inv = np.unique(left, return_inverse=True)
        cand_right = np.empty_like(cand_left)
        cand_right[cand_inv] = right
        umu, usig = comp_key.real, comp_key.imag
        mass = _truncnorm.log_gauss_mass(
            (cand_left[:, None] - umu) / usig, (cand_right[:, None] - umu) / usig
        )
        # Two takes along one axis each: a fraction of the cost of one np.ix_ gather.
        out: np.ndarray = np.take(np.take(mass, cand_inv.ravel(), axis=0), comp_inv.ravel(), axis=1)
        out -= log_norm
        return out


# OpenBLAS hands a matrix product to its thread pool once m * n * k passes 262,144 (its default build);
# for the thin products here the threads cost far more than they save (measured: 0.25 ms of CPU in blocks
# against 15 ms in one call for 24 x 10 x 5,025 on two busy cores). Products are cut into column blocks that
# stay under that mark.
_GEMM_SINGLE_THREAD = 1 << 17


def _small_matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a @ b``, computed in column blocks small enough for BLAS to run each on the calling thread."""
    m, k = a.shape
    n = b.shape[1]
    cols = max(1, _GEMM_SINGLE_THREAD // max(1, m * k))
    if cols >= n:
        out: np.ndarray = a @ b
        return out
    out = np.empty((m, n))
    for start in range(0, n, cols):
        np.matmul(a, b[:, start : start + cols], out=out[:, start : start + cols])
    return out


def _bandwidths(
    mus: np.ndarray, n_comp: int, params: _Params, orders: Sequence[np.ndarray | None] | None = None
) -> np.ndarray:
    """Kernel widths of the observation components (``(n, d)``), in unit coordinates.

    ``orders`` may give, per column, the rows in ascending order of that column (for columns without
    ties); the other columns are sorted here.
    """
    n, d = mus.shape
    min_sigma = 1.0 / min(100.0, 1.0 + n_comp) if params.consider_magic_clip else 1e-12
    # The default sort, as Optuna's: equal values then get their widths in the same order, so seeded
    # studies follow Optuna's. A given order is used only for tie-free columns, where all sorts agree.
    if orders is None or all(o is None for o in orders):
        return _bandwidths_sorted_here(mus, min_sigma, params)
    # Worked on column by column, as rows of the transposed (d, n) arrays: contiguous memory throughout.
    order = np.empty((d, n), dtype=np.intp)
    for j, given in enumerate(orders):
        order[j] = given if given is not None else np.argsort(mus[:, j])
    padded = np.empty((d, n + 2))
    padded[:, 0] = 0.0
    padded[:, -1] = 1.0
    padded[:, 1:-1] = np.take_along_axis(np.ascontiguousarray(mus.T), order, axis=1)
    gaps = padded[:, 1:] - padded[:, :-1]  # (d, n + 1)
    widths = np.maximum(gaps[:, :-1], gaps[:, 1:])
    if not params.consider_endpoints and n >= 2:
        # The outermost kernels measure only towards their inner neighbour, not to the bound.
        widths[:, 0] = gaps[:, 1]
        widths[:, -1] = gaps[:, -2]
    sigmas = np.empty_like(widths)
    np.put_along_axis(sigmas, order, widths, axis=1)
    np.clip(sigmas, min_sigma, 1.0, out=sigmas)
    out: np.ndarray = sigmas.T
    return out


def _bandwidths_sorted_here(mus: np.ndarray, min_sigma: float, params: _Params) -> np.ndarray:
    """:func:`_bandwidths` without a given order: fewer numpy calls, the faster form for small mixtures."""
    n, d = mus.shape
    order = np.argsort(mus, axis=0)
    cols = np.arange(d)
    padded = np.empty((n + 2, d))
    padded[0] = 0.0
    padded[-1] = 1.0
    padded[1:-1] = mus[order, cols]
    gaps = padded[1:] - padded[:-1]  # (n + 1, d)
    widths = np.maximum(gaps[:-1], gaps[1:])
    if not params.consider_endpoints and n >= 2:
        # The outermost kernels measure only towards their inner neighbour, not to the bound.
        widths[0] = gaps[1]
        widths[-1] = gaps[-2]
    sigmas = np.empty_like(widths)
    sigmas[order, cols] = widths
    out: np.ndarray = np.clip(sigmas, min_sigma, 1.0)
    return out


def _tails(x_low: np.ndarray, x_high: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(ndtr(-x_low), ndtr(-x_high))`` for non-negative arguments: the mass beyond each bound.

    Only absolute precision matters here (the tails are subtracted from 1 or added to a uniform draw).
    """
    x = np.concatenate([x_low, x_high])
    if x.size > 4096:
        # Many components: most are narrow and far from both bounds, with tails that are exactly 0 here.
        tail = np.zeros_like(x)
        near = x < 8.5
        tail[near] = _truncnorm.normal_tail(x[near])
    else:
        tail = _truncnorm.normal_tail(x)
    return tail[: len(x_low)], tail[len(x_low) :]


def _categorical_table(
    observed: np.ndarray, n_choices: int, with_prior: bool, params: _Params, dim: _Dim, n_comp: int
) -> np.ndarray:
    """``(n_comp, n_choices)`` choice probabilities of each component (rows sum to 1)."""
    n = len(observed)
    base = params.prior_weight / n_comp if with_prior else 0.0
    table = np.full((n_comp, n_choices), base)
    func = params.distance_funcs.get(dim.name)
    if n and func is None:
        table[np.arange(n), observed] += 1.0
    elif n and func is not None:
        # Spread each observation's mass by distance: exp(-c * (d / d_max)^2), with c growing with the
        # number of components so kernels sharpen as data accumulates.
        used, inverse = np.unique(observed, return_inverse=True)
        dist = np.array([[float(func(dim.choices[i], c)) for c in dim.choices] for i in used])
        if np.any(dist < 0) or not np.all(np.isfinite(dist)):
            raise ValueError(
                f"categorical_distance_func for {dim.name!r} must return finite non-negative values."
            )
        d_max = dist.max(axis=1, keepdims=True)
        scaled = dist / np.where(d_max > 0, d_max, 1.0)
        sharpness = math.log(max(n_comp, 2)) * math.log(max(n_choices, 2)) / math.log(6.0) + 1.0
        table[:n] += np.exp(-sharpness * np.square(scaled))[inverse.ravel()]
    sums = table.sum(axis=1, keepdims=True)
    table /= np.where(sums > 0, sums, 1.0)
    # A row with no mass (prior weight 0 on the prior row) becomes uniform.
    table[sums[:, 0] <= 0] = 1.0 / n_choices
    return table
