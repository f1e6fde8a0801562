"""TPESampler: Tree-structured Parzen Estimator (Optuna's default sampler, same interface and defaults)."""

from __future__ import annotations

import functools
import json
import math
import threading
import weakref
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from pyhpo._experimental import warn_experimental_argument
from pyhpo._group_decomposed import GroupDecomposedSearchSpace
from pyhpo._runtime import LockFreePickle
from pyhpo.logging import get_logger
from pyhpo.samplers._base import (
    _INDEPENDENT_SAMPLING_WARNING_TEMPLATE,
    BaseSampler,
    _process_constraints_after_trial,
)
from pyhpo.samplers._lazy_random_state import LazyRandomState
from pyhpo.samplers._random import RandomSampler
from pyhpo.samplers._tpe import _kernel
from pyhpo.samplers._tpe._history import _encode, _History
from pyhpo.samplers._tpe.parzen_estimator import _Mixture, _Params, _ParzenEstimator, _Space
from pyhpo.search_space import IntersectionSearchSpace

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from pyhpo._values import FrozenTrial, TrialState
    from pyhpo.distributions import BaseDistribution
    from pyhpo.study import Study

__all__ = ["TPESampler", "default_gamma", "default_weights", "hyperopt_default_gamma"]

_logger = get_logger(__name__)

# Relative samples of RUNNING trials are shared through system attrs (Optuna's key and chunking, so
# that constant-liar workers of Optuna and pyhpo see each other's pending points).
_RELATIVE_PARAMS_KEY = "tpe:relative_params"
_SYSTEM_ATTR_MAX_LENGTH = 2045


def default_gamma(x: int) -> int:
    """Size of the good group for ``x`` finished trials: 10 %, at most 25 (single objective)."""
    return min(math.ceil(0.1 * x), 25)


def default_gamma_multiobjective(x: int) -> int:
    """Size of the good group for ``x`` finished trials: 10 %, uncapped (multi-objective)."""
    return math.ceil(0.1 * x)


def hyperopt_default_gamma(x: int) -> int:
    """Hyperopt's choice: ``ceil(0.25 * sqrt(x))``, at most 25."""
    return min(math.ceil(0.25 * math.sqrt(x)), 25)


def default_weights(x: int) -> np.ndarray:
    """Weights of ``x`` observations ordered by trial number: the newest 25 weigh 1, older ones ramp down."""
    if x == 0:
        return np.asarray([])
    if x <= 25:
        return np.ones(x)
    # A linear ramp from 1 / x up to 1 over the oldest x - 25, then flat.
    ramp = np.ones(x)
    if x > 26:
        ramp[: x - 25] = 1.0 / x + (1.0 - 1.0 / x) / (x - 26) * np.arange(x - 25)
    else:
        ramp[0] = 1.0 / x
    return ramp


