"""NSGA-III (Deb & Jain 2014): NSGA-II with reference-point niching instead of crowding distance.

Survivors are chosen front by front as in NSGA-II. The front that does not fit is cut by
*niching*: the objectives of the survivors and of that front are normalised (ideal point at the
origin, extreme points scaled to 1 via an achievement scalarising function), every point is
associated with the closest reference direction (by perpendicular distance), and points are
taken one at a time for the least crowded reference direction that still has candidates. That
keeps many-objective fronts spread out where crowding distance stops working.
"""

from __future__ import annotations

from itertools import combinations_with_replacement
from typing import TYPE_CHECKING, Any

import numpy as np

from pyhpo._experimental import experimental_class
from pyhpo._multi_objective import loss_values
from pyhpo.samplers._lazy_random_state import LazyRandomState
from pyhpo.samplers._nsgaii._sampler import NSGAIISampler
from pyhpo.samplers._nsgaii._selection import _is_constrained, _penalties, _rank_population

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from pyhpo._values import FrozenTrial, TrialState
    from pyhpo.distributions import BaseDistribution
    from pyhpo.samplers._nsgaii._crossovers import BaseCrossover
    from pyhpo.samplers._nsgaii._mutations import BaseMutation
    from pyhpo.study import Study


__all__ = ["NSGAIIISampler"]

# Infinite objective values are clipped this many ranges beyond the finite ones.
_INF_MARGIN = 3.0


def _simplex_lattice(n_objectives: int, divisions: int) -> np.ndarray:
    """Das & Dennis reference points: all vectors of multiples of 1/divisions summing to 1."""
    points = [
        np.bincount(np.array(combo, dtype=int), minlength=n_objectives) / divisions
        for combo in combinations_with_replacement(range(n_objectives), divisions)
    ]
    return np.array(points, dtype=float)


def _clip_infinite(losses: np.ndarray) -> np.ndarray:
    """Replace infinite losses by values ``_INF_MARGIN`` finite ranges beyond the finite ones."""
    finite = np.isfinite(losses)
    has_finite = finite.any(axis=0)
    high = np.where(has_finite, np.where(finite, losses, -np.inf).max(axis=0), 0.0)
    low = np.where(has_finite, np.where(finite, losses, np.inf).min(axis=0), 0.0)
    margin = _INF_MARGIN * (high - low)
    return np.asarray(np.clip(losses, low - margin, high + margin))


def _normalize(losses: np.ndarray) -> np.ndarray:
    """Translate to the ideal point and scale by the intercepts of the extreme points' plane."""
    translated = losses - losses.min(axis=0)
    m = translated.shape[1]
    # Extreme point of axis i: minimiser of max_j(f_j / w_ij), w = e_i with tiny off-axis weights.
    weights = np.full((m, m), 1e-6)
    np.fill_diagonal(weights, 1.0)
    asf = np.max(translated[None, :, :] / weights[:, None, :], axis=2)  # (axis, point)
    extremes = translated[np.argmin(asf, axis=1)]
    intercepts = None
    if np.linalg.matrix_rank(extremes) == m:
        solution = np.linalg.solve(extremes, np.ones(m))
        if np.all(solution > 0) and np.all(np.isfinite(solution)):
            intercepts = 1.0 / solution
    if intercepts is None:
        intercepts = translated.max(axis=0)
    intercepts = np.where(intercepts > 1e-12, intercepts, 1.0)
    return np.asarray(translated / intercepts)


