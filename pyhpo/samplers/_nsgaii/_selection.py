"""NSGA-II survivor selection: non-domination rank first, crowding distance within a front."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from pyhpo._multi_objective import fast_non_domination_rank, get_constraints, loss_values

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from pyhpo._values import FrozenTrial
    from pyhpo.study import Study


__all__ = ["NSGAIIElitePopulationSelectionStrategy"]


def _is_constrained(population: Sequence[FrozenTrial]) -> bool:
    return any(get_constraints(t) for t in population)


def _penalties(population: Sequence[FrozenTrial]) -> np.ndarray:
    """Total constraint violation of each trial (0 when feasible or without constraints)."""
    penalties = np.zeros(len(population))
    for i, t in enumerate(population):
        constraints = np.asarray(get_constraints(t), dtype=float)
        if np.isnan(constraints).any():
            raise ValueError(f"Trial {t.number} has a NaN constraint value; constraints must be numbers.")
        penalties[i] = constraints[constraints > 0].sum()
    return penalties


def _crowding_distance(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Crowding distance of each row of ``(n, n_objectives)`` values (larger = more isolated).

    Per objective, a point's share is the gap between its two neighbours in sorted order,
    divided by the objective's finite range; the extreme points get an infinite distance. An
    objective on which every point ties contributes nothing; equal neighbours (including two
    infinities) contribute no gap.

    Ties are ordered as in Optuna, which sorts one list in place objective after objective: each
    objective's stable sort starts from the previous objective's order. That order is returned
    too, as the tie-break for selection.

    Returns:
        ``(distance, order)``: distances by row, and the row order after the last sort.
    """
    n, m = values.shape
    distance = np.zeros(n)
    order = np.arange(n)
    for i in range(m):
        order = order[np.argsort(values[order, i], kind="stable")]
        v = values[order, i]
        if n == 0 or v[0] == v[-1]:
            continue
        padded = np.concatenate(([-np.inf], v, [np.inf]))
        not_minus_inf = v[v != -np.inf]
        not_plus_inf = v[v != np.inf]
        v_min = not_minus_inf[0] if not_minus_inf.size else np.inf
        v_max = not_plus_inf[-1] if not_plus_inf.size else -np.inf
        width = v_max - v_min
        if not width > 0:
            width = 1.0
        upper, lower = padded[2:], padded[:-2]
        with np.errstate(invalid="ignore"):
            gaps = np.where(upper == lower, 0.0, upper - lower)
        distance[order] += gaps / width
    return distance, order


def _rank_population(
    population: Sequence[FrozenTrial], directions: Sequence[object], constrained: bool
) -> list[list[FrozenTrial]]:
    """The population split into fronts, best front first."""
    if not population:
        return []
    losses = loss_values(population, directions)  # type: ignore[arg-type]
    penalty = _penalties(population) if constrained else None
    ranks = fast_non_domination_rank(losses, penalty=penalty)
    fronts: list[list[FrozenTrial]] = [[] for _ in range(int(ranks.max()) + 1)]
    for trial, rank in zip(population, ranks):
        fronts[int(rank)].append(trial)
    return [f for f in fronts if f]


class NSGAIIElitePopulationSelectionStrategy:
    """Pick ``population_size`` survivors: whole fronts while they fit, then the most isolated
    (largest crowding distance) members of the first front that does not fit.

    Args:
        population_size: Number of survivors. At least 2.
        constraints_func: Unused here (constraint values are read from the trials); accepted
            for Optuna compatibility.
    """

    def __init__(
        self,
        *,
        population_size: int,
        constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None,
    ) -> None:
        if population_size < 2:
            raise ValueError(f"population_size must be >= 2, got {population_size}.")
        self._population_size = population_size
        self._constraints_func = constraints_func

    def __call__(self, study: Study, population: list[FrozenTrial]) -> list[FrozenTrial]:
        fronts = _rank_population(population, study.directions, _is_constrained(population))
        elite: list[FrozenTrial] = []
        for front in fronts:
            room = self._population_size - len(elite)
            if len(front) < room:
                elite.extend(front)
                continue
            # The front that reaches the size (even exactly) is ordered by crowding, as in Optuna.
            values = np.array([t.values for t in front], dtype=float)
            distance, order = _crowding_distance(values)
            # Most isolated first. Ties: Optuna's ascending stable sort then reversal.
            ranked = order[np.argsort(distance[order], kind="stable")][::-1]
            elite.extend(front[int(i)] for i in ranked[:room])
            break
        return elite