class TPESampler(LockFreePickle, BaseSampler):
    """Sampler using the Tree-structured Parzen Estimator.

    For each proposal TPE splits the finished trials into a good group (the best ``gamma(n)``) and the
    rest, fits a Parzen estimator ``l(x)`` to the good parameters and ``g(x)`` to the rest, draws
    ``n_ei_candidates`` points from ``l`` and keeps the one with the largest ``l(x) / g(x)``. The first
    ``n_startup_trials`` trials are random.

    The algorithm, its defaults and its use of random numbers are Optuna's (5.x): with the same seed a
    study proposes the same parameters as with Optuna's TPESampler (to about 1e-7, from float rounding
    in our own numerics). For several objectives the good group is, as in Optuna's MOTPE, the best
    non-domination ranks, the last one cut by greedy hypervolume subset selection. Two deliberate
    differences: observations outside the current bounds of a parameter are clipped into them, and
    ``categorical_distance_func`` (from Optuna 4) is accepted.

    Args:
        consider_prior: Add a prior component (centre of the range, whole range as width) to each
            estimator. Always used when there are no observations.
        prior_weight: Weight of the prior component (also smooths categorical kernels).
        consider_magic_clip: Keep kernel widths above ``range / min(100, 1 + n_components)``.
        consider_endpoints: Let the outermost kernels measure their width to the bounds too.
        n_startup_trials: Sample randomly until this many trials are COMPLETE or PRUNED.
        n_ei_candidates: Candidates drawn from ``l(x)`` per proposal.
        gamma: ``n_finished -> size of the good group``; defaults to :func:`default_gamma` (single
            objective) or 10 % uncapped (multi-objective).
        weights: ``n -> weights`` of ``n`` observations ordered by trial number (:func:`default_weights`).
        seed: Seed of the random generator.
        multivariate: Model the intersection search space jointly (one kernel per trial over all its
            parameters). ``None`` means True for single-objective and False for multi-objective studies.
        group: With ``multivariate``, split the search space into groups of parameters that always occur
            together and model each group jointly (for conditional search spaces).
        warn_independent_sampling: Log a warning when a multivariate sampler samples a parameter
            independently.
        constant_liar: Count RUNNING trials as bad observations, so parallel workers spread out.
        constraints_func: ``FrozenTrial -> constraint values``; a value > 0 is a violation. Infeasible
            trials rank after all feasible ones. Evaluated after each COMPLETE or PRUNED trial.
        categorical_distance_func: ``{param_name: distance(choice_a, choice_b)}``; categorical kernels
            then give nearby choices more weight.
    """

    # Copies (n_jobs > 1 workers, spawned processes) get their own lock; the history caches refer to storages
    # and are rebuilt on demand, so copies start without them.
    _transient_: ClassVar[dict[str, Callable[[], Any]]] = {
        "_lock": threading.Lock,
        "_histories": dict,
        "_below_mixtures": dict,
    }

    def __init__(
        self,
        consider_prior: bool = True,
        prior_weight: float = 1.0,
        consider_magic_clip: bool = True,
        consider_endpoints: bool = False,
        n_startup_trials: int = 10,
        n_ei_candidates: int = 24,
        gamma: Callable[[int], int] | None = None,
        weights: Callable[[int], np.ndarray] = default_weights,
        seed: int | None = None,
        *,
        multivariate: bool | None = None,
        group: bool = False,
        warn_independent_sampling: bool = False,
        constant_liar: bool = True,
        constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None,
        categorical_distance_func: dict[str, Callable[[Any, Any], float]] | None = None,
    ) -> None:
        if not isinstance(n_startup_trials, int) or n_startup_trials < 0:
            raise ValueError(f"n_startup_trials must be a non-negative int, but got {n_startup_trials!r}.")
        if not isinstance(n_ei_candidates, int) or n_ei_candidates < 1:
            raise ValueError(f"n_ei_candidates must be a positive int, but got {n_ei_candidates!r}.")
        if group and multivariate is False:
            raise ValueError("``group`` option can only be enabled when ``multivariate`` is enabled.")
        if group:
            warn_experimental_argument("group")
        self._params = _Params(
            prior_weight, consider_prior, consider_magic_clip, consider_endpoints, categorical_distance_func
        )
        self._n_startup_trials = n_startup_trials
        self._n_ei_candidates = n_ei_candidates
        self._gamma = gamma
        self._weights = weights
        self._multivariate = multivariate
        self._group = group
        self._warn_independent_sampling = warn_independent_sampling
        self._constant_liar = constant_liar
        self._constraints_func = constraints_func
        self._rng = LazyRandomState(seed)
        self._random_sampler = RandomSampler(seed=seed)
        self._search_space = IntersectionSearchSpace(include_pruned=True)
        self._group_search_space = GroupDecomposedSearchSpace(include_pruned=True) if group else None
        self._groups: list[dict[str, BaseDistribution]] = []
        self._histories: dict[tuple[int, int], _History] = {}
        self._space_cache: dict[tuple[tuple[str, int], ...], tuple[tuple[BaseDistribution, ...], _Space]] = {}
        # The last good-group mixture per space: (space, its observations and weights as bytes, mixture).
        self._below_mixtures: dict[int, tuple[_Space, tuple[bytes, bytes], _Mixture]] = {}
        self._lock = threading.Lock()

    def reseed_rng(self) -> None:
        self._rng.rng.seed()
        self._random_sampler.reseed_rng()

    def _is_multivariate(self, study: Study) -> bool:
        if self._multivariate is not None:
            return self._multivariate
        return self._group or not study._is_multi_objective()

    # -- relative sampling -------------------------------------------------------------------------------

    def infer_relative_search_space(self, study: Study, trial: FrozenTrial) -> dict[str, BaseDistribution]:
        if not self._is_multivariate(study):
            return {}
        if self._group_search_space is not None:
            self._groups = self._group_search_space.calculate(study, use_cache=True)
            space: dict[str, BaseDistribution] = {}
            for sub in self._groups:
                space.update((n, d) for n, d in sorted(sub.items()) if not d.single())
            return space
        return {
            n: d for n, d in self._search_space.calculate(study, use_cache=True).items() if not d.single()
        }

    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        if not search_space:
            return {}
        history = self._sync(study)
        if len(history) < self._n_startup_trials:
            return {}
        params: dict[str, Any] = {}
        if self._group_search_space is not None:
            for sub in self._groups:
                sub_space = {n: d for n, d in sorted(sub.items()) if n in search_space and not d.single()}
                if sub_space:
                    params.update(self._sample(study, trial, sub_space, history))
        else:
            params = self._sample(study, trial, search_space, history)
        if params and self._constant_liar:
            text = json.dumps(params)
            for i in range(0, len(text), _SYSTEM_ATTR_MAX_LENGTH):
                study._storage.set_trial_system_attr(
                    trial._trial_id,
                    f"{_RELATIVE_PARAMS_KEY}:{i // _SYSTEM_ATTR_MAX_LENGTH}",
                    text[i : i + _SYSTEM_ATTR_MAX_LENGTH],
                )
        return params

    # -- independent sampling ----------------------------------------------------------------------------

    def sample_independent(
        self, study: Study, trial: FrozenTrial, param_name: str, param_distribution: BaseDistribution
    ) -> Any:
        history = self._sync(study)
        if len(history) < self._n_startup_trials or param_distribution.single():
            return self._random_sampler.sample_independent(study, trial, param_name, param_distribution)
        if (
            self._warn_independent_sampling
            and self._is_multivariate(study)
            and any(param_name in p for p in history.params)
        ):
            _logger.warning(
                _INDEPENDENT_SAMPLING_WARNING_TEMPLATE.format(
                    param_name=param_name,
                    trial_number=trial.number,
                    independent_sampler_name=self._random_sampler.__class__.__name__,
                    sampler_name=self.__class__.__name__,
                    fallback_reason=(
                        "`multivariate=True,group=False` does not support dynamic search space"
                        " (but `multivariate=True,group=True` works)"
                    ),
                )
            )
        return self._sample(study, trial, {param_name: param_distribution}, history)[param_name]

    # -- the TPE step ------------------------------------------------------------------------------------

    def _sync(self, study: Study) -> _History:
        storage = study._storage
        key = (id(storage), study._study_id)
        with self._lock:
            history = self._histories.get(key)
            if history is None or history.storage() is not storage:  # a new storage at a recycled address
                history = self._histories[key] = _History(weakref.ref(storage))
        with history.lock:
            history.scan(study._get_trials(deepcopy=False, use_cache=True), study.directions)
        return history

    def _gamma_func(self, study: Study) -> Callable[[int], int]:
        if self._gamma is not None:
            return self._gamma
        return default_gamma_multiobjective if study._is_multi_objective() else default_gamma

    def _sample(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution], history: _History
    ) -> dict[str, Any]:
        space = self._space_for(search_space)
        items = list(search_space.items())
        # Continuous parameters only: one call of the compiled kernel does the whole proposal.
        use_kernel = _kernel.enabled and space.all_continuous and not len(space.cat)
        pending = None
        if self._constant_liar and any(other.number != trial.number for other in history.running):
            raw_pending = self._pending_observations(study, trial, search_space, history.running)
            if len(raw_pending):
                pending = space.encode(raw_pending)
        with history.lock:
            below, order = history.split(study.directions, self._gamma_func(study))
            raw, complete = history.matrix(space, items)
            if order is None:  # rows are in trial-number order
                if complete:
                    below_rows, above_rows = np.flatnonzero(below), np.flatnonzero(~below)
                else:
                    present = ~np.isnan(raw).any(axis=1)
                    below_rows, above_rows = np.flatnonzero(below & present), np.flatnonzero(~below & present)
            else:
                in_order = below[order]
                if complete:
                    below_rows, above_rows = order[in_order], order[~in_order]
                else:
                    present = ~np.isnan(raw).any(axis=1)[order]
                    below_rows, above_rows = order[in_order & present], order[~in_order & present]
            obs_below = raw[below_rows]
            obs_above = raw[above_rows]
            above_orders = None
            if pending is None and len(above_rows) >= _SORTED_ROWS_MIN and not use_kernel:
                above_orders = _subset_orders(history, items, space, above_rows)
        if pending is not None:
            # Pending trials have the newest numbers in practice; keep them last (highest weight).
            obs_above = np.concatenate((obs_above, pending))

        if study._is_multi_objective():
            w_below = np.ones(len(obs_below))
        else:
            w_below = self._observation_weights(len(obs_below))
        w_above = self._observation_weights(len(obs_above))
        if use_kernel:
            best, samples = _kernel.propose(
                self._params, self._rng.rng, obs_below, w_below, obs_above, w_above, self._n_ei_candidates
            )
            if space.plain:
                return dict(zip(search_space, space.decode_row(samples[best])))
            values = space.decode(samples[best : best + 1])[0][0]
            return {
                name: dim.external(value)
                for name, dim, value in zip(search_space, space.dims, values.tolist())
            }
        # l(x) (group 0) and g(x) (group 1) are evaluated together. The good group often stays the same from
        # one trial to the next (a new trial is mostly not among the best), and then so does l(x).
        key = (obs_below.tobytes(), w_below.tobytes())
        kept = self._below_mixtures.get(id(space))
        if kept is not None and kept[0] is space and kept[1] == key:
            below_mixture = kept[2]
        else:
            below_mixture = _Mixture(space, obs_below, w_below, self._params)
            if len(self._below_mixtures) > 64:
                self._below_mixtures.clear()
            self._below_mixtures[id(space)] = (space, key, below_mixture)
        above_mixture = _Mixture(space, obs_above, w_above, self._params, above_orders)
        est = _ParzenEstimator.from_mixtures(space, [below_mixture, above_mixture])
        samples = est.sample(self._rng.rng, self._n_ei_candidates, group=0)
        if space.plain:
            # Continuous linear floats only: candidates need no snapping and no cell edges.
            log_l_g = est.log_pdf_groups(samples, (), _NO_CATEGORIES)
            best = int(np.argmax(log_l_g[:, 0] - log_l_g[:, 1]))
            return dict(zip(search_space, space.decode_row(samples[best])))
        values, grid_edges = space.decode(samples)
        log_l_g = est.log_pdf_groups(samples[:, space.cont], grid_edges, samples[:, space.cat])
        best = int(np.argmax(log_l_g[:, 0] - log_l_g[:, 1]))
        return {
            name: dim.external(value)
            for name, dim, value in zip(search_space, space.dims, values[best].tolist())
        }

    def _space_for(self, search_space: dict[str, BaseDistribution]) -> _Space:
        # Search spaces repeat from trial to trial with the very same distribution objects (they come from
        # the stored trials), so an identity-keyed cache avoids rebuilding and rehashing them.
        key = tuple((name, id(dist)) for name, dist in search_space.items())
        hit = self._space_cache.get(key)
        if hit is not None and all(a is b for a, b in zip(hit[0], search_space.values())):
            return hit[1]
        space = _Space(search_space)
        if len(self._space_cache) > 64:
            self._space_cache.clear()
        self._space_cache[key] = (tuple(search_space.values()), space)
        return space

    def _observation_weights(self, n: int) -> np.ndarray:
        if self._weights is not default_weights:
            return _call_weights(self._weights, n)
        return _cached_default_weights(n)

    def _pending_observations(
        self,
        study: Study,
        trial: FrozenTrial,
        search_space: dict[str, BaseDistribution],
        running: Sequence[FrozenTrial],
    ) -> np.ndarray:
        """Raw parameter rows of the other RUNNING trials that have every parameter of the space.

        ``running`` comes from the same per-trial snapshot of the study as the finished trials (Optuna
        rereads the storage here): trials started after this one asked are missed, but the view stays
        consistent and costs no extra read.
        """
        rows = []
        for other in sorted(running, key=lambda t: t.number):
            if other.number == trial.number:
                continue
            params = _running_params(other, self._is_multivariate(study))
            if search_space.keys() <= params.keys():
                row = [_encode(d, params[n]) for n, d in search_space.items()]
                if not any(math.isnan(v) for v in row):
                    rows.append(row)
        return np.array(rows, dtype=float).reshape(len(rows), len(search_space))

    # -- trial hooks -------------------------------------------------------------------------------------

    def before_trial(self, study: Study, trial: FrozenTrial) -> None:
        self._random_sampler.before_trial(study, trial)

    def after_trial(
        self, study: Study, trial: FrozenTrial, state: TrialState, values: Sequence[float] | None
    ) -> None:
        if self._constraints_func is not None:
            _process_constraints_after_trial(self._constraints_func, study, trial, state)
        self._random_sampler.after_trial(study, trial, state, values)

    @staticmethod
    def hyperopt_parameters() -> dict[str, Any]:
        """Keyword arguments that reproduce hyperopt 0.1.2's TPE settings."""
        return {
            "consider_prior": True,
            "prior_weight": 1.0,
            "consider_magic_clip": True,
            "consider_endpoints": False,
            "n_startup_trials": 20,
            "n_ei_candidates": 24,
            "gamma": hyperopt_default_gamma,
            "weights": default_weights,
        }


