"""Percentile pruning: stop a trial whose best value so far is worse than a percentile of its peers.

The peers are the COMPLETE trials of the study, compared at the step the trial just reported.
Those trials never change again, so their intermediate values are kept in a per-pruner cache
indexed by step and only newly completed trials are added: a pruning decision costs one
``np.nanpercentile`` over one step's values, not a Python loop over every trial.
"""

from __future__ import annotations

import math
import threading
from typing import TYPE_CHECKING, Any

import numpy as np

from pyhpo._values import StudyDirection, TrialState
from pyhpo.pruners._base import BasePruner

if TYPE_CHECKING:
    from collections.abc import Iterable

    from pyhpo._values import FrozenTrial
    from pyhpo.study import Study


__all__ = ["PercentilePruner"]


def _check_int_at_least(name: str, value: Any, minimum: int, too_small: str | None = None) -> int:
    """Validate an integer argument, naming it and the accepted range in the error.

    ``too_small`` is the ValueError message for a value below ``minimum`` (formatted with ``value``): Optuna's
    words for that argument, where Optuna checks it. A value that is not an int at all is pyhpo's own TypeError
    (Optuna compares it and fails later, or not at all).
    """
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int >= {minimum}, got {value!r}.")
    if value < minimum:
        if too_small is not None:
            raise ValueError(too_small.format(value=value))
        raise ValueError(f"{name} must be >= {minimum}, got {value}.")
    return int(value)


def _last_step(trial: FrozenTrial) -> int | None:
    """The largest step the trial reported, or ``None`` if it reported nothing."""
    values = trial.intermediate_values
    return max(values) if values else None


def _is_first_in_interval_step(
    step: int, intermediate_steps: Iterable[int], n_warmup_steps: int, interval_steps: int
) -> bool:
    """Whether ``step`` is the first report at or after the latest pruning checkpoint.

    Checkpoints are ``n_warmup_steps + k * interval_steps``. A check that found no report is
    postponed to the next report, so the test is: the previous reported step lies before the
    checkpoint that ``step`` falls behind.
    """
    checkpoint = (step - n_warmup_steps) // interval_steps * interval_steps + n_warmup_steps
    previous = max((s for s in intermediate_steps if s != step), default=-1)
    return previous < checkpoint


def _best_intermediate_value(trial: FrozenTrial, maximize: bool) -> float:
    """The trial's best reported value, NaN if every reported value is NaN."""
    values = np.fromiter(trial.intermediate_values.values(), dtype=float)
    finite = values[~np.isnan(values)]
    if finite.size == 0:
        return math.nan
    return float(finite.max() if maximize else finite.min())


