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

import functools
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
        # Only linear floats without a step: encoding is an affine map, decoding needs no snapping.
        self.plain = all(
            d.kind == _CONTINUOUS and not d.log and isinstance(d.dist, FloatDistribution) for d in self.dims
        )
        self._affine = [(d.lo, d.span, d.low, d.high) for d in self.dims]
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

    def decode_row(self, row: np.ndarray) -> list[float]:
        """One encoded sample -> its parameter values, for a :attr:`plain` space (what :meth:`decode` gives)."""
        return [
            min(max(lo + u * span, low), high) for (lo, span, low, high), u in zip(self._affine, row.tolist())
        ]

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


class _Mixture:
    """The kernels of one mixture (one group of observations plus, if used, its prior component).

    Everything about the mixture that does not depend on the points it is evaluated at: weights, kernel
    centres and widths, their tails, the mixture's block of the quadratic form and the categorical tables.
    Nothing in it is modified after construction, so a mixture can be reused while its observations, their
    weights and the space stay the same (the sampler does so for the good group, which often does not change
    from one trial to the next).
    """

    __slots__ = (
        "_cat_cum",
        "_high",
        "_low",
        "_probs",
        "_rows",
        "cat_log",
        "const",
        "cum",
        "log_norm",
        "log_w",
        "mus",
        "quad",
        "sigmas",
        "size",
    )

    def __init__(
        self,
        space: _Space,
        obs: np.ndarray,
        w_obs: np.ndarray,
        params: _Params,
        order: Sequence[np.ndarray | None] | None = None,
    ) -> None:
        num = space.numeric
        d = len(num)
        n = len(obs)
        with_prior = params.consider_prior or n == 0
        self.cum, self.log_w = _mixture_weights(w_obs, with_prior, params.prior_weight)
        size = self.size = len(self.log_w)
        # Observations arrive encoded, hence already inside [0, 1]; the prior sits at 0.5 with width 1.
        mus = np.empty((size, d))
        sigmas = np.empty((size, d))
        if n:
            mus[:n] = obs if not len(space.cat) else obs[:, num]
            if d:
                sigmas[:n] = _bandwidths(mus[:n], size, params, order)
        if with_prior:
            mus[n:] = 0.5
            sigmas[n:] = 1.0
        self.mus, self.sigmas = mus, sigmas
        # Probability outside [0, 1] on each side, and the log of what is left inside.
        self._low, self._high, self.log_norm = _kernel_tails(mus, sigmas)
        self._rows: np.ndarray | None = None

        # Continuous parameters: this mixture's columns of the quadratic form [x, x^2] @ [mu / s^2; -1 / (2 s^2)],
        # and per component -0.5 sum(mu^2 / s^2) - sum(log s + log_norm) - n log sqrt(2 pi) + log weight.
        cpos = space.cont_pos
        if space.all_continuous:
            cont_mus, cont_sigmas, cont_log_norm = mus, sigmas, self.log_norm
        else:
            cont_mus, cont_sigmas, cont_log_norm = mus[:, cpos], sigmas[:, cpos], self.log_norm[:, cpos]
        n_cont = len(cpos)
        inv_var = cont_sigmas * cont_sigmas
        np.divide(1.0, inv_var, out=inv_var)
        mu_inv_var = cont_mus * inv_var
        self.quad = np.empty((2 * n_cont, size))
        self.quad[:n_cont] = mu_inv_var.T
        np.multiply(inv_var.T, -0.5, out=self.quad[n_cont:])
        const = np.log(cont_sigmas)
        const += cont_log_norm
        mu_inv_var *= cont_mus
        mu_inv_var *= 0.5
        const += mu_inv_var
        self.const = -const.sum(axis=1)
        self.const -= n_cont * _truncnorm._LOG_SQRT_2PI
        self.const += self.log_w

        # Categorical parameters: one (size, n_choices) probability table each.
        self._probs: list[np.ndarray] = []
        self._cat_cum: list[np.ndarray] | None = None
        self.cat_log: list[np.ndarray] = []
        for col in space.cat:
            dim = space.dims[col]
            probs = _categorical_table(
                obs[:, col].astype(int), len(dim.choices), with_prior, params, dim, size
            )
            self._probs.append(probs)
            with np.errstate(divide="ignore"):
                self.cat_log.append(np.log(probs))

    # Only the mixture that is sampled from (l(x)) needs these, so they are made on first use.

    @property
    def rows(self) -> np.ndarray:
        """``(size, 4 n_numeric)``: [low tail, high tail, mu, sigma] per kernel, gathered in one take per draw."""
        if self._rows is None:
            self._rows = np.concatenate((self._low, self._high, self.mus, self.sigmas), axis=1)
        return self._rows

    @property
    def cat_cum(self) -> list[np.ndarray]:
        """Per categorical column, the cumulative choice probabilities of each kernel (last exactly 1)."""
        if self._cat_cum is None:
            cums = []
            for probs in self._probs:
                cum = np.cumsum(probs, axis=1)
                cum[:, -1] = 1.0
                cums.append(cum)
            self._cat_cum = cums
        return self._cat_cum


