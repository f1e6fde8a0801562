"""CMA-ES sampler: a compact numpy Covariance Matrix Adaptation Evolution Strategy.

The algorithm is the standard (mu/mu_w, lambda)-CMA-ES of Hansen's tutorial ("The CMA Evolution
Strategy: A Tutorial", 2016) with positive recombination weights, cumulative step-size adaptation
and rank-one plus rank-mu covariance updates; optionally separable (diagonal covariance, Ros &
Hansen 2008) and warm-started from earlier trials (Nomura et al. 2021). It runs in the
transformed search space scaled to ``[0, 1]^d`` (log scale for ``log=True`` parameters).

How it is spread over trials, as in Optuna:

* every trial asks the current optimizer for one point and records the optimizer's generation
  in its system attribute ``pyhpo:cma:generation``;
* once ``popsize`` COMPLETE trials of the current generation exist, the next trial tells them to
  the optimizer and stores the updated state, as JSON, in its own system attributes
  ``pyhpo:cma:optimizer:<i>`` (chunks of at most 2045 characters, the RDB column limit);
* the state is restored from the newest COMPLETE trial that holds one, so any worker can go on.

The keys differ from Optuna's on purpose: Optuna stores a pickled ``cmaes`` object, which pyhpo
neither reads nor writes (no pickles in storages).
"""

from __future__ import annotations

import json
import math
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np

from pyhpo._experimental import warn_experimental_argument
from pyhpo._transform import SearchSpaceTransform
from pyhpo._values import StudyDirection, TrialState
from pyhpo.distributions import FloatDistribution, IntDistribution
from pyhpo.logging import get_logger
from pyhpo.samplers._base import _INDEPENDENT_SAMPLING_WARNING_TEMPLATE, BaseSampler
from pyhpo.samplers._lazy_random_state import LazyRandomState
from pyhpo.samplers._random import RandomSampler
from pyhpo.search_space import IntersectionSearchSpace

if TYPE_CHECKING:
    from collections.abc import Sequence

    from pyhpo._values import FrozenTrial
    from pyhpo.distributions import BaseDistribution
    from pyhpo.study import Study


__all__ = ["CmaEsSampler"]

_logger = get_logger(__name__)

_GENERATION_KEY = "pyhpo:cma:generation"
_OPTIMIZER_KEY = "pyhpo:cma:optimizer"
_SYSTEM_ATTR_MAX_LENGTH = 2045
_EPS = 1e-10