class _CompletedStepValues:
    """Intermediate values of a study's COMPLETE trials, grouped by step, grown incrementally.

    Finished trials are immutable, so the cache only has to notice trials it has not seen. For
    each step it keeps the number of values (NaN included, for ``n_min_trials``) and the sorted
    non-NaN values, so a percentile is an O(1) lookup. It is keyed by (storage object, study
    id); using the pruner with another study resets it.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[int, int] | None = None
        self._seen: set[int] = set()
        self._by_step: dict[int, list[float]] = {}
        self._sorted: dict[int, tuple[int, np.ndarray]] = {}

    def values_at(self, study: Study, completed: list[FrozenTrial], step: int) -> tuple[int, np.ndarray]:
        """``(count including NaN, sorted non-NaN values)`` reported at ``step``."""
        key = (id(study._storage), study._study_id)
        with self._lock:
            if key != self._key:
                self._key = key
                self._seen = set()
                self._by_step = {}
                self._sorted = {}
            if len(completed) != len(self._seen):
                for t in completed:
                    if t._trial_id in self._seen:
                        continue
                    self._seen.add(t._trial_id)
                    for s, v in t.intermediate_values.items():
                        self._by_step.setdefault(s, []).append(v)
                        self._sorted.pop(s, None)
            entry = self._sorted.get(step)
            if entry is None:
                values = np.asarray(self._by_step.get(step, ()), dtype=float)
                entry = (values.size, np.sort(values[~np.isnan(values)]))
                self._sorted[step] = entry
            return entry


def _percentile_of_sorted(values: np.ndarray, q: float) -> float:
    """``np.percentile(values, q)`` (linear method) for an already sorted, non-empty array."""
    position = q / 100.0 * (values.size - 1)
    lo = math.floor(position)
    hi = min(lo + 1, values.size - 1)
    t = position - lo
    a, b = float(values[lo]), float(values[hi])
    # Same interpolation form as numpy's, for identical rounding.
    return b - (b - a) * (1.0 - t) if t >= 0.5 else a + (b - a) * t


class PercentilePruner(BasePruner):
    """Prune a trial whose best value so far is outside the best ``percentile`` of its peers.

    At each pruning check the trial's best reported value (min for minimization, max for
    maximization) is compared with the ``percentile``-th percentile of the values that the
    COMPLETE trials reported at the same step; 25.0 keeps trials in the top quarter. NaNs among
    the peers are ignored; a trial that reported only NaNs is pruned.

    Args:
        percentile: Percentile in ``[0, 100]`` of the trials to keep.
        n_startup_trials: No pruning until this many trials have completed.
        n_warmup_steps: No pruning at steps below this; the first check is at this step.
        interval_steps: Steps between checks, counted from ``n_warmup_steps``; a check with no
            report at its step happens at the next report. At least 1.
        n_min_trials: No pruning at a step for which fewer than this many COMPLETE trials have
            a value. At least 1.
    """

    def __init__(
        self,
        percentile: float,
        n_startup_trials: int = 5,
        n_warmup_steps: int = 0,
        interval_steps: int = 1,
        *,
        n_min_trials: int = 1,
    ) -> None:
        try:
            as_float = float(percentile)
        except (TypeError, ValueError):
            raise TypeError(f"percentile must be a float in [0, 100], got {percentile!r}.") from None
        if not 0.0 <= as_float <= 100.0:
            raise ValueError(f"Percentile must be between 0 and 100 inclusive, but got {percentile=}.")
        self._percentile = as_float
        # Optuna's messages, in Optuna's order of checks.
        self._n_startup_trials = _check_int_at_least(
            "n_startup_trials",
            n_startup_trials,
            0,
            "Number of startup trials cannot be negative, but got n_startup_trials={value}.",
        )
        self._n_warmup_steps = _check_int_at_least(
            "n_warmup_steps",
            n_warmup_steps,
            0,
            "Number of warmup steps cannot be negative, but got n_warmup_steps={value}.",
        )
        self._interval_steps = _check_int_at_least(
            "interval_steps",
            interval_steps,
            1,
            "Pruning interval steps must be at least 1, but got interval_steps={value}.",
        )
        self._n_min_trials = _check_int_at_least(
            "n_min_trials",
            n_min_trials,
            1,
            "Number of trials for pruning must be at least 1, but got n_min_trials={value}.",
        )
        self._cache = _CompletedStepValues()

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        del state["_cache"]  # holds a lock; rebuilt on demand
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._cache = _CompletedStepValues()

    def prune(self, study: Study, trial: FrozenTrial) -> bool:
        completed = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
        if len(completed) == 0 or len(completed) < self._n_startup_trials:
            return False
        step = _last_step(trial)
        if step is None or step < self._n_warmup_steps:
            return False
        if not _is_first_in_interval_step(
            step, trial.intermediate_values.keys(), self._n_warmup_steps, self._interval_steps
        ):
            return False

        maximize = study.direction == StudyDirection.MAXIMIZE
        best = _best_intermediate_value(trial, maximize)
        if math.isnan(best):
            return True

        count, peers = self._cache.values_at(study, completed, step)
        if count < self._n_min_trials or peers.size == 0:
            return False
        if maximize:
            return best < _percentile_of_sorted(peers, 100.0 - self._percentile)
        return best > _percentile_of_sorted(peers, self._percentile)
