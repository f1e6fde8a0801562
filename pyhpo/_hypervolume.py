"""Hypervolume and greedy hypervolume subset selection, for multi-objective samplers.

All inputs are *losses* (lower is better in every column) and a reference point that every
loss vector must weakly dominate.

* :func:`compute_hypervolume`: the Lebesgue measure of the region dominated by the points and
  bounded by the reference point. Exact: sweeps in 2-D and 3-D, and the WFG recursion (While, Bradstreet
  & Barone 2012) in higher dimensions -- the volume of a set is the sum, over points taken in
  order, of each point's box minus the volume the later points already cover inside that box.
* :func:`solve_hssp`: choose ``k`` of the points whose union hypervolume is large, greedily
  adding the point with the largest exclusive contribution (a ``1 - 1/e`` approximation;
  Guerreiro, Fonseca & Paquete 2016). Multi-objective TPE uses it to cut the last front.
"""

from __future__ import annotations

import numpy as np

from pyhpo._multi_objective import is_pareto_front

__all__ = ["compute_hypervolume", "solve_hssp"]


def _front_sorted(points: np.ndarray) -> np.ndarray:
    """The distinct non-dominated rows, sorted lexicographically."""
    unique = np.unique(points, axis=0)
    return np.asarray(unique[is_pareto_front(unique, assume_unique_lexsorted=True)])


def _hv_2d(front: np.ndarray, reference: np.ndarray) -> float:
    # Sorted by the first loss ascending, a front's second loss is descending: sum the slabs.
    xs, ys = front[:, 0], front[:, 1]
    widths = np.append(xs[1:], reference[0]) - xs
    return float(np.sum(widths * (reference[1] - ys)))


def _hv_3d(front: np.ndarray, reference: np.ndarray) -> float:
    """Sweep along the third loss: each slab's area is the 2-D hypervolume of the points below it."""
    order = np.argsort(front[:, 2], kind="stable")
    points = front[order]
    tops = np.append(points[1:, 2], reference[2])
    total = 0.0
    for i in range(len(points)):
        thickness = tops[i] - points[i, 2]
        if thickness > 0:
            total += thickness * _hv_2d(_front_sorted(points[: i + 1, :2]), reference[:2])
    return total


def _hv_wfg(front: np.ndarray, reference: np.ndarray) -> float:
    """Hypervolume of a lexsorted, non-dominated set in any dimension (WFG recursion)."""
    n, m = front.shape
    if n == 0:
        return 0.0
    if m == 2:
        return _hv_2d(front, reference)
    if m == 3:
        return _hv_3d(front, reference)
    if n == 1:
        return float(np.prod(reference - front[0]))
    total = 0.0
    for i in range(n):
        total += _exclusive_hv(front[i], front[i + 1 :], reference)
    return total


def _exclusive_hv(point: np.ndarray, others: np.ndarray, reference: np.ndarray) -> float:
    """Volume dominated by ``point`` and by none of ``others``."""
    inclusive = float(np.prod(reference - point))
    if len(others) == 0:
        return inclusive
    # The part of the others' region inside point's box is the region of the "limited" points.
    limited = _front_sorted(np.maximum(others, point))
    return inclusive - _hv_wfg(limited, reference)


def compute_hypervolume(
    loss_vals: np.ndarray, reference_point: np.ndarray, assume_pareto: bool = False
) -> float:
    """Hypervolume of ``loss_vals`` (``(n, m)``) with respect to ``reference_point`` (``(m,)``).

    Args:
        loss_vals: Loss vectors; every one must be ``<= reference_point`` componentwise.
        reference_point: The reference (nadir) point; infinite coordinates give ``inf``.
        assume_pareto: The rows are already distinct and mutually non-dominated (skips a filter).

    Raises:
        ValueError: A point does not weakly dominate the reference point, or shapes disagree.
    """
    loss_vals = np.asarray(loss_vals, dtype=float)
    reference_point = np.asarray(reference_point, dtype=float)
    if loss_vals.ndim != 2 or reference_point.shape != (loss_vals.shape[1],):
        raise ValueError(
            f"loss_vals must be (n, m) and reference_point (m,); got {loss_vals.shape} and "
            f"{reference_point.shape}."
        )
    if not np.all(loss_vals <= reference_point):
        raise ValueError(
            "All points must dominate or equal the reference point, i.e. loss_vals[i] <= "
            f"reference_point componentwise; reference_point={reference_point.tolist()}."
        )
    if not np.all(np.isfinite(reference_point)):
        return float("inf")
    if loss_vals.shape[0] == 0:
        return 0.0
    if loss_vals.shape[1] == 1:
        return float(reference_point[0] - loss_vals[:, 0].min())
    if assume_pareto:
        front = loss_vals[np.lexsort(loss_vals.T[::-1])]
    else:
        front = _front_sorted(loss_vals)
    return _hv_wfg(front, reference_point)


def solve_hssp(
    rank_i_loss_vals: np.ndarray,
    rank_i_indices: np.ndarray,
    subset_size: int,
    reference_point: np.ndarray,
) -> np.ndarray:
    """Pick ``subset_size`` of ``rank_i_indices`` whose losses cover a large hypervolume.

    Distinct loss vectors are preferred; duplicates fill up only when there are fewer distinct
    vectors than ``subset_size``. With an infinite reference point every choice is equally
    good and the first indices are returned.

    Args:
        rank_i_loss_vals: ``(n, m)`` losses (typically one non-domination rank).
        rank_i_indices: ``(n,)`` labels returned for the chosen rows.
        subset_size: How many to choose, ``<= n``.
        reference_point: ``(m,)`` reference point dominated by every row.
    """
    rank_i_loss_vals = np.asarray(rank_i_loss_vals, dtype=float)
    rank_i_indices = np.asarray(rank_i_indices)
    n = len(rank_i_indices)
    if not 0 <= subset_size <= n:
        raise ValueError(f"subset_size must be in [0, {n}], got {subset_size}.")
    if subset_size == n:
        return rank_i_indices
    unique, first_rows = np.unique(rank_i_loss_vals, axis=0, return_index=True)
    if len(unique) < subset_size:
        chosen = np.zeros(n, dtype=bool)
        chosen[first_rows] = True
        chosen[np.flatnonzero(~chosen)[: subset_size - len(unique)]] = True
        return rank_i_indices[chosen]
    if not np.all(np.isfinite(reference_point)):
        return rank_i_indices[first_rows[:subset_size]]

    reference_point = np.asarray(reference_point, dtype=float)
    selected: list[int] = []
    remaining = list(range(len(unique)))
    # Upper bounds on contributions shrink as points are added, so a stale bound that still
    # beats every fresh contribution is exact enough to skip recomputation (lazy greedy).
    bounds = np.prod(reference_point - unique, axis=1)
    fresh = np.ones(len(unique), dtype=bool)
    for _ in range(subset_size):
        while True:
            candidates = np.array(remaining)
            best = int(candidates[np.argmax(bounds[candidates])])
            if fresh[best]:
                break
            chosen_points = unique[selected]
            bounds[best] = _exclusive_hv(unique[best], chosen_points, reference_point)
            fresh[best] = True
        selected.append(best)
        remaining.remove(best)
        fresh[:] = False
    return rank_i_indices[first_rows[selected]]
