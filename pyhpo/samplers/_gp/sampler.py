"""GPSampler: Bayesian optimisation with a Gaussian process, Optuna's ``optuna.samplers.GPSampler``.

After ``n_startup_trials`` complete trials, each new trial fits one GP per objective (and one per constraint) to
the complete trials of the intersection search space and proposes the maximiser of the acquisition function:
log EI (one objective), log EHVI (several), each plus the log feasibility probabilities of the constraints when
trials carry constraints (``constraints_func`` or :meth:`~pyhpo.trial.Trial.set_constraint`). Parameters outside
that search space, and everything before the startup trials are done, come from ``independent_sampler``.

Needs numpy and scipy (``pip install "pyhpo-opt[gp]"``); no PyTorch.
"""

from __future__ import annotations

import json
import logging
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np

from pyhpo._experimental import warn_experimental_argument
from pyhpo._multi_objective import is_pareto_front
from pyhpo._values import StudyDirection, TrialState
from pyhpo.samplers._base import (
    _INDEPENDENT_SAMPLING_WARNING_TEMPLATE,
    BaseSampler,
    _process_constraints_after_trial,
)
from pyhpo.samplers._gp import acqf as acqf_module
from pyhpo.samplers._gp.gp import KernelParams, believe, clip_non_finite, fit_kernel_params
from pyhpo.samplers._gp.optim import optimize_acqf
from pyhpo.samplers._gp.search_space import SearchSpace, import_scipy
from pyhpo.samplers._lazy_random_state import LazyRandomState
from pyhpo.samplers._random import RandomSampler
from pyhpo.search_space import IntersectionSearchSpace

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from pyhpo._values import FrozenTrial
    from pyhpo.distributions import BaseDistribution
    from pyhpo.samplers._gp.gp import GPRegressor
    from pyhpo.study import Study

__all__ = ["GPSampler", "standardize"]

_logger = logging.getLogger(__name__)
_EPS = 1e-10
_MAX_SEED = 1 << 30
_RELATIVE_PARAMS_KEY = "gp:relative_params"
_SYSTEM_ATTR_MAX_LENGTH = 2045  # RDBStorage holds system attribute values of up to 2048 characters


