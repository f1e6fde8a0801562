"""Acquisition functions on a fitted GP, each with its gradient so L-BFGS-B can climb it.

All work on standardised objectives to be *maximised* and return log-scale values where Optuna does:

* :class:`LogEI` -- log expected improvement over the best feasible value, computed stably far in the tail
  (Ament et al., "Unexpected Improvements to Expected Improvement", eq. 9);
* :class:`LogPI` -- log probability of exceeding a threshold; a constraint ``c(x) <= 0`` becomes
  ``P(-c(x) >= 0)`` on a GP of ``-c``;
* :class:`LogEHVI` -- log expected hypervolume improvement estimated with fixed normal Sobol samples (so the
  estimate is a smooth deterministic function of ``x``), over a box decomposition of the region the current
  Pareto front does not dominate;
* :class:`Constrained` -- an acquisition plus the log feasibility probability of every constraint (constrained
  EI / EHVI, constraints assumed independent);
* :class:`UCB` and :class:`LCB` -- mean plus or minus ``sqrt(beta * var)``, for the terminator's regret bound.
"""

from __future__ import annotations

import abc
import math
from typing import TYPE_CHECKING

import numpy as np

from pyhpo._multi_objective import is_pareto_front
from pyhpo.samplers._gp.search_space import import_scipy

if TYPE_CHECKING:
    from pyhpo.samplers._gp.gp import GPRegressor

__all__ = [
    "LCB",
    "UCB",
    "AcquisitionFunction",
    "Constrained",
    "LogEHVI",
    "LogEI",
    "LogPI",
    "non_dominated_boxes",
    "normal_sobol_samples",
]

_STABILIZING_NOISE = 1e-12
_EPS = 1e-12
_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)
_SQRT_HALF = math.sqrt(0.5)
_SQRT_HALF_PI = math.sqrt(0.5 * math.pi)
_CHUNK = 512  # candidates evaluated at once (bounds the memory of the EHVI tensors)