class _CMA:
    """One CMA-ES run in a box; ``ask`` one point at a time, ``tell`` a whole generation.

    Args:
        mean: Initial mean, shape ``(d,)``.
        sigma: Initial step size (> 0).
        bounds: ``(d, 2)`` box; points are resampled (then clipped) to stay inside.
        population_size: lambda; default ``4 + floor(3 ln d)``.
        cov: Initial covariance (default identity).
        separable: Keep the covariance diagonal (cheaper, faster learning in high dimension).
    """

    def __init__(
        self,
        mean: np.ndarray,
        sigma: float,
        bounds: np.ndarray,
        population_size: int | None = None,
        cov: np.ndarray | None = None,
        separable: bool = False,
    ) -> None:
        d = len(mean)
        self.dim = d
        self.mean = np.asarray(mean, dtype=float).copy()
        self.sigma = float(sigma)
        self.bounds = np.asarray(bounds, dtype=float)
        self.population_size = int(population_size or 4 + math.floor(3 * math.log(d)))
        if self.population_size < 2:
            raise ValueError(f"popsize must be >= 2, got {self.population_size}.")
        self.separable = separable
        self.generation = 0
        if cov is None:
            self.C = np.ones(d) if separable else np.eye(d)
        else:
            cov = np.asarray(cov, dtype=float)
            self.C = np.diag(cov).copy() if separable else cov.copy()
        self.p_sigma = np.zeros(d)
        self.p_c = np.zeros(d)
        self._decompose()

    # Strategy constants (Hansen's defaults), derived from d and lambda only.
    def _constants(self) -> dict[str, Any]:
        d, lam = self.dim, self.population_size
        mu = lam // 2
        raw = math.log((lam + 1) / 2) - np.log(np.arange(1, mu + 1))
        weights = raw / raw.sum()
        mu_eff = 1.0 / float(np.sum(weights**2))
        c_sigma = (mu_eff + 2) / (d + mu_eff + 5)
        d_sigma = 1 + 2 * max(0.0, math.sqrt((mu_eff - 1) / (d + 1)) - 1) + c_sigma
        c_c = (4 + mu_eff / d) / (d + 4 + 2 * mu_eff / d)
        c_1 = 2 / ((d + 1.3) ** 2 + mu_eff)
        c_mu = min(1 - c_1, 2 * (mu_eff - 2 + 1 / mu_eff) / ((d + 2) ** 2 + mu_eff))
        if self.separable:
            # Diagonal-only learning may be (d + 2) / 3 times faster.
            c_1 = min(1.0, c_1 * (d + 2) / 3)
            c_mu = min(1 - c_1, c_mu * (d + 2) / 3)
        chi_d = math.sqrt(d) * (1 - 1 / (4 * d) + 1 / (21 * d * d))
        return {
            "mu": mu,
            "weights": weights,
            "mu_eff": mu_eff,
            "c_sigma": c_sigma,
            "d_sigma": d_sigma,
            "c_c": c_c,
            "c_1": c_1,
            "c_mu": c_mu,
            "chi_d": chi_d,
        }

    def _decompose(self) -> None:
        """Factor C = B diag(D^2) B^T (D clipped away from zero); C^(-1/2) = B diag(1/D) B^T."""
        if self.separable:
            self.C = np.maximum(self.C, _EPS)
            self._D = np.sqrt(self.C)
            self._B = None
            return
        self.C = (self.C + self.C.T) / 2
        eigenvalues, B = np.linalg.eigh(self.C)
        if np.any(eigenvalues < _EPS):
            # Numerical loss of positive definiteness: rebuild C from clipped eigenvalues.
            eigenvalues = np.maximum(eigenvalues, _EPS)
            self.C = (B * eigenvalues) @ B.T
        self._D = np.sqrt(eigenvalues)
        self._B = B

    def _sample(self, rng: np.random.RandomState) -> np.ndarray:
        z = rng.standard_normal(self.dim)
        y = self._D * z if self._B is None else self._B @ (self._D * z)
        return self.mean + self.sigma * y

    def ask(self, rng: np.random.RandomState) -> np.ndarray:
        """One candidate inside the bounds (resampled up to ``10 * d`` times, then clipped)."""
        low, high = self.bounds[:, 0], self.bounds[:, 1]
        for _ in range(10 * self.dim):
            x = self._sample(rng)
            if np.all((low <= x) & (x <= high)):
                return np.asarray(x)
        return np.asarray(np.clip(self._sample(rng), low, high))

    def tell(self, solutions: Sequence[tuple[np.ndarray, float]]) -> None:
        """Update from exactly ``population_size`` ``(x, loss)`` pairs (lower loss is better)."""
        if len(solutions) != self.population_size:
            raise ValueError(f"tell needs {self.population_size} solutions, got {len(solutions)}.")
        k = self._constants()
        order = sorted(range(len(solutions)), key=lambda i: solutions[i][1])
        xs = np.array([solutions[i][0] for i in order[: k["mu"]]], dtype=float)
        ys = (xs - self.mean) / self.sigma
        y_w = k["weights"] @ ys
        self.mean = self.mean + self.sigma * y_w
        self.generation += 1

        # Step size: cumulate C^(-1/2) y_w and compare its length with a random walk's.
        inv_sqrt_y = y_w / self._D if self._B is None else self._B @ ((self._B.T @ y_w) / self._D)
        self.p_sigma = (1 - k["c_sigma"]) * self.p_sigma + math.sqrt(
            k["c_sigma"] * (2 - k["c_sigma"]) * k["mu_eff"]
        ) * inv_sqrt_y
        norm_p_sigma = float(np.linalg.norm(self.p_sigma))
        self.sigma *= math.exp(min(1.0, (k["c_sigma"] / k["d_sigma"]) * (norm_p_sigma / k["chi_d"] - 1)))
        self.sigma = min(max(self.sigma, 1e-12), 1e12)

        # Covariance: rank-one (evolution path) and rank-mu updates; stall p_c on long steps.
        threshold = (1.4 + 2 / (self.dim + 1)) * k["chi_d"]
        h_sigma = norm_p_sigma / math.sqrt(1 - (1 - k["c_sigma"]) ** (2 * self.generation)) < threshold
        self.p_c = (1 - k["c_c"]) * self.p_c + h_sigma * math.sqrt(
            k["c_c"] * (2 - k["c_c"]) * k["mu_eff"]
        ) * y_w
        delta = (1 - h_sigma) * k["c_c"] * (2 - k["c_c"])
        decay = 1 + k["c_1"] * delta - k["c_1"] - k["c_mu"]
        if self.separable:
            rank_mu = k["weights"] @ (ys**2)
            self.C = decay * self.C + k["c_1"] * self.p_c**2 + k["c_mu"] * rank_mu
        else:
            rank_mu = (ys.T * k["weights"]) @ ys
            self.C = decay * self.C + k["c_1"] * np.outer(self.p_c, self.p_c) + k["c_mu"] * rank_mu
        self._decompose()

    def to_json(self) -> str:
        return json.dumps(
            {
                "mean": self.mean.tolist(),
                "sigma": self.sigma,
                "bounds": self.bounds.tolist(),
                "population_size": self.population_size,
                "separable": self.separable,
                "generation": self.generation,
                "C": self.C.tolist(),
                "p_sigma": self.p_sigma.tolist(),
                "p_c": self.p_c.tolist(),
            }
        )

    @classmethod
    def from_json(cls, text: str) -> _CMA:
        state = json.loads(text)
        optimizer = cls.__new__(cls)
        optimizer.dim = len(state["mean"])
        optimizer.mean = np.array(state["mean"], dtype=float)
        optimizer.sigma = float(state["sigma"])
        optimizer.bounds = np.array(state["bounds"], dtype=float)
        optimizer.population_size = int(state["population_size"])
        optimizer.separable = bool(state["separable"])
        optimizer.generation = int(state["generation"])
        optimizer.C = np.array(state["C"], dtype=float)
        optimizer.p_sigma = np.array(state["p_sigma"], dtype=float)
        optimizer.p_c = np.array(state["p_c"], dtype=float)
        optimizer._decompose()
        return optimizer