def standardize(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Columns of ``values`` shifted to mean 0 and scaled to std 1 (infinities clipped first)."""
    values = clip_non_finite(values)
    means, stds = values.mean(axis=0), values.std(axis=0)
    return (values - means) / np.maximum(_EPS, stds), means, stds


class GPSampler(BaseSampler):
    """Sampler using Gaussian-process Bayesian optimisation (Optuna's ``GPSampler``, built on numpy + scipy).

    The surrogate is a GP with a Matern 5/2 kernel with one length scale per parameter (ARD), a Hamming
    distance for categorical parameters, and priors on the kernel parameters; it is fitted by maximising the
    marginal log likelihood with L-BFGS-B. The acquisition function (log EI, log EHVI, their constrained forms)
    is maximised from 2048 Sobol candidates and 10 local searches (L-BFGS-B for continuous parameters,
    discrete moves for integer, stepped and categorical ones).

    Args:
        seed: Seed of the random number generator (``None``: a random seed).
        independent_sampler: Sampler for the first ``n_startup_trials`` trials and for parameters outside the
            intersection search space; defaults to :class:`~pyhpo.samplers.RandomSampler` with ``seed``.
        n_startup_trials: Number of complete trials before the GP is used.
        deterministic_objective: Fix the noise of the model at its minimum (experimental, as in Optuna).
        constraints_func: ``FrozenTrial -> constraint values``, a value ``> 0`` being a violation. Deprecated
            in Optuna 5.0 in favour of :meth:`~pyhpo.trial.Trial.set_constraint`; still honoured.
        warn_independent_sampling: Log a warning when a parameter is sampled by ``independent_sampler`` after
            the startup trials.
    """

    def __init__(
        self,
        *,
        seed: int | None = None,
        independent_sampler: BaseSampler | None = None,
        n_startup_trials: int = 10,
        deterministic_objective: bool = False,
        constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None,
        warn_independent_sampling: bool = True,
    ) -> None:
        import_scipy()
        self._rng = LazyRandomState(seed)
        self._independent_sampler = independent_sampler or RandomSampler(seed=seed)
        self._intersection_search_space = IntersectionSearchSpace()
        self._n_startup_trials = n_startup_trials
        self._deterministic = deterministic_objective
        self._constraints_func = constraints_func
        self._warn_independent_sampling = warn_independent_sampling
        # Fitted kernel parameters, kept as warm starts for the next fit.
        self._objective_params: list[KernelParams] | None = None
        self._constraint_params: list[KernelParams] | None = None
        if constraints_func is not None:
            warnings.warn(
                "`constraints_func` has been deprecated in v5.0.0. This feature will be removed in v7.0.0. "
                "See https://github.com/optuna/optuna/releases/tag/v5.0.0. "
                "Use `optuna.trial.Trial.set_constraint` instead.",
                FutureWarning,
                stacklevel=2,
            )
        if deterministic_objective:
            warn_experimental_argument("deterministic_objective")
        self._n_preliminary_samples = 2048
        self._n_local_search = 10
        self._tol = 1e-4
        self._n_ehvi_samples = 128

    def reseed_rng(self) -> None:
        self._rng.rng.seed()
        self._independent_sampler.reseed_rng()

    def infer_relative_search_space(self, study: Study, trial: FrozenTrial) -> dict[str, BaseDistribution]:
        return {
            name: dist
            for name, dist in self._intersection_search_space.calculate(study).items()
            if not dist.single()
        }

    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        if not search_space:
            return {}
        trials = study._get_trials(
            deepcopy=False, states=(TrialState.COMPLETE, TrialState.RUNNING), use_cache=False
        )
        complete = [t for t in trials if t.state == TrialState.COMPLETE]
        if len(complete) < self._n_startup_trials:
            return {}
        running_params = [
            params
            for t in trials
            if t.state == TrialState.RUNNING
            and t.number != trial.number
            and search_space.keys() <= (params := _params_of(t)).keys()
        ]
        params = self._sample(study, complete, running_params, search_space)
        # Other workers read these while this trial runs, before its params are all suggested (Optuna's key).
        encoded = json.dumps(params)
        for i in range(0, len(encoded), _SYSTEM_ATTR_MAX_LENGTH):
            study._storage.set_trial_system_attr(
                trial._trial_id,
                f"{_RELATIVE_PARAMS_KEY}:{i // _SYSTEM_ATTR_MAX_LENGTH}",
                encoded[i : i + _SYSTEM_ATTR_MAX_LENGTH],
            )
        return params

    def _sample(
        self,
        study: Study,
        complete: list[FrozenTrial],
        running_params: list[dict[str, Any]],
        search_space: dict[str, BaseDistribution],
    ) -> dict[str, Any]:
        space = SearchSpace(search_space)
        X = space.normalize([t.params for t in complete])
        X_run = space.normalize(running_params) if running_params else None
        signs = np.array([1.0 if d == StudyDirection.MAXIMIZE else -1.0 for d in study.directions])
        Y, _, _ = standardize(signs * np.array([t.values for t in complete], dtype=float))
        gprs = self._fit(X, Y, space, self._objective_params)
        self._objective_params = [g.params for g in gprs]
        warm = self._warm_starts(complete, X, Y)
        acqf = self._acquisition(complete, gprs, space, X, Y, X_run)
        x, _ = optimize_acqf(
            acqf,
            space,
            self._rng.rng,
            warm_starts=warm,
            n_preliminary_samples=self._n_preliminary_samples,
            n_local_search=self._n_local_search,
            tol=self._tol,
        )
        return space.unnormalize(x)

    def _fit(
        self, X: np.ndarray, Y: np.ndarray, space: SearchSpace, cache: list[KernelParams] | None
    ) -> list[GPRegressor]:
        return [
            fit_kernel_params(
                X,
                Y[:, i],
                space.is_categorical,
                deterministic_objective=self._deterministic,
                warm_start=cache[i] if cache is not None and i < len(cache) else None,
            )
            for i in range(Y.shape[1])
        ]

    def _warm_starts(self, complete: list[FrozenTrial], X: np.ndarray, Y: np.ndarray) -> np.ndarray | None:
        """Local-search starts from the data: the best feasible trial, or part of the feasible Pareto front."""
        feasible = _constraint_values(complete)[1] if any(t.constraints for t in complete) else None
        X_feas, Y_feas = (X, Y) if feasible is None else (X[feasible], Y[feasible])
        if not len(Y_feas):
            return None
        if Y.shape[1] == 1:
            return X_feas[[int(np.argmax(Y_feas[:, 0]))]]
        front = X_feas[is_pareto_front(-Y_feas)]
        size = min(self._n_local_search // 2, len(front))
        chosen: np.ndarray = front[self._rng.rng.choice(len(front), size=size, replace=False)]
        return chosen

    def _acquisition(
        self,
        complete: list[FrozenTrial],
        gprs: list[GPRegressor],
        space: SearchSpace,
        X: np.ndarray,
        Y: np.ndarray,
        X_run: np.ndarray | None,
    ) -> acqf_module.AcquisitionFunction:
        """The acquisition for this study; running trials enter as observations at their predicted values."""
        feasible = np.ones(len(complete), dtype=bool)
        constraint_gprs: list[GPRegressor] = []
        thresholds: list[float] = []
        if any(t.constraints for t in complete):
            values, feasible = _constraint_values(complete)
            # A constraint c <= 0 is modelled as -c >= 0, standardised like the objectives.
            C, means, stds = standardize(-values)
            constraint_gprs = self._fit(X, C, space, self._constraint_params)
            self._constraint_params = [g.params for g in constraint_gprs]
            thresholds = [float(-m / max(_EPS, s)) for m, s in zip(means, stds)]
        if X_run is not None:
            # Kriging believer: the running trials will probably land near the model's mean, so the model
            # pretends they did; their variance collapses and the next point goes elsewhere.
            Y = np.vstack([Y, np.column_stack([g.posterior(X_run)[0] for g in gprs])])
            gprs = [believe(g, X_run) for g in gprs]
            if constraint_gprs:
                C_run = np.column_stack([g.posterior(X_run)[0] for g in constraint_gprs])
                feasible = np.concatenate([feasible, np.all(C_run >= thresholds, axis=1)])
                constraint_gprs = [believe(g, X_run) for g in constraint_gprs]
            else:
                feasible = np.ones(len(Y), dtype=bool)
        Y_feas = Y[feasible]
        objective: acqf_module.AcquisitionFunction | None
        if Y.shape[1] > 1:
            objective = None
            if len(Y_feas):
                seed = int(self._rng.rng.randint(_MAX_SEED))
                objective = acqf_module.LogEHVI(gprs, Y_feas, self._n_ehvi_samples, seed)
        else:
            threshold = float(Y_feas[:, 0].max()) if len(Y_feas) else -np.inf
            objective = acqf_module.LogEI(gprs[0], threshold)
        if not constraint_gprs:
            assert objective is not None
            return objective
        constraint_acqfs = [acqf_module.LogPI(g, t) for g, t in zip(constraint_gprs, thresholds)]
        scales = np.mean([g.length_scales for g in gprs], axis=0)
        return acqf_module.Constrained(objective, constraint_acqfs, scales)

    def sample_independent(
        self, study: Study, trial: FrozenTrial, param_name: str, param_distribution: BaseDistribution
    ) -> Any:
        if self._warn_independent_sampling:
            complete = study._get_trials(deepcopy=False, states=(TrialState.COMPLETE,), use_cache=True)
            if len(complete) >= self._n_startup_trials:
                _logger.warning(
                    _INDEPENDENT_SAMPLING_WARNING_TEMPLATE.format(
                        param_name=param_name,
                        trial_number=trial.number,
                        independent_sampler_name=self._independent_sampler.__class__.__name__,
                        sampler_name=self.__class__.__name__,
                        fallback_reason="dynamic search space is not supported by GPSampler",
                    )
                )
        return self._independent_sampler.sample_independent(study, trial, param_name, param_distribution)

    def before_trial(self, study: Study, trial: FrozenTrial) -> None:
        self._independent_sampler.before_trial(study, trial)

    def after_trial(
        self, study: Study, trial: FrozenTrial, state: TrialState, values: Sequence[float] | None
    ) -> None:
        if self._constraints_func is not None:
            _process_constraints_after_trial(self._constraints_func, study, trial, state)
        self._independent_sampler.after_trial(study, trial, state, values)


def _params_of(trial: FrozenTrial) -> dict[str, Any]:
    """A trial's params, completed for a running trial by the relative params its sampler recorded."""
    if trial.state.is_finished():
        return trial.params
    chunks: list[str] = []
    while (chunk := trial.system_attrs.get(f"{_RELATIVE_PARAMS_KEY}:{len(chunks)}")) is not None:
        chunks.append(chunk)
    if not chunks:
        return trial.params
    params: dict[str, Any] = json.loads("".join(chunks))
    params.update(trial.params)
    return params


def _constraint_values(trials: list[FrozenTrial]) -> tuple[np.ndarray, np.ndarray]:
    """The constraint matrix (trials x constraints, keys sorted) and the feasibility of each trial."""
    keys = sorted(trials[0].constraints)
    if any(sorted(t.constraints) != keys for t in trials):
        raise ValueError("The constraint names must be the same for all trials.")
    values = np.array([[t.constraints[k] for k in keys] for t in trials], dtype=float)
    return values, np.all(values <= 0.0, axis=1)
