"""Grid search: every combination of the given candidate values, each evaluated once.

How the grid is shared between workers (threads, processes, machines), as in Optuna:

* The grid is the Cartesian product of the candidate lists, in a shuffled order fixed by
  ``seed`` (0 when not given), so every worker with the same arguments sees the same order.
* Trial number ``n`` takes grid point ``n`` while ``n`` is below the grid size. Trial numbers
  are unique within a study, so concurrent workers never collide on the first pass.
* Later trials (e.g. the study is resumed) pick at random among points that no trial has
  started, then among points not yet finished; when every point is finished a point is
  re-evaluated with a warning.
* The chosen point is stored as the system attributes ``grid_id`` and ``search_space`` (Optuna's
  keys), and :meth:`GridSampler.after_trial` stops the study once every point is finished.
"""

from __future__ import annotations

import math
import threading
import warnings
from collections.abc import Mapping, Sequence
from numbers import Real
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from pyhpo._runtime import LockFreePickle
from pyhpo._values import TrialState
from pyhpo.logging import get_logger
from pyhpo.samplers._base import BaseSampler
from pyhpo.samplers._lazy_random_state import LazyRandomState

if TYPE_CHECKING:
    from collections.abc import Callable

    from pyhpo._values import FrozenTrial
    from pyhpo.distributions import BaseDistribution
    from pyhpo.study import Study


__all__ = ["GridSampler"]

GridValueType = str | float | int | bool | None

_logger = get_logger(__name__)


def _grid_values_equal(a: Any, b: Any) -> bool:
    """Equality that treats NaN as equal to NaN (a NaN candidate must match itself)."""
    if a == b:
        return True
    return isinstance(a, Real) and isinstance(b, Real) and math.isnan(float(a)) and math.isnan(float(b))


