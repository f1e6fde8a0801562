"""A Gaussian-process regressor in numpy: Matern 5/2 ARD kernel, priors on its parameters, exact gradients.

The model is the one Optuna's GPSampler fits, written from its definition:

* kernel ``k(x, x') = s * m(r2)`` with ``r2 = sum_d lam_d * delta_d(x, x')``, where ``delta_d`` is the squared
  difference of a numeric coordinate and ``1[x_d != x'_d]`` (Hamming) of a categorical one, and
  ``m(r2) = (1 + sqrt(5 r2) + 5/3 r2) * exp(-sqrt(5 r2))`` (Matern, nu = 5/2);
* observation noise ``noise`` on the diagonal, at least ``MINIMUM_NOISE_VAR``;
* the kernel parameters maximise the marginal log likelihood plus a log prior: ``-(0.1 / lam + 0.1 * lam)`` per
  inverse squared length scale, Gamma(2, 1) on ``s`` and Gamma(1.1, 30) on ``noise`` (constants dropped);
* the fit is L-BFGS-B over the logs of the parameters, warm-started from the previous fit when there is one,
  with the gradient derived by hand (``0.5 * tr((a a^T - C^-1) dC)``), so no autodiff library is needed.

Inputs are the unit-cube coordinates of :class:`~pyhpo.samplers._gp.search_space.SearchSpace`; outputs are
standardised values to be *maximised*.
"""

from __future__ import annotations

import logging
import math
import warnings
from typing import TYPE_CHECKING

import numpy as np

from pyhpo.samplers._gp.search_space import import_scipy

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = [
    "MINIMUM_NOISE_VAR",
    "GPRegressor",
    "KernelParams",
    "believe",
    "clip_non_finite",
    "fit_kernel_params",
    "matern52",
]

_logger = logging.getLogger(__name__)

MINIMUM_NOISE_VAR = 1e-6
_SQRT5 = math.sqrt(5.0)