def _warm_start(
    solutions: list[tuple[np.ndarray, float]], gamma: float = 0.1, alpha: float = 0.1
) -> tuple[np.ndarray, float, np.ndarray]:
    """Initial mean, step size and covariance from earlier solutions (WS-CMA-ES).

    The best ``gamma`` fraction of the solutions, each widened by an isotropic Gaussian of
    deviation ``alpha``, is matched by one Gaussian; its covariance is split into a step size
    (the geometric mean deviation) and a unit-determinant shape.
    """
    ranked = sorted(solutions, key=lambda s: s[1])
    top = np.array([x for x, _ in ranked[: max(1, int(len(ranked) * gamma))]])
    d = top.shape[1]
    mean = top.mean(axis=0)
    centred = top - mean
    cov = alpha**2 * np.eye(d) + centred.T @ centred / len(top)
    sign, logdet = np.linalg.slogdet(cov)
    sigma = math.exp(logdet / (2 * d)) if sign > 0 else alpha
    return mean, sigma, cov / sigma**2


class CmaEsSampler(BaseSampler):
    """Sampler using CMA-ES for float and int parameters (Optuna's ``CmaEsSampler`` interface).

    The first ``n_startup_trials`` trials, categorical parameters and parameters outside the
    intersection search space are drawn by ``independent_sampler``. Single-objective only.

    Args:
        x0: Initial mean as ``{name: value}``; defaults to the centre of the search space.
        sigma0: Initial step size in the ``[0, 1]``-scaled space; defaults to ``1/6``.
        n_startup_trials: Trials sampled independently before CMA-ES starts.
        independent_sampler: Sampler for the cases above; defaults to :class:`RandomSampler`.
        warn_independent_sampling: Log when a parameter is sampled independently.
        seed: Seed for reproducible runs.
        consider_pruned_trials: Use PRUNED trials too, with their last reported value.
        restart_strategy: Deprecated in Optuna (ignored there since 4.4); only ``None``.
        popsize: Population size (lambda); default ``4 + floor(3 ln d)``.
        inc_popsize: Deprecated with ``restart_strategy``; only the default ``-1``.
        use_separable_cma: Diagonal covariance (sep-CMA-ES).
        with_margin: Not supported (CMA-ES with margin); must be False.
        lr_adapt: Not supported (learning-rate adaptation); must be False.
        source_trials: Finished trials of a similar task to warm-start from (WS-CMA-ES).
    """

    def __init__(
        self,
        x0: dict[str, Any] | None = None,
        sigma0: float | None = None,
        n_startup_trials: int = 1,
        independent_sampler: BaseSampler | None = None,
        warn_independent_sampling: bool = True,
        seed: int | None = None,
        *,
        consider_pruned_trials: bool = False,
        restart_strategy: str | None = None,
        popsize: int | None = None,
        inc_popsize: int = -1,
        use_separable_cma: bool = False,
        with_margin: bool = False,
        lr_adapt: bool = False,
        source_trials: list[FrozenTrial] | None = None,
    ) -> None:
        if restart_strategy is not None or inc_popsize != -1:
            raise ValueError(
                "restart_strategy and inc_popsize are not supported (Optuna deprecated them and ignores "
                f"them since 4.4); got restart_strategy={restart_strategy!r}, inc_popsize={inc_popsize}."
            )
        # Optuna's ExperimentalWarning for each experimental argument given, in its order, before any error.
        for arg_name, given in (
            ("consider_pruned_trials", consider_pruned_trials),
            ("use_separable_cma", use_separable_cma),
            ("source_trials", source_trials is not None),
            ("with_margin", with_margin),
            ("lr_adapt", lr_adapt),
        ):
            if given:
                warn_experimental_argument(arg_name)
        if with_margin or lr_adapt:
            raise ValueError(
                "CmaEsSampler(with_margin=True) and CmaEsSampler(lr_adapt=True) are not supported by pyhpo; "
                f"got with_margin={with_margin}, lr_adapt={lr_adapt}."
            )
        if sigma0 is not None and not sigma0 > 0:
            raise ValueError(f"sigma0 must be > 0, got {sigma0}.")
        if (
            isinstance(n_startup_trials, bool)
            or not isinstance(n_startup_trials, int)
            or n_startup_trials < 0
        ):
            raise ValueError(f"n_startup_trials must be an int >= 0, got {n_startup_trials!r}.")
        if popsize is not None and (isinstance(popsize, bool) or not isinstance(popsize, int) or popsize < 2):
            raise ValueError(f"popsize must be an int >= 2 or None, got {popsize!r}.")
        if source_trials is not None and (x0 is not None or sigma0 is not None):
            raise ValueError("source_trials cannot be combined with x0 or sigma0 (the warm start sets both).")
        if source_trials is not None and use_separable_cma:
            raise ValueError("source_trials cannot be combined with use_separable_cma=True.")
        self._x0 = x0
        self._sigma0 = sigma0
        self._n_startup_trials = n_startup_trials
        self._independent_sampler = independent_sampler or RandomSampler(seed=seed)
        self._warn_independent_sampling = warn_independent_sampling
        self._cma_rng = LazyRandomState(seed)
        self._search_space = IntersectionSearchSpace()
        self._consider_pruned_trials = consider_pruned_trials
        self._popsize = popsize
        self._use_separable_cma = use_separable_cma
        self._source_trials = source_trials

    def reseed_rng(self) -> None:
        self._cma_rng.rng.seed()
        self._independent_sampler.reseed_rng()

    def infer_relative_search_space(self, study: Study, trial: FrozenTrial) -> dict[str, BaseDistribution]:
        return {
            name: dist
            for name, dist in self._search_space.calculate(study).items()
            if isinstance(dist, (FloatDistribution, IntDistribution)) and not dist.single()
        }

    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        self._raise_error_if_multi_objective(study)
        if not search_space:
            return {}
        completed = self._finished_trials(study)
        if len(completed) < self._n_startup_trials:
            return {}
        transform = SearchSpaceTransform(search_space, transform_0_1=True)
        optimizer = self._restore_optimizer(completed)
        if optimizer is None:
            optimizer = self._init_optimizer(transform, study)
        if optimizer.dim != len(transform.bounds):
            if self._warn_independent_sampling:
                _logger.warning(
                    "`CmaEsSampler` does not support dynamic search space. "
                    f"`{self._independent_sampler.__class__.__name__}` is used instead of `CmaEsSampler`."
                )
                self._warn_independent_sampling = False
            return {}

        generation = [t for t in completed if t.system_attrs.get(_GENERATION_KEY) == optimizer.generation]
        if len(generation) >= optimizer.population_size:
            maximize = _is_maximize(study)
            solutions = []
            for t in generation[: optimizer.population_size]:
                value = _trial_value(t)
                solutions.append((transform.transform(t.params), -value if maximize else value))
            optimizer.tell(solutions)
            text = optimizer.to_json()
            for i in range(math.ceil(len(text) / _SYSTEM_ATTR_MAX_LENGTH)):
                chunk = text[i * _SYSTEM_ATTR_MAX_LENGTH : (i + 1) * _SYSTEM_ATTR_MAX_LENGTH]
                study._storage.set_trial_system_attr(trial._trial_id, f"{_OPTIMIZER_KEY}:{i}", chunk)

        # A per-trial seed keeps parallel workers (which share the optimizer state) apart.
        rng = np.random.RandomState(self._cma_rng.rng.randint(1, 2**16) + trial.number)
        point = optimizer.ask(rng)
        study._storage.set_trial_system_attr(trial._trial_id, _GENERATION_KEY, optimizer.generation)
        return transform.untransform(point)

    def sample_independent(
        self, study: Study, trial: FrozenTrial, param_name: str, param_distribution: BaseDistribution
    ) -> Any:
        self._raise_error_if_multi_objective(study)
        if self._warn_independent_sampling and len(self._finished_trials(study)) >= self._n_startup_trials:
            _logger.warning(
                _INDEPENDENT_SAMPLING_WARNING_TEMPLATE.format(
                    param_name=param_name,
                    trial_number=trial.number,
                    independent_sampler_name=self._independent_sampler.__class__.__name__,
                    sampler_name=self.__class__.__name__,
                    fallback_reason=(
                        "dynamic search space and `CategoricalDistribution` are not supported by `CmaEsSampler`"
                    ),
                )
            )
        return self._independent_sampler.sample_independent(study, trial, param_name, param_distribution)

    def before_trial(self, study: Study, trial: FrozenTrial) -> None:
        self._independent_sampler.before_trial(study, trial)

    def after_trial(
        self, study: Study, trial: FrozenTrial, state: TrialState, values: Sequence[float] | None
    ) -> None:
        self._independent_sampler.after_trial(study, trial, state, values)

    def _finished_trials(self, study: Study) -> list[FrozenTrial]:
        """COMPLETE trials, plus PRUNED ones with a reported value if ``consider_pruned_trials``."""

        out = []
        for t in study._get_trials(deepcopy=False, use_cache=True):
            if t.state == TrialState.COMPLETE or (
                self._consider_pruned_trials and t.state == TrialState.PRUNED and t.intermediate_values
            ):
                out.append(t)
        return out

    def _restore_optimizer(self, completed: list[FrozenTrial]) -> _CMA | None:
        for t in reversed(completed):
            chunks = {k: v for k, v in t.system_attrs.items() if k.startswith(_OPTIMIZER_KEY + ":")}
            if chunks:
                return _CMA.from_json("".join(chunks[f"{_OPTIMIZER_KEY}:{i}"] for i in range(len(chunks))))
        return None

    def _init_optimizer(self, transform: SearchSpaceTransform, study: Study) -> _CMA:
        bounds = transform.bounds
        d = len(bounds)
        cov = None
        if self._source_trials is not None:
            maximize = _is_maximize(study)
            names = set(transform.search_space)
            solutions = []
            for t in self._source_trials:
                usable = t.state == TrialState.COMPLETE or (
                    self._consider_pruned_trials and t.state == TrialState.PRUNED and t.intermediate_values
                )
                if (
                    usable
                    and set(t.distributions) >= names
                    and all(t.distributions[n] == d_ for n, d_ in transform.search_space.items())
                ):
                    value = _trial_value(t)
                    point = transform.transform({n: t.params[n] for n in names})
                    solutions.append((point, -value if maximize else value))
            if not solutions:
                raise ValueError("No compatible source_trials: none is finished with the same search space.")
            mean, sigma0, cov = _warm_start(solutions)
        else:
            if self._x0 is None:
                mean = bounds.mean(axis=1)
            else:
                missing = sorted(set(transform.search_space) - set(self._x0))
                if missing:
                    raise ValueError(f"x0 has no value for parameter(s) {missing}.")
                mean = transform.transform(self._x0)
            sigma0 = (
                self._sigma0 if self._sigma0 is not None else float(np.min(bounds[:, 1] - bounds[:, 0]) / 6)
            )
        separable = self._use_separable_cma
        if separable and d == 1:
            warnings.warn(
                "Separable CMA-ES does not operate meaningfully on single-dimensional search spaces. "
                "The setting `use_separable_cma=True` will be ignored.",
                UserWarning,
                stacklevel=2,
            )
            separable = False
        return _CMA(
            mean, max(sigma0, _EPS), bounds, population_size=self._popsize, cov=cov, separable=separable
        )


def _is_maximize(study: Study) -> bool:
    return study.direction == StudyDirection.MAXIMIZE


def _trial_value(trial: FrozenTrial) -> float:
    """The objective value, or the last reported value of a pruned trial."""
    if trial.value is not None:
        return float(trial.value)
    return float(trial.intermediate_values[max(trial.intermediate_values)])