class AcquisitionFunction(abc.ABC):
    """A function of GP coordinates to maximise. ``length_scales`` precondition the local search."""

    length_scales: np.ndarray

    @abc.abstractmethod
    def _value(self, x: np.ndarray) -> np.ndarray: ...

    @abc.abstractmethod
    def _value_and_grad(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]: ...

    def value(self, x: np.ndarray) -> np.ndarray:
        """Values at the points ``x`` (m, d), evaluated in chunks."""
        x = np.atleast_2d(x)
        return np.concatenate([self._value(x[i : i + _CHUNK]) for i in range(0, len(x), _CHUNK)])

    def value_and_grad(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Values (m,) and gradients (m, d) at the points ``x`` (m, d)."""
        return self._value_and_grad(np.atleast_2d(x))


def _log_h(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``log(z * Phi(z) + phi(z))`` and its derivative ``Phi(z) / h(z)``, stable for very negative ``z``."""
    special = import_scipy().special
    out = np.empty_like(z)
    tail = z < -25.0
    body = ~tail
    zb = z[body]
    out[body] = np.log(0.5 * zb * special.erfc(-_SQRT_HALF * zb) + np.exp(-0.5 * zb * zb - _LOG_SQRT_2PI))
    zt = z[tail]
    if zt.size:
        out[tail] = (
            -0.5 * zt * zt - _LOG_SQRT_2PI + np.log1p(_SQRT_HALF_PI * zt * special.erfcx(-_SQRT_HALF * zt))
        )
    return out, np.exp(special.log_ndtr(z) - out)


class LogEI(AcquisitionFunction):
    """``log E[max(f(x) - threshold, 0)]``; zero everywhere when ``threshold`` is ``-inf`` (nothing feasible)."""

    def __init__(self, gpr: GPRegressor, threshold: float) -> None:
        self._gpr = gpr
        self._threshold = threshold
        self.length_scales = gpr.length_scales

    def _value(self, x: np.ndarray) -> np.ndarray:
        if np.isneginf(self._threshold):
            return np.zeros(len(x))
        mean, var = self._gpr.posterior(x)
        sigma = np.sqrt(var + _STABILIZING_NOISE)
        return _log_h((mean - self._threshold) / sigma)[0] + np.log(sigma)

    def _value_and_grad(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if np.isneginf(self._threshold):
            return np.zeros(len(x)), np.zeros_like(x)
        mean, var, dmean, dvar = self._gpr.posterior_with_grad(x)
        sigma = np.sqrt(var + _STABILIZING_NOISE)
        z = (mean - self._threshold) / sigma
        log_h, dlog_h = _log_h(z)
        dsigma = dvar / (2.0 * sigma[:, None])
        dz = (dmean - z[:, None] * dsigma) / sigma[:, None]
        return log_h + np.log(sigma), dlog_h[:, None] * dz + dsigma / sigma[:, None]


class LogPI(AcquisitionFunction):
    """``log P(f(x) >= threshold)``."""

    def __init__(self, gpr: GPRegressor, threshold: float) -> None:
        self._gpr = gpr
        self._threshold = threshold
        self.length_scales = gpr.length_scales

    def _value(self, x: np.ndarray) -> np.ndarray:
        mean, var = self._gpr.posterior(x)
        return import_scipy().special.log_ndtr((mean - self._threshold) / np.sqrt(var + _STABILIZING_NOISE))  # type: ignore[no-any-return]

    def _value_and_grad(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        special = import_scipy().special
        mean, var, dmean, dvar = self._gpr.posterior_with_grad(x)
        sigma = np.sqrt(var + _STABILIZING_NOISE)
        z = (mean - self._threshold) / sigma
        log_cdf = special.log_ndtr(z)
        ratio = np.exp(-0.5 * z * z - _LOG_SQRT_2PI - log_cdf)  # phi(z) / Phi(z)
        dsigma = dvar / (2.0 * sigma[:, None])
        dz = (dmean - z[:, None] * dsigma) / sigma[:, None]
        return log_cdf, ratio[:, None] * dz


class UCB(AcquisitionFunction):
    """``mean + sqrt(beta * var)``."""

    _sign = 1.0

    def __init__(self, gpr: GPRegressor, beta: float) -> None:
        self._gpr = gpr
        self._beta = beta
        self.length_scales = gpr.length_scales

    def _value(self, x: np.ndarray) -> np.ndarray:
        mean, var = self._gpr.posterior(x)
        return mean + self._sign * np.sqrt(self._beta * var)

    def _value_and_grad(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        mean, var, dmean, dvar = self._gpr.posterior_with_grad(x)
        root = np.sqrt(self._beta * var)
        droot = self._beta * dvar / (2.0 * np.maximum(root, 1e-300)[:, None])
        return mean + self._sign * root, dmean + self._sign * droot


class LCB(UCB):
    """``mean - sqrt(beta * var)``."""

    _sign = -1.0


def normal_sobol_samples(dim: int, n: int, seed: int) -> np.ndarray:
    """``n`` scrambled-Sobol draws of a standard normal vector of size ``dim`` (inverse-CDF transformed)."""
    scipy = import_scipy()
    unit = scipy.stats.qmc.Sobol(dim, scramble=True, seed=seed).random(n)
    return scipy.special.ndtri(np.clip(unit, 1e-12, 1.0 - 1e-12))  # type: ignore[no-any-return]


def non_dominated_boxes(front: np.ndarray, reference: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Boxes covering the region above ``reference`` that no point of ``front`` dominates (maximisation).

    Returns lower and upper corners (upper corners may be ``inf``). The grid spanned by the coordinates of the
    front splits the region into cells; a cell is free iff no front point is ``>=`` its upper corner in every
    coordinate, and along the last axis the free cells of a column are a contiguous run up to ``inf``, so each
    column of the first ``M - 1`` axes contributes one box.
    """
    n_obj = front.shape[1]
    edges = [
        np.unique(np.concatenate([[reference[i]], front[:, i][front[:, i] > reference[i]], [np.inf]]))
        for i in range(n_obj)
    ]
    lowers: list[np.ndarray] = []
    uppers: list[np.ndarray] = []
    grids = np.meshgrid(*[np.arange(len(e) - 1) for e in edges[:-1]], indexing="ij")
    cells = np.stack([g.ravel() for g in grids], axis=-1) if n_obj > 1 else np.zeros((1, 0), dtype=int)
    last = edges[-1]
    for cell in cells:
        upper_head = np.array([edges[i][c + 1] for i, c in enumerate(cell)])
        lower_head = np.array([edges[i][c] for i, c in enumerate(cell)])
        covering = np.all(front[:, :-1] >= upper_head, axis=1)
        start = float(front[covering, -1].max()) if covering.any() else float(last[0])
        start = max(start, float(last[0]))
        lowers.append(np.append(lower_head, start))
        uppers.append(np.append(upper_head, np.inf))
    return np.array(lowers), np.array(uppers)


def _reference_point(Y: np.ndarray) -> np.ndarray:
    # A little beyond the worst observed value of each objective (in loss terms, 1.1x or 0.9x the worst loss).
    worst_loss = np.max(-Y, axis=0)
    reference: np.ndarray = -np.nextafter(np.maximum(1.1 * worst_loss, 0.9 * worst_loss), np.inf)
    return reference


class LogEHVI(AcquisitionFunction):
    """``log E[HVI(f(x))]`` over independent GPs of the objectives, with fixed normal Sobol samples."""

    def __init__(self, gprs: list[GPRegressor], Y: np.ndarray, n_samples: int, seed: int) -> None:
        self._gprs = gprs
        self._xi = normal_sobol_samples(len(gprs), n_samples, seed)  # (S, M)
        reference = _reference_point(Y)
        inside = Y[np.all(Y > reference, axis=1)]
        front = inside[is_pareto_front(-inside)] if len(inside) else np.empty((0, Y.shape[1]))
        self._lower, upper = non_dominated_boxes(front, reference)
        self._width = np.maximum(upper - self._lower, _EPS)
        self.length_scales = np.mean([g.length_scales for g in gprs], axis=0)

    def _log_terms(self, samples: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # samples (m, S, M) -> per (m, S, box) log volume, and the mask of coordinates inside (EPS, width)
        diff = samples[:, :, None, :] - self._lower
        clipped = np.clip(diff, _EPS, self._width)
        inside = (diff > _EPS) & (diff < self._width)
        return np.log(clipped).sum(axis=-1), np.where(inside, 1.0 / clipped, 0.0)

    def _samples(self, x: np.ndarray) -> np.ndarray:
        out = []
        for i, gpr in enumerate(self._gprs):
            mean, var = gpr.posterior(x)
            out.append(mean[:, None] + np.sqrt(var + _STABILIZING_NOISE)[:, None] * self._xi[:, i])
        return np.stack(out, axis=-1)

    def _value(self, x: np.ndarray) -> np.ndarray:
        logs, _ = self._log_terms(self._samples(x))
        special = import_scipy().special
        return special.logsumexp(logs.reshape(len(x), -1), axis=1) - math.log(len(self._xi))  # type: ignore[no-any-return]

    def _value_and_grad(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        means, sigmas, dmeans, dsigmas = [], [], [], []
        for gpr in self._gprs:
            mean, var, dmean, dvar = gpr.posterior_with_grad(x)
            sigma = np.sqrt(var + _STABILIZING_NOISE)
            means.append(mean)
            sigmas.append(sigma)
            dmeans.append(dmean)
            dsigmas.append(dvar / (2.0 * sigma[:, None]))
        mean_a, sigma_a = np.stack(means, -1), np.stack(sigmas, -1)  # (m, M)
        samples = mean_a[:, None, :] + sigma_a[:, None, :] * self._xi  # (m, S, M)
        logs, inv = self._log_terms(samples)
        special = import_scipy().special
        flat = logs.reshape(len(x), -1)
        total = special.logsumexp(flat, axis=1)
        weights = np.exp(flat - total[:, None]).reshape(logs.shape)  # (m, S, B)
        dsample = np.einsum("msb,msbk->msk", weights, inv)  # d value / d sample (m, S, M)
        grad = np.zeros_like(x)
        for k in range(len(self._gprs)):
            grad += dsample[:, :, k].sum(axis=1)[:, None] * dmeans[k]
            grad += (dsample[:, :, k] @ self._xi[:, k])[:, None] * dsigmas[k]
        return total - math.log(len(self._xi)), grad


class Constrained(AcquisitionFunction):
    """An objective acquisition (or none, when nothing is feasible yet) plus the constraints' log ``P``."""

    def __init__(
        self, objective: AcquisitionFunction | None, constraints: list[LogPI], length_scales: np.ndarray
    ) -> None:
        self._objective = objective
        self._constraints = constraints
        self.length_scales = length_scales

    def _value(self, x: np.ndarray) -> np.ndarray:
        total = np.zeros(len(x)) if self._objective is None else self._objective.value(x)
        for c in self._constraints:
            total = total + c.value(x)
        return total

    def _value_and_grad(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if self._objective is None:
            total, grad = np.zeros(len(x)), np.zeros_like(x)
        else:
            total, grad = self._objective.value_and_grad(x)
        for c in self._constraints:
            v, g = c.value_and_grad(x)
            total, grad = total + v, grad + g
        return total, grad