_NO_CATEGORIES = np.empty((0, 0))
_NO_CATEGORIES.setflags(write=False)

# From this many observations on, the bad group's columns are put in order by filtering the history's sorted
# rows (linear) instead of sorting them (n log n); below it sorting is cheaper than the bookkeeping.
_SORTED_ROWS_MIN = 256


def _subset_orders(
    history: _History, items: list[tuple[str, BaseDistribution]], space: _Space, rows: np.ndarray
) -> list[np.ndarray | None]:
    """Per numeric column of ``space``, the positions in ``rows`` sorted by that column's value.

    A column with equal values (or NaN) among ``rows`` gets None: ties must be ordered by the same sort as
    Optuna's, so the estimator sorts that column itself. Call with ``history.lock`` held.
    """
    position = np.full(len(history), -1, dtype=np.intp)
    position[rows] = np.arange(len(rows))
    out: list[np.ndarray | None] = []
    for j in space.numeric:
        name, dist = items[j]
        sorted_rows, sorted_values = history.sorted_rows(name, dist)
        at = position[sorted_rows]
        keep = at >= 0
        values = sorted_values[keep]
        out.append(at[keep] if np.all(values[1:] > values[:-1]) else None)
    return out


@functools.lru_cache(maxsize=1024)
def _cached_default_weights(n: int) -> np.ndarray:
    w = default_weights(n)
    w.setflags(write=False)  # shared between calls
    return w