def _associate(points: np.ndarray, references: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index of the closest reference direction of every point and the perpendicular distance."""
    directions = references / np.linalg.norm(references, axis=1, keepdims=True)
    projections = points @ directions.T  # (point, reference) length along each direction
    squared = np.sum(points**2, axis=1, keepdims=True) - projections**2
    distances = np.sqrt(np.maximum(squared, 0.0))
    closest = np.argmin(distances, axis=1)
    return closest, distances[np.arange(len(points)), closest]


def _niche_select(
    n_select: int,
    n_elite: int,
    closest: np.ndarray,
    distance: np.ndarray,
    n_references: int,
    rng: np.random.RandomState,
) -> list[int]:
    """Pick ``n_select`` of the last front (rows ``n_elite:``) by least-crowded reference direction."""
    niche_count = np.bincount(closest[:n_elite], minlength=n_references)
    candidates: dict[int, list[int]] = {}
    for row in range(n_elite, len(closest)):
        candidates.setdefault(int(closest[row]), []).append(row)
    chosen: list[int] = []
    while len(chosen) < n_select:
        open_refs = np.array(sorted(candidates))
        counts = niche_count[open_refs]
        least = open_refs[counts == counts.min()]
        ref = int(least[rng.randint(len(least))])
        members = candidates[ref]
        if niche_count[ref] == 0:
            pick = min(members, key=lambda row: (distance[row], row))  # closest to the direction
        else:
            pick = members[rng.randint(len(members))]
        members.remove(pick)
        if not members:
            del candidates[ref]
        niche_count[ref] += 1
        chosen.append(pick - n_elite)
    return chosen


class NSGAIIIElitePopulationSelectionStrategy:
    """NSGA-III survivor selection (whole fronts, then reference-point niching).

    Args:
        population_size: Number of survivors. At least 2.
        constraints_func: Accepted for Optuna compatibility; constraints are read from trials.
        reference_points: ``(n_points, n_objectives)`` reference directions (non-negative, not
            all zero); default: the Das-Dennis lattice with ``dividing_parameter`` divisions.
        dividing_parameter: Divisions of the default lattice. At least 1.
        rng: Random state for tie-breaking.
    """

    def __init__(
        self,
        *,
        population_size: int,
        rng: LazyRandomState,
        constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None,
        reference_points: np.ndarray | None = None,
        dividing_parameter: int = 3,
    ) -> None:
        if population_size < 2:
            raise ValueError(f"population_size must be >= 2, got {population_size}.")
        if (
            isinstance(dividing_parameter, bool)
            or not isinstance(dividing_parameter, int)
            or dividing_parameter < 1
        ):
            raise ValueError(f"dividing_parameter must be an int >= 1, got {dividing_parameter!r}.")
        if reference_points is not None:
            reference_points = np.asarray(reference_points, dtype=float)
            if reference_points.ndim != 2 or len(reference_points) == 0:
                raise ValueError(
                    f"reference_points must be a non-empty (n_points, n_objectives) array, got shape "
                    f"{reference_points.shape}."
                )
            if np.any(reference_points < 0) or np.any(reference_points.sum(axis=1) <= 0):
                raise ValueError("reference_points must be non-negative and no row may be all zeros.")
        self._population_size = population_size
        self._constraints_func = constraints_func
        self._reference_points = reference_points
        self._dividing_parameter = dividing_parameter
        self._rng = rng

    def _references(self, n_objectives: int) -> np.ndarray:
        if self._reference_points is None:
            return _simplex_lattice(n_objectives, self._dividing_parameter)
        if self._reference_points.shape[1] != n_objectives:
            raise ValueError(
                f"reference_points have {self._reference_points.shape[1]} coordinates but the study has "
                f"{n_objectives} objectives."
            )
        return self._reference_points

    def __call__(self, study: Study, population: list[FrozenTrial]) -> list[FrozenTrial]:
        constrained = _is_constrained(population)
        if constrained:
            _penalties(population)  # rejects NaN constraint values
        fronts = _rank_population(population, study.directions, constrained)
        elite: list[FrozenTrial] = []
        for front in fronts:
            room = self._population_size - len(elite)
            if len(front) < room:
                elite.extend(front)
                continue
            references = self._references(len(study.directions))
            losses = _clip_infinite(loss_values(elite + front, study.directions))
            closest, distance = _associate(_normalize(losses), references)
            picks = _niche_select(room, len(elite), closest, distance, len(references), self._rng.rng)
            elite.extend(front[i] for i in picks)
            break
        return elite


@experimental_class("3.2.0")
class NSGAIIISampler(NSGAIISampler):
    """Multi-objective sampler using NSGA-III (reference-point based survivor selection).

    Same breeding and bookkeeping as :class:`NSGAIISampler` (keys ``NSGAIIISampler:...``);
    only the cut of the last front differs, which keeps fronts of three or more objectives
    evenly spread along the reference directions.

    Args:
        reference_points: Reference directions, ``(n_points, n_objectives)``; defaults to the
            Das-Dennis simplex lattice with ``dividing_parameter`` divisions.
        dividing_parameter: Divisions of the default lattice.
        Others: As :class:`NSGAIISampler`.
    """

    _warns_experimental_strategies = False

    def __init__(
        self,
        *,
        population_size: int = 50,
        mutation: BaseMutation | None = None,
        mutation_prob: float | None = None,
        crossover: BaseCrossover | None = None,
        crossover_prob: float = 0.9,
        swapping_prob: float = 0.5,
        seed: int | None = None,
        constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None,
        reference_points: np.ndarray | None = None,
        dividing_parameter: int = 3,
        elite_population_selection_strategy: Callable[[Study, list[FrozenTrial]], list[FrozenTrial]]
        | None = None,
        child_generation_strategy: (
            Callable[[Study, dict[str, BaseDistribution], list[FrozenTrial]], dict[str, Any]] | None
        ) = None,
        after_trial_strategy: Callable[[Study, FrozenTrial, TrialState, Sequence[float] | None], None]
        | None = None,
    ) -> None:
        selection_rng = LazyRandomState(seed)
        if elite_population_selection_strategy is None and population_size >= 2:
            elite_population_selection_strategy = NSGAIIIElitePopulationSelectionStrategy(
                population_size=population_size,
                rng=selection_rng,
                constraints_func=constraints_func,
                reference_points=reference_points,
                dividing_parameter=dividing_parameter,
            )
        super().__init__(
            population_size=population_size,
            mutation=mutation,
            mutation_prob=mutation_prob,
            crossover=crossover,
            crossover_prob=crossover_prob,
            swapping_prob=swapping_prob,
            seed=seed,
            constraints_func=constraints_func,
            elite_population_selection_strategy=elite_population_selection_strategy,
            child_generation_strategy=child_generation_strategy,
            after_trial_strategy=after_trial_strategy,
        )
        self._selection_rng = selection_rng

    def reseed_rng(self) -> None:
        super().reseed_rng()
        self._selection_rng.rng.seed()
