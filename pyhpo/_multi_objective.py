"""Pareto dominance helpers shared by ``Study.best_trials`` and the NSGA-II sampler.

Everything here works on *loss values*: a ``(n_trials, n_objectives)`` float array in which
lower is better for every column. :func:`loss_values` turns trial values into that form by
negating the objectives that are maximized, so the dominance code never looks at directions.

Public entry points (private to the package, used across it):

* :func:`get_pareto_front_trials` -- the non-dominated COMPLETE trials of a list of trials
  (``Study.best_trials``).
* :func:`fast_non_domination_rank` -- the non-domination rank of every row of a loss array,
  optionally with constraint penalties (constrained NSGA-II), optionally stopping early.
* :func:`dominates` -- whether one trial dominates another.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from pyhpo._values import StudyDirection, TrialState

if TYPE_CHECKING:
    from collections.abc import Sequence

    from pyhpo._values import FrozenTrial


# Public names in a private module: the samplers and the study use them (Optuna's names had a leading underscore).
__all__ = [
    "dominates",
    "fast_non_domination_rank",
    "get_constraints",
    "get_pareto_front_trials",
    "is_pareto_front",
    "loss_values",
]

# System attribute under which ``constraints_func`` results are stored (Optuna's key). Newer
# Optuna versions may also store one constraint per key as ``"constraints:<name>"``.
_CONSTRAINTS_KEY = "constraints"


def _is_maximize(direction: Any) -> bool:
    return bool(direction == StudyDirection.MAXIMIZE)


def _is_complete(trial: FrozenTrial) -> bool:
    return trial.state == TrialState.COMPLETE


def _normalize_value(value: float | None, direction: StudyDirection) -> float:
    """Return ``value`` as a loss: negated when maximized, ``inf`` when missing."""
    if value is None:
        return float("inf")
    return -float(value) if _is_maximize(direction) else float(value)


def loss_values(trials: Sequence[FrozenTrial], directions: Sequence[StudyDirection]) -> np.ndarray:
    """Stack the values of finished trials into a ``(n_trials, n_objectives)`` loss array.

    Raises:
        ValueError: a trial has a number of values different from ``len(directions)``.
    """
    n_objectives = len(directions)
    for t in trials:
        if t.values is None or len(t.values) != n_objectives:
            raise ValueError(
                f"Trial {t.number} has values {t.values!r}, but the study has {n_objectives} "
                "objective(s); the number of values and the number of objectives must match."
            )
    if len(trials) == 0:
        return np.empty((0, n_objectives), dtype=float)
    values = np.array([t.values for t in trials], dtype=float)
    signs = np.array([-1.0 if _is_maximize(d) else 1.0 for d in directions])
    return np.asarray(values * signs)


def get_constraints(trial: FrozenTrial) -> list[float]:
    """Constraint values of a trial (empty if it has none), from either storage format."""
    attrs = trial.system_attrs
    constraints = list(attrs.get(_CONSTRAINTS_KEY) or [])
    prefix = _CONSTRAINTS_KEY + ":"
    constraints.extend(v for k, v in attrs.items() if k.startswith(prefix))
    return [float(c) for c in constraints]


def _get_feasible_trials(trials: Sequence[FrozenTrial]) -> list[FrozenTrial]:
    """Trials whose every constraint value is ``<= 0`` (trials without constraints count)."""
    return [t for t in trials if all(c <= 0.0 for c in get_constraints(t))]


def get_pareto_front_trials(
    trials: Sequence[FrozenTrial],
    directions: Sequence[StudyDirection],
    consider_constraint: bool = False,
) -> list[FrozenTrial]:
    """Return the COMPLETE trials that no other COMPLETE trial dominates, in input order.

    Trials with identical values are all kept (none of them dominates the other). With
    ``consider_constraint``, infeasible trials are dropped first, as Optuna does.

    Args:
        trials: Trials of one study, in any state; only COMPLETE ones are considered.
        directions: The study's directions, one per objective.
        consider_constraint: Keep only trials whose constraints are all ``<= 0``.

    Returns:
        The Pareto-optimal trials, in the order they appear in ``trials``.
    """
    complete = [t for t in trials if _is_complete(t)]
    if consider_constraint:
        complete = _get_feasible_trials(complete)
    if not complete:
        return []
    on_front = is_pareto_front(loss_values(complete, directions))
    return [t for t, keep in zip(complete, on_front) if keep]


# Optuna's name for the same function.
_get_pareto_front_trials_by_trials = get_pareto_front_trials


def dominates(trial0: FrozenTrial, trial1: FrozenTrial, directions: Sequence[StudyDirection]) -> bool:
    """Whether ``trial0`` dominates ``trial1``.

    A COMPLETE trial dominates any unfinished or failed one; an incomplete trial dominates
    nothing. Between COMPLETE trials: no worse in every objective and better in at least one.
    """
    if not _is_complete(trial0):
        return False
    if not _is_complete(trial1):
        return True
    v0, v1 = trial0.values, trial1.values
    assert v0 is not None and v1 is not None
    if len(v0) != len(v1):
        raise ValueError(
            f"Trials {trial0.number} and {trial1.number} have {len(v0)} and {len(v1)} values; "
            "trials with different numbers of objectives cannot be compared."
        )
    if len(v0) != len(directions):
        raise ValueError(f"The trials have {len(v0)} values but there are {len(directions)} directions.")
    loss0 = np.array([_normalize_value(v, d) for v, d in zip(v0, directions)])
    loss1 = np.array([_normalize_value(v, d) for v, d in zip(v1, directions)])
    return bool(np.all(loss0 <= loss1) and np.any(loss0 < loss1))


def _front_of_unique_sorted(points: np.ndarray) -> np.ndarray:
    """Non-dominated mask for distinct rows sorted lexicographically (column 0 first).

    Sorting guarantees a row can only be dominated by rows *before* it, so the first remaining
    row is always on the front; every row it dominates is then dropped in one vectorised step.
    """
    n, m = points.shape
    on_front = np.zeros(n, dtype=bool)
    if n == 0:
        return on_front
    if m == 1:
        on_front[0] = True
        return on_front
    if m == 2:
        # A row is on the front iff its second loss beats every earlier row's second loss.
        best_before = np.minimum.accumulate(points[:, 1])
        on_front[0] = True
        on_front[1:] = points[1:, 1] < best_before[:-1]
        return on_front
    rest = points[:, 1:]  # column 0 is sorted, so it cannot break a tie in favour of a later row
    candidates = np.arange(n)
    while candidates.size:
        head = candidates[0]
        on_front[head] = True
        # Rows strictly better than ``head`` somewhere survive; the rest are dominated by it
        # (they are distinct from and sorted after ``head``).
        candidates = candidates[np.any(rest[candidates] < rest[head], axis=1)]
    return on_front


def is_pareto_front(loss_values: np.ndarray, assume_unique_lexsorted: bool = False) -> np.ndarray:
    """Boolean mask of the rows of ``loss_values`` that no other row dominates.

    Duplicated rows share the verdict. ``assume_unique_lexsorted`` skips the ``np.unique``
    pass when the caller already has distinct, lexicographically sorted rows.
    """
    loss_values = np.asarray(loss_values, dtype=float)
    if loss_values.ndim != 2:
        raise ValueError(f"loss_values must be 2-D (n_trials, n_objectives), got {loss_values.shape}.")
    if assume_unique_lexsorted:
        return _front_of_unique_sorted(loss_values)
    unique, inverse = np.unique(loss_values, axis=0, return_inverse=True)
    return _front_of_unique_sorted(unique)[inverse.reshape(-1)]


def _calculate_nondomination_rank(loss_values: np.ndarray, *, n_below: int | None = None) -> np.ndarray:
    """Rank of each row: 0 for the Pareto front, 1 for the front once rank 0 is removed, ...

    Peeling stops as soon as at least ``n_below`` rows have a rank; the remaining rows all get
    the next rank (correct relative order above ``n_below``, a lower bound below it).
    """
    loss_values = np.asarray(loss_values, dtype=float)
    n = len(loss_values)
    if n == 0 or (n_below is not None and n_below <= 0):
        return np.zeros(n, dtype=int)
    if loss_values.shape[1] == 1:
        # One objective: the rank is the position among the distinct values.
        return np.unique(loss_values[:, 0], return_inverse=True)[1].reshape(-1).astype(int)

    unique, inverse = np.unique(loss_values, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    # Number of rows (with multiplicity) behind each unique row, so n_below counts trials.
    counts = np.bincount(inverse, minlength=len(unique))
    target = n if n_below is None else min(n_below, n)

    ranks = np.zeros(len(unique), dtype=int)
    remaining = np.arange(len(unique))
    ranked = 0
    rank = 0
    while remaining.size and ranked < target:
        front = _front_of_unique_sorted(unique[remaining])
        ranks[remaining[front]] = rank
        ranked += int(counts[remaining[front]].sum())
        remaining = remaining[~front]
        rank += 1
    ranks[remaining] = rank
    return ranks[inverse]


def fast_non_domination_rank(
    loss_values: np.ndarray,
    *,
    penalty: np.ndarray | None = None,
    n_below: int | None = None,
) -> np.ndarray:
    """Non-domination rank with constrained-NSGA-II handling of penalties.

    Feasible rows (``penalty <= 0``) are ranked first by Pareto dominance of their losses.
    Infeasible rows (``penalty > 0``) follow, ordered by their penalty alone (smaller is
    better). Rows with a NaN penalty (no constraints recorded) rank after every other row.

    Args:
        loss_values: ``(n, n_objectives)`` losses (lower is better).
        penalty: Optional ``(n,)`` sum of constraint violations.
        n_below: Stop once this many rows are ranked (see
            :func:`_calculate_nondomination_rank`).

    Returns:
        ``(n,)`` integer ranks, 0 for the best front.
    """
    loss_values = np.asarray(loss_values, dtype=float)
    n = len(loss_values)
    if n == 0:
        return np.zeros(0, dtype=int)
    if n_below is not None and n_below <= 0:
        raise ValueError(f"n_below must be a positive integer or None, got {n_below}.")
    if penalty is None:
        return _calculate_nondomination_rank(loss_values, n_below=n_below)

    penalty = np.asarray(penalty, dtype=float)
    if penalty.shape != (n,):
        raise ValueError(f"penalty must have shape ({n},) to match loss_values, got {penalty.shape}.")
    budget = n if n_below is None else n_below
    ranks = np.zeros(n, dtype=int)
    feasible = penalty <= 0
    infeasible = penalty > 0
    unknown = np.isnan(penalty)

    ranks[feasible] = _calculate_nondomination_rank(loss_values[feasible], n_below=budget)
    next_rank = int(ranks[feasible].max(initial=-1)) + 1
    budget -= int(feasible.sum())
    ranks[infeasible] = next_rank + _calculate_nondomination_rank(
        penalty[infeasible][:, None], n_below=budget
    )
    next_rank = int(ranks[feasible | infeasible].max(initial=-1)) + 1
    ranks[unknown] = next_rank
    return ranks