def matern52(r2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The Matern 5/2 shape ``m(r2)`` and its derivative with respect to ``r2`` (finite at ``r2 = 0``)."""
    root = np.sqrt(_SQRT5 * _SQRT5 * r2)
    decay = np.exp(-root)
    return decay * (1.0 + root + (5.0 / 3.0) * r2), (-5.0 / 6.0) * (1.0 + root) * decay


def clip_non_finite(values: np.ndarray) -> np.ndarray:
    """Replace infinite values by the extreme finite ones of their column (with a warning), as Optuna does."""
    finite = np.isfinite(values)
    if finite.all():
        return values
    warnings.warn("Clip non-finite values to the min/max finite values for GP fittings.", stacklevel=3)
    any_finite = finite.any(axis=0)
    lo = np.where(any_finite, np.min(np.where(finite, values, np.inf), axis=0), 0.0)
    hi = np.where(any_finite, np.max(np.where(finite, values, -np.inf), axis=0), 0.0)
    clipped: np.ndarray = np.clip(values, lo, hi)
    return clipped


class KernelParams:
    """The fitted kernel parameters: inverse squared length scales, kernel scale, noise variance."""

    def __init__(
        self, inverse_squared_lengthscales: np.ndarray, kernel_scale: float, noise_var: float
    ) -> None:
        self.inverse_squared_lengthscales = np.asarray(inverse_squared_lengthscales, dtype=float)
        self.kernel_scale = float(kernel_scale)
        self.noise_var = float(noise_var)

    @classmethod
    def default(cls, dim: int) -> KernelParams:
        """All ones: the starting point of a fit without a previous one."""
        return cls(np.ones(dim), 1.0, 1.0)


class GPRegressor:
    """The posterior of a GP with fixed kernel parameters, given training data ``X`` (n, d) and ``y`` (n,)."""

    def __init__(
        self,
        X: np.ndarray,
        y: np.ndarray,
        is_categorical: np.ndarray,
        params: KernelParams,
        noise: np.ndarray | None = None,
    ) -> None:
        self.X = np.asarray(X, dtype=float)
        self.y = np.asarray(y, dtype=float)
        self.is_categorical = np.asarray(is_categorical, dtype=bool)
        self.params = params
        # per-observation noise variances: all ``params.noise_var`` unless some points are exact (``believe``)
        self.noise = (
            np.full(len(self.y), params.noise_var) if noise is None else np.asarray(noise, dtype=float)
        )
        cov = self.kernel(self.X, self.X)
        cov[np.diag_indices_from(cov)] += self.noise
        self._chol = np.linalg.cholesky(cov)
        self._alpha = self._solve(self.y)

    @property
    def length_scales(self) -> np.ndarray:
        scales: np.ndarray = 1.0 / np.sqrt(self.params.inverse_squared_lengthscales)
        return scales

    def _solve(self, b: np.ndarray) -> np.ndarray:
        """``C^-1 b`` through the Cholesky factor of ``C = K + noise * I`` (b is (n,) or (n, m))."""
        linalg = import_scipy().linalg
        return linalg.cho_solve((self._chol, True), b, check_finite=False)  # type: ignore[no-any-return]

    def _sqdiff(self, A: np.ndarray, B: np.ndarray) -> np.ndarray:
        diff = A[..., :, None, :] - B[..., None, :, :]
        sq = diff * diff
        if self.is_categorical.any():
            sq[..., self.is_categorical] = (sq[..., self.is_categorical] > 0.0).astype(float)
        out: np.ndarray = sq
        return out

    def kernel(self, A: np.ndarray, B: np.ndarray) -> np.ndarray:
        """The covariance matrix ``k(A_i, B_j)`` of two sets of points."""
        r2 = self._sqdiff(A, B) @ self.params.inverse_squared_lengthscales
        return self.params.kernel_scale * matern52(r2)[0]

    def posterior(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Posterior mean and variance at the points ``x`` (m, d)."""
        k = self.kernel(x, self.X)
        mean = k @ self._alpha
        v = self._solve(k.T).T
        var = self.params.kernel_scale - np.einsum("ij,ij->i", k, v)
        return mean, np.maximum(var, 0.0)

    def joint_posterior(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Posterior mean (m,) and covariance (m, m) at the points ``x``."""
        k = self.kernel(x, self.X)
        cov = self.kernel(x, x) - k @ self._solve(k.T)
        diag = np.diag_indices_from(cov)
        cov[diag] = np.maximum(cov[diag], 0.0)
        return k @ self._alpha, cov

    def posterior_with_grad(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Mean, variance and their gradients with respect to ``x`` (m, d); categorical columns get 0."""
        lam = self.params.inverse_squared_lengthscales
        diff = x[:, None, :] - self.X[None, :, :]
        sq = diff * diff
        if self.is_categorical.any():
            sq[..., self.is_categorical] = (sq[..., self.is_categorical] > 0.0).astype(float)
            diff[..., self.is_categorical] = 0.0
        m, dm = matern52(sq @ lam)
        k = self.params.kernel_scale * m
        # dk(x, X_j)/dx = s * m'(r2_j) * 2 * lam * (x - X_j)
        dk = (2.0 * self.params.kernel_scale) * dm[:, :, None] * diff * lam
        mean = k @ self._alpha
        v = self._solve(k.T).T
        var = self.params.kernel_scale - np.einsum("ij,ij->i", k, v)
        dmean = np.einsum("ijd,j->id", dk, self._alpha)
        dvar = -2.0 * np.einsum("ijd,ij->id", dk, v)
        clipped = var <= 0.0
        if clipped.any():
            dvar[clipped] = 0.0
        return mean, np.maximum(var, 0.0), dmean, dvar


def believe(gpr: GPRegressor, X_new: np.ndarray) -> GPRegressor:
    """The same model conditioned on the function taking its posterior mean at ``X_new`` (a "Kriging believer").

    The believed values are exact (minimum noise), so the posterior variance collapses at those points, as
    conditioning on a fantasy of the latent function does.
    """
    y_new = gpr.posterior(X_new)[0]
    noise = np.concatenate([gpr.noise, np.full(len(X_new), MINIMUM_NOISE_VAR)])
    return GPRegressor(
        np.vstack([gpr.X, X_new]), np.concatenate([gpr.y, y_new]), gpr.is_categorical, gpr.params, noise
    )


def _loss_and_grad(
    raw: np.ndarray,
    sq: np.ndarray,
    y: np.ndarray,
    minimum_noise: float,
    deterministic: bool,
) -> tuple[float, np.ndarray]:
    """Negative (marginal log likelihood + log prior) over ``raw = log(lam), log(s), log(noise - min)``."""
    n, dim = sq.shape[0], sq.shape[-1]
    lam = np.exp(raw[:dim])
    scale = math.exp(raw[dim])
    noise_excess = 0.0 if deterministic else math.exp(raw[dim + 1])
    noise = noise_excess + minimum_noise
    m, dm = matern52(sq @ lam)
    K = scale * m
    C = K.copy()
    C[np.diag_indices(n)] += noise
    try:
        L = np.linalg.cholesky(C)
    except np.linalg.LinAlgError:
        return math.inf, np.zeros_like(raw)
    linalg = import_scipy().linalg
    alpha = linalg.cho_solve((L, True), y, check_finite=False)
    C_inv = linalg.cho_solve((L, True), np.eye(n), check_finite=False)
    mll = -np.log(np.diag(L)).sum() - 0.5 * float(y @ alpha)
    prior = (
        -(0.1 / lam + 0.1 * lam).sum() + (math.log(scale) - scale) + (0.1 * math.log(noise) - 30.0 * noise)
    )
    W = np.outer(alpha, alpha) - C_inv
    grad = np.empty_like(raw)
    G = W * (scale * dm)
    grad[:dim] = 0.5 * lam * np.einsum("ij,ijd->d", G, sq) + (0.1 / lam - 0.1 * lam)
    grad[dim] = 0.5 * float((W * K).sum()) + (1.0 - scale)
    grad[dim + 1] = 0.0 if deterministic else noise_excess * (0.5 * float(np.trace(W)) + 0.1 / noise - 30.0)
    return -(mll + prior), -grad


def _fit_from(
    X: np.ndarray,
    y: np.ndarray,
    is_categorical: np.ndarray,
    start: KernelParams,
    minimum_noise: float,
    deterministic: bool,
    gtol: float,
) -> KernelParams:
    optimize = import_scipy().optimize
    dim = X.shape[1]
    diff = X[:, None, :] - X[None, :, :]
    sq = diff * diff
    if is_categorical.any():
        sq[..., is_categorical] = (sq[..., is_categorical] > 0.0).astype(float)
    x0 = np.concatenate(
        [
            np.log(start.inverse_squared_lengthscales),
            # keep a hundredth of the minimum noise above the floor so the log stays finite
            [math.log(start.kernel_scale), math.log(max(start.noise_var - 0.99 * minimum_noise, 1e-300))],
        ]
    )
    res = optimize.minimize(
        _loss_and_grad,
        x0,
        args=(sq, y, minimum_noise, deterministic),
        jac=True,
        method="L-BFGS-B",
        options={"gtol": gtol},
    )
    if not res.success or not np.all(np.isfinite(res.x)) or not math.isfinite(res.fun):
        raise RuntimeError(f"Optimization failed: {res.message}")
    noise = minimum_noise if deterministic else minimum_noise + math.exp(res.x[dim + 1])
    return KernelParams(np.exp(res.x[:dim]), math.exp(res.x[dim]), noise)


def fit_kernel_params(
    X: np.ndarray,
    y: np.ndarray,
    is_categorical: np.ndarray,
    *,
    deterministic_objective: bool = False,
    minimum_noise: float = MINIMUM_NOISE_VAR,
    warm_start: KernelParams | None = None,
    gtol: float = 1e-2,
) -> GPRegressor:
    """Fit the kernel parameters to ``(X, y)`` and return the posterior model.

    The fit starts from ``warm_start`` (the previous fit) when given, then from the defaults; if both fail, the
    default parameters are used with a warning in the log.
    """
    dim = X.shape[1]
    starts: Sequence[KernelParams] = [KernelParams.default(dim)]
    if warm_start is not None and len(warm_start.inverse_squared_lengthscales) == dim:
        starts = [warm_start, KernelParams.default(dim)]
    error: Exception | None = None
    for start in starts:
        try:
            params = _fit_from(X, y, is_categorical, start, minimum_noise, deterministic_objective, gtol)
            return GPRegressor(X, y, is_categorical, params)
        except (RuntimeError, np.linalg.LinAlgError) as exc:
            error = exc
    _logger.warning(
        f"The optimization of kernel parameters failed: \n{error}\n"
        "The default initial kernel parameters will be used instead."
    )
    default = KernelParams.default(dim)
    if deterministic_objective:
        default.noise_var = minimum_noise
    return GPRegressor(X, y, is_categorical, default)