class GridSampler(LockFreePickle, BaseSampler):
    """Sampler that evaluates each point of a grid of candidate values exactly once.

    Every parameter suggested by the objective must appear in ``search_space``; the
    distribution passed to ``suggest_*`` is only checked (a value outside it is used anyway,
    with a warning). When the grid is exhausted the study stops by itself, so ``n_trials`` may be
    omitted.

    Example:
        >>> import pyhpo
        >>> sampler = pyhpo.samplers.GridSampler({"x": [-1, 0, 1], "y": ["a", "b"]})
        >>> study = pyhpo.create_study(sampler=sampler)
        >>> study.optimize(lambda t: t.suggest_int("x", -1, 1) ** 2, n_trials=100)
        >>> len(study.trials)
        6

    Args:
        search_space: Parameter name -> candidate values (``str``, ``int``, ``float``, ``bool``
            or ``None``, so persistent storages can hold them). Each list must be non-empty.
        seed: Seed of the shuffle of the grid order (and of the random choice among unvisited
            points). Give every process the same seed in distributed runs.
    """

    _transient_: ClassVar[dict[str, Callable[[], Any]]] = {"_lock": threading.Lock}

    def __init__(self, search_space: Mapping[str, Sequence[GridValueType]], seed: int | None = None) -> None:
        if not isinstance(search_space, Mapping):
            raise TypeError(
                "search_space must be a mapping of parameter name -> list of candidate values, "
                f"got {type(search_space).__name__}."
            )
        space: dict[str, list[GridValueType]] = {}
        for name in sorted(search_space):
            values = search_space[name]
            if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
                raise TypeError(
                    f"The candidates of parameter {name!r} must be a list or tuple of values, "
                    f"got {type(values).__name__} {values!r}."
                )
            if len(values) == 0:
                raise ValueError(f"The candidates of parameter {name!r} are empty; give at least one value.")
            for value in values:
                _check_value(name, value)
            space[name] = list(values)

        self._search_space = space
        self._param_names = list(space)
        self._sizes = [len(v) for v in space.values()]
        self._n_min_trials = math.prod(self._sizes)
        # The grid order: a permutation of mixed-radix indices, decoded lazily per point.
        self._rng = LazyRandomState(seed or 0)
        self._order = np.arange(self._n_min_trials, dtype=np.int64)
        self._rng.rng.shuffle(self._order)
        self._lock = threading.Lock()
        # Grid ids of finished trials, by trial id: finished trials never change, so they are
        # read once. Keyed by (storage object, study id) to stay correct across studies.
        # Incremental scan state: trials before ``_scan_from`` (in the storage's number order) are
        # finished, so their grid points are folded into ``_visited`` once and never re-read.
        self._scan_key: tuple[int, int] | None = None
        self._scan_from = 0
        self._scan_last_number = -1
        self._visited = np.zeros(self._n_min_trials, dtype=bool)

    def reseed_rng(self) -> None:
        self._rng.rng.seed()

    def _grid_point(self, grid_id: int) -> tuple[GridValueType, ...]:
        """The parameter values (in sorted name order) of grid point ``grid_id``."""
        index = int(self._order[grid_id])
        values: list[GridValueType] = []
        for name, size in zip(reversed(self._param_names), reversed(self._sizes)):
            index, digit = divmod(index, size)
            values.append(self._search_space[name][digit])
        return tuple(reversed(values))

    def before_trial(self, study: Study, trial: FrozenTrial) -> None:
        # The grid point is fixed here and stored as a system attribute; the values are handed
        # out by sample_independent, where the distribution is known and can be checked.
        attrs = trial.system_attrs
        if "grid_id" in attrs or "fixed_params" in attrs:
            return  # a retried (heartbeat) or enqueued trial keeps its values
        if 0 <= trial.number < self._n_min_trials:
            grid_id = trial.number
        else:
            candidates = self._get_unvisited_grid_ids(study)
            if len(candidates) == 0:
                _logger.warning(
                    "`GridSampler` is re-evaluating a configuration because the grid has been "
                    "exhausted. This may happen due to a timing issue during distributed "
                    "optimization or when re-running optimizations on already finished studies."
                )
                candidates = np.arange(self._n_min_trials)
            # Random, so that concurrent workers rarely pick the same point.
            grid_id = int(self._rng.rng.choice(candidates))
        study._storage.set_trial_system_attr(trial._trial_id, "search_space", self._search_space)
        study._storage.set_trial_system_attr(trial._trial_id, "grid_id", grid_id)

    def infer_relative_search_space(self, study: Study, trial: FrozenTrial) -> dict[str, BaseDistribution]:
        return {}

    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        return {}

    def sample_independent(
        self, study: Study, trial: FrozenTrial, param_name: str, param_distribution: BaseDistribution
    ) -> Any:
        attrs = trial.system_attrs
        if "grid_id" not in attrs:
            # The snapshot may predate before_trial (which wrote grid_id); ask the storage.
            attrs = study._storage.get_trial_system_attrs(trial._trial_id)
        if "grid_id" not in attrs:
            raise ValueError("All parameters must be specified when using GridSampler with enqueue_trial.")
        if param_name not in self._search_space:
            raise ValueError(
                f"The parameter name, {param_name}, is not found in the given grid "
                f"(grid parameters: {self._param_names})."
            )
        grid_id = int(attrs["grid_id"])
        value = self._grid_point(grid_id)[self._param_names.index(param_name)]
        if not param_distribution._contains(param_distribution.to_internal_repr(value)):
            warnings.warn(
                f"The value `{value}` is out of range of the parameter `{param_name}`. "
                f"The value will be used but the actual distribution is: `{param_distribution}`.",
                stacklevel=2,
            )
        return value

    def after_trial(
        self, study: Study, trial: FrozenTrial, state: TrialState, values: Sequence[float] | None
    ) -> None:
        remaining = self._get_unvisited_grid_ids(study)
        if len(remaining) == 0:
            study.stop()
            return
        if len(remaining) == 1:
            grid_id = trial.system_attrs.get("grid_id")
            if grid_id is None:
                grid_id = study._storage.get_trial_system_attrs(trial._trial_id).get("grid_id")
            # This trial is the last unfinished point; it is about to finish.
            if grid_id == int(remaining[0]):
                study.stop()

    def is_exhausted(self, study: Study) -> bool:
        """Whether every grid point has been evaluated by a finished trial."""
        return len(self._get_unvisited_grid_ids(study)) == 0

    def _same_search_space(self, other: Any) -> bool:
        if not isinstance(other, Mapping) or set(other) != set(self._search_space):
            return False
        for name, mine in self._search_space.items():
            theirs = other[name]
            if len(theirs) != len(mine):
                return False
            if not all(_grid_values_equal(a, b) for a, b in zip(theirs, mine)):
                return False
        return True

    def _get_unvisited_grid_ids(self, study: Study) -> np.ndarray:
        """Grid points no trial has started; if none, those not finished yet.

        Costs time proportional to the trials after the oldest unfinished one, not to all trials.
        """

        # Read the storage directly: a study filtered by HyperbandPruner would hide trials.
        trials = study._storage.get_all_trials(study._study_id, deepcopy=False)
        key = (id(study._storage), study._study_id)
        started = np.zeros(self._n_min_trials, dtype=bool)
        with self._lock:
            prefix_changed = self._scan_from > 0 and (
                len(trials) < self._scan_from or trials[self._scan_from - 1].number != self._scan_last_number
            )
            if key != self._scan_key or prefix_changed:
                self._scan_key = key
                self._scan_from = 0
                self._scan_last_number = -1
                self._visited = np.zeros(self._n_min_trials, dtype=bool)
            in_prefix = True
            for t in trials[self._scan_from :]:
                finished = t.state.is_finished()
                grid_id = self._own_grid_id(t)
                if grid_id is not None:
                    if finished:
                        self._visited[grid_id] = True
                    elif t.state == TrialState.RUNNING:
                        started[grid_id] = True
                if finished and in_prefix:
                    self._scan_from += 1
                    self._scan_last_number = t.number
                else:
                    in_prefix = False
            visited = self._visited.copy()
        unvisited = np.flatnonzero(~visited & ~started)
        if unvisited.size == 0:
            unvisited = np.flatnonzero(~visited)
        return unvisited

    def _own_grid_id(self, trial: FrozenTrial) -> int | None:
        """The trial's grid point if it was drawn from this grid (same search space), else None."""
        attrs = trial.system_attrs
        if "grid_id" not in attrs or not self._same_search_space(attrs.get("search_space")):
            return None
        grid_id = int(attrs["grid_id"])
        return grid_id if 0 <= grid_id < self._n_min_trials else None


def _check_value(name: str, value: Any) -> None:
    if value is None or isinstance(value, (str, int, float, bool)):
        return
    warnings.warn(
        f"{name} contains a value with the type of {type(value)}, which is not supported by "
        "`GridSampler`. Please make sure a value is `str`, `int`, `float`, `bool` or `None` for "
        "persistent storage.",
        stacklevel=3,
    )