def _running_params(trial: FrozenTrial, multivariate: bool) -> dict[str, Any]:
    """Parameters of a RUNNING trial: those set so far, plus its relative sample if it shared one."""
    if not multivariate:
        return trial.params
    attrs = trial.system_attrs
    chunks = []
    i = 0
    while (chunk := attrs.get(f"{_RELATIVE_PARAMS_KEY}:{i}")) is not None:
        chunks.append(chunk)
        i += 1
    if not chunks:
        return trial.params
    try:
        params = json.loads("".join(chunks))
    except json.JSONDecodeError:
        return trial.params  # another worker is still writing its chunks
    if not isinstance(params, dict):
        return trial.params
    params.update(trial.params)
    return params


def _call_weights(func: Callable[[int], np.ndarray], n: int) -> np.ndarray:
    w = np.asarray(func(n), dtype=float)[:n]
    if len(w) != n:
        raise ValueError(
            f"The `weights` function must return {n} values for {n} observations, but got {len(w)}."
        )
    if np.any(w < 0):
        raise ValueError(f"The `weights` function returned negative values {w} for {n} observations.")
    if n and not np.all(np.isfinite(w)):
        raise ValueError(f"The `weights` function returned infinite or NaN values {w} for {n} observations.")
    if n and w.sum() <= 0:
        raise ValueError(f"The `weights` function returned all-zero values {w} for {n} observations.")
    return w