class _ParzenEstimator:
    """One or several mixtures of product kernels, fitted to observations given in encoded form.

    TPE needs two mixtures over the same space, ``l(x)`` and ``g(x)``. Their components are stacked, so
    every density evaluation runs once for both, and :meth:`log_pdf_groups` returns one column per mixture.

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
        hints = orders if orders is not None else [None] * len(groups)
        self._setup(
            space, [_Mixture(space, o, w, params, h) for o, w, h in zip(groups, group_weights, hints)]
        )

    @classmethod
    def from_mixtures(cls, space: _Space, mixtures: Sequence[_Mixture]) -> _ParzenEstimator:
        """An estimator over mixtures built (or kept) by the caller, in that order."""
        est = cls.__new__(cls)
        est._setup(space, mixtures)
        return est

    def _setup(self, space: _Space, mixtures: Sequence[_Mixture]) -> None:
        self._space = space
        self._mixtures = list(mixtures)
        self._bounds: list[tuple[int, int]] = []
        start = 0
        for m in self._mixtures:
            self._bounds.append((start, start + m.size))
            start += m.size
        self._n_components = start
        self._starts = np.array([a for a, _ in self._bounds])
        self._sizes = np.array([m.size for m in self._mixtures])
        if len(self._mixtures) == 1:
            self._quad, self._lp_const = self._mixtures[0].quad, self._mixtures[0].const
        else:
            self._quad = np.concatenate([m.quad for m in self._mixtures], axis=1)
            self._lp_const = np.concatenate([m.const for m in self._mixtures])
        self._gpos = space.grid_pos
        # Categorical log tables as (n_choices, n_components): a candidate's row is then one contiguous gather.
        self._cat_log_t = [
            np.ascontiguousarray(np.concatenate([m.cat_log[i] for m in self._mixtures]).T)
            for i in range(len(space.cat))
        ]

    def _stacked(self, name: str) -> np.ndarray:
        out: np.ndarray = np.concatenate([getattr(m, name) for m in self._mixtures])
        return out

    @functools.cached_property
    def _mus(self) -> np.ndarray:
        return self._stacked("mus")

    @functools.cached_property
    def _sigmas(self) -> np.ndarray:
        return self._stacked("sigmas")

    @functools.cached_property
    def _log_norm(self) -> np.ndarray:
        return self._stacked("log_norm")

    @functools.cached_property
    def _log_weights(self) -> np.ndarray:
        return self._stacked("log_w")

    @functools.cached_property
    def _cat_log(self) -> list[np.ndarray]:
        return [np.concatenate([m.cat_log[i] for m in self._mixtures]) for i in range(len(self._space.cat))]

    @property
    def n_components(self) -> int:
        return self._n_components

    def sample(self, rng: np.random.RandomState, size: int, group: int = 0) -> np.ndarray:
        """Draw ``size`` points from mixture ``group``, encoded (numeric columns not yet snapped to grids).

        Random numbers are consumed in Optuna's order and layout (components as ``RandomState.choice``
        picks them, then one uniform per categorical column, then one ``(n_numeric, size)`` block mapped
        through the same inverse CDF), so a seeded sampler proposes what Optuna's would.
        """
        space = self._space
        mixture = self._mixtures[group]
        # The cumulative weights end in exactly 1 and draws are below 1: every index is a component.
        active = np.searchsorted(mixture.cum, rng.random_sample(size), side="right")
        d = len(space.numeric)
        only_numeric = d == len(space.dims)
        out = np.empty(0) if only_numeric else np.empty((size, len(space.dims)), dtype=float)
        for col, cum in zip(space.cat, mixture.cat_cum):
            u = rng.random_sample(size)
            out[:, col] = np.sum(cum[active] < u[:, None], axis=1)
        if d:
            v = rng.random_sample((d, size)).T
            rows = mixture.rows[active]  # [low tail, high tail, mu, sigma] of each draw's kernel
            lt, ht = rows[:, :d], rows[:, d : 2 * d]
            mass = 1.0 - lt - ht
            p = v * mass
            p += lt
            q = 1.0 - v
            q *= mass
            q += ht
            lower = p <= 0.5
            z = _truncnorm.ndtri_lower(np.where(lower, p, q))
            np.negative(z, out=z, where=~lower)
            z *= rows[:, 3 * d :]
            z += rows[:, 2 * d : 3 * d]
            np.maximum(z, 0.0, out=z)
            np.minimum(z, 1.0, out=z)
            if only_numeric:
                return z
            out[:, space.numeric] = z
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
        m = len(cont)
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
            lp = np.broadcast_to(self._lp_const, (m, self.n_components)).copy()
        for (left, right), j in zip(grid_edges, self._gpos):
            lp += self._grid_log_mass(left, right, j)
        for col, table in enumerate(self._cat_log_t):
            lp += table[cats[:, col].astype(int)]
        # Log-sum-exp over each mixture's block of components, all blocks at once.
        starts = self._starts
        top = np.maximum.reduceat(lp, starts, axis=1)
        if self._space.all_continuous:
            # Every block has a component of positive weight and a finite log density: top is finite, and
            # each sum holds exp(0) = 1, so nothing below can divide by zero.
            lp -= np.repeat(top, self._sizes, axis=1)
            np.maximum(lp, _EXP_FLOOR, out=lp)
            np.exp(lp, out=lp)
            out: np.ndarray = np.log(np.add.reduceat(lp, starts, axis=1))
            out += top
            return out
        top[~np.isfinite(top)] = 0.0
        with np.errstate(divide="ignore", under="ignore"):
            lp -= np.repeat(top, self._sizes, axis=1)
            np.maximum(lp, _EXP_FLOOR, out=lp, where=lp != -np.inf)  # zero mass stays zero
            np.exp(lp, out=lp)
            out = np.log(np.add.reduceat(lp, starts, axis=1)) + top
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


# Log-sum-exp terms are clipped from below at this before exponentiating. exp of an argument below about -708
# underflows, and libm takes a slow path for it (measured: 10-15 times the normal cost per element); with
# narrow kernels most terms are thousands below the largest. A clipped term adds e^-700 ~ 1e-304 to a sum that
# holds exp(0) = 1, which changes no bit of it.
_EXP_FLOOR = -700.0

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
    sigmas: np.ndarray = np.empty_like(widths)
    sigmas[order, cols] = widths
    np.maximum(sigmas, min_sigma, out=sigmas)
    np.minimum(sigmas, 1.0, out=sigmas)
    return sigmas


# Kernel tails beyond this many standard deviations are below 1e-17 and count as 0.
_TAIL_CUTOFF = 8.5
# Up to this many tails are computed one by one with math.erfc, which beats the ~25 array operations of
# the polynomial on arrays this small; more go through :func:`_truncnorm.normal_tail`.
_SCALAR_TAILS_MAX = 160


def _kernel_tails(mus: np.ndarray, sigmas: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(low, high, log_norm)`` per kernel and column: the mass below 0 and above 1, and ``log(1 - both)``.

    Only kernels within :data:`_TAIL_CUTOFF` widths of a bound have a tail worth computing; with many
    observations most kernels are narrow and far from both bounds, so only the few others are evaluated.
    Only absolute precision matters here (the tails are subtracted from 1 or added to a uniform draw).
    """
    x = np.empty((2, *mus.shape))
    np.divide(mus, sigmas, out=x[0])
    np.subtract(1.0, mus, out=x[1])
    x[1] /= sigmas
    flat = x.reshape(-1)
    near = np.flatnonzero(flat < _TAIL_CUTOFF)
    tail = np.zeros(flat.shape)
    if len(near) <= _SCALAR_TAILS_MAX:
        erfc = math.erfc
        tail[near] = [0.5 * erfc(v * _SQRT1_2) for v in flat[near].tolist()]
    else:
        tail[near] = _truncnorm.normal_tail(flat[near])
    tails = tail.reshape(x.shape)
    log_norm = tails[0] + tails[1]
    np.negative(log_norm, out=log_norm)
    np.log1p(log_norm, out=log_norm)
    return tails[0], tails[1], log_norm


_SQRT1_2 = math.sqrt(0.5)

# Normalised mixture weights of read-only weight arrays (the sampler's cached default weights), by identity.
_WEIGHTS_CACHE: dict[tuple[int, bool, float], tuple[np.ndarray, np.ndarray, np.ndarray]] = {}


def _mixture_weights(
    w_obs: np.ndarray, with_prior: bool, prior_weight: float
) -> tuple[np.ndarray, np.ndarray]:
    """``(cumulative, log)`` normalised weights of the observations and, if ``with_prior``, the prior.

    The cumulative weights end in exactly 1 (as ``RandomState.choice`` normalises them). A read-only array
    that owns its data cannot change, so its result is kept and found by identity the next time.
    """
    cacheable = isinstance(w_obs, np.ndarray) and w_obs.base is None and not w_obs.flags.writeable
    if cacheable:
        hit = _WEIGHTS_CACHE.get((id(w_obs), with_prior, prior_weight))
        if hit is not None and hit[0] is w_obs:
            return hit[1], hit[2]
    n = len(w_obs)
    w = (
        np.append(np.asarray(w_obs, dtype=float), prior_weight)
        if with_prior
        else np.asarray(w_obs, dtype=float)
    )
    total = w.sum()
    if n == 0 or total <= 0.0:
        w, total = np.ones(len(w)), float(len(w))
    w = w / total
    cum = np.cumsum(w)
    cum /= cum[-1]
    with np.errstate(divide="ignore"):
        log_w = np.log(w)
    if cacheable:
        cum.setflags(write=False)
        log_w.setflags(write=False)
        if len(_WEIGHTS_CACHE) > 64:  # each entry holds three arrays of up to n values
            _WEIGHTS_CACHE.clear()
        _WEIGHTS_CACHE[(id(w_obs), with_prior, prior_weight)] = (w_obs, cum, log_w)
    return cum, log_w


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
