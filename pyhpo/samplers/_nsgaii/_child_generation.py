"""NSGA-II offspring: tournament selection of parents, crossover, mutation."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from pyhpo._multi_objective import dominates, get_constraints
from pyhpo._transform import SearchSpaceTransform
from pyhpo._values import TrialState
from pyhpo.distributions import CategoricalDistribution
from pyhpo.samplers._nsgaii._crossovers import BaseCrossover, _check_probability
from pyhpo.samplers._nsgaii._mutations import BaseMutation
from pyhpo.samplers._nsgaii._selection import _is_constrained

if TYPE_CHECKING:
    from pyhpo._values import FrozenTrial
    from pyhpo.distributions import BaseDistribution
    from pyhpo.samplers._lazy_random_state import LazyRandomState
    from pyhpo.study import Study, StudyDirection


__all__ = ["NSGAIIChildGenerationStrategy"]

# A crossover may produce children outside the box; new parents are drawn this many times
# before the last child is clipped into the box.
_MAX_CROSSOVER_ATTEMPTS = 100

_Dominates = Callable[["FrozenTrial", "FrozenTrial", "Sequence[StudyDirection]"], bool]


def _constrained_dominates(a: FrozenTrial, b: FrozenTrial, directions: Sequence[StudyDirection]) -> bool:
    """Deb's constrained domination: feasible beats infeasible, then less violation, then Pareto."""

    if a.state != TrialState.COMPLETE:
        return False
    if b.state != TrialState.COMPLETE:
        return True
    ca, cb = np.asarray(get_constraints(a)), np.asarray(get_constraints(b))
    feasible_a, feasible_b = bool(np.all(ca <= 0)), bool(np.all(cb <= 0))
    if feasible_a and feasible_b:
        return dominates(a, b, directions)
    if feasible_a != feasible_b:
        return feasible_a
    return float(ca[ca > 0].sum()) < float(cb[cb > 0].sum())


class NSGAIIChildGenerationStrategy:
    """Make one child's parameters from the parent population.

    With probability ``crossover_prob`` the child is a crossover of parents chosen by binary
    tournaments (the dominating one of two random trials); otherwise it copies a random parent.
    Each parameter is then mutated with probability ``mutation_prob`` (default ``1 / n_params``):
    by ``mutation`` if given, else by leaving it out so the sampler draws it at random.

    Args:
        crossover: The numerical crossover operator.
        crossover_prob: Probability of crossover, in ``[0, 1]``.
        swapping_prob: Probability of taking a categorical parameter from the second parent.
        mutation: Optional mutation operator for numerical parameters.
        mutation_prob: Per-parameter mutation probability in ``[0, 1]``, or None.
        constraints_func: Whether constraints are used is read from the trials; accepted for
            Optuna compatibility.
        rng: The sampler's random state.
    """

    def __init__(
        self,
        *,
        crossover: BaseCrossover,
        crossover_prob: float,
        swapping_prob: float,
        rng: LazyRandomState,
        mutation: BaseMutation | None = None,
        mutation_prob: float | None = None,
        constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None,
    ) -> None:
        if mutation_prob is not None:
            mutation_prob = _check_probability("mutation_prob", mutation_prob)
        self._crossover_prob = _check_probability("crossover_prob", crossover_prob)
        self._swapping_prob = _check_probability("swapping_prob", swapping_prob)
        if mutation is not None and not isinstance(mutation, BaseMutation):
            raise TypeError(f"mutation must be a BaseMutation or None, got {mutation!r}.")
        if not isinstance(crossover, BaseCrossover):
            raise TypeError(f"crossover must be a BaseCrossover, got {crossover!r}.")
        self._crossover = crossover
        self._mutation = mutation
        self._mutation_prob = mutation_prob
        self._constraints_func = constraints_func
        self._rng = rng

    def __call__(
        self, study: Study, search_space: dict[str, BaseDistribution], parent_population: list[FrozenTrial]
    ) -> dict[str, Any]:
        rng = self._rng.rng
        rule: _Dominates = _constrained_dominates if _is_constrained(parent_population) else dominates
        if rng.rand() < self._crossover_prob:
            child = self._crossover_child(study, search_space, parent_population, rng, rule)
        else:
            parent = parent_population[rng.choice(len(parent_population))]
            child = {name: parent.params[name] for name in search_space}

        mutation_prob = self._mutation_prob if self._mutation_prob is not None else 1.0 / max(1, len(child))
        params: dict[str, Any] = {}
        for name, value in child.items():
            if rng.rand() >= mutation_prob:
                params[name] = value
            elif self._mutation is not None:
                mutated = _mutate(self._mutation, rng, study, search_space[name], value)
                if mutated is not None:
                    params[name] = mutated
            # else: left out, so the sampler draws it independently (random mutation)
        return params

    def _crossover_child(
        self,
        study: Study,
        search_space: dict[str, BaseDistribution],
        population: list[FrozenTrial],
        rng: np.random.RandomState,
        dominates: _Dominates,
    ) -> dict[str, Any]:
        categorical = [n for n, d in search_space.items() if isinstance(d, CategoricalDistribution)]
        numerical = {n: d for n, d in search_space.items() if not isinstance(d, CategoricalDistribution)}
        transform = SearchSpaceTransform(numerical) if numerical else None
        bounds = transform.bounds if transform is not None else None

        for attempt in range(_MAX_CROSSOVER_ATTEMPTS):
            parents = _select_parents(self._crossover.n_parents, study, population, rng, dominates)
            child: dict[str, Any] = {}
            if categorical:
                from_second = rng.rand(len(categorical)) < self._swapping_prob
                for name, second in zip(categorical, from_second):
                    child[name] = (parents[-1] if second else parents[0]).params[name]
            if transform is None or bounds is None:
                return child
            parent_points = np.stack(
                [transform.transform({n: p.params[n] for n in numerical}) for p in parents]
            )
            point = np.asarray(self._crossover.crossover(parent_points, rng, study, bounds), dtype=float)
            inside = np.all(np.isfinite(point)) and np.all((bounds[:, 0] <= point) & (point <= bounds[:, 1]))
            if inside or attempt == _MAX_CROSSOVER_ATTEMPTS - 1:
                point = np.clip(
                    np.nan_to_num(point, nan=0.5 * (bounds[:, 0] + bounds[:, 1])), bounds[:, 0], bounds[:, 1]
                )
                child.update(transform.untransform(point))
                return child
        raise AssertionError("unreachable")


def _select_parents(
    n_parents: int,
    study: Study,
    population: list[FrozenTrial],
    rng: np.random.RandomState,
    dominates: _Dominates,
) -> list[FrozenTrial]:
    """``n_parents`` distinct parents, each the winner of a binary tournament."""
    parents: list[FrozenTrial] = []
    remaining = list(population)
    for _ in range(n_parents):
        if not remaining:  # fewer trials than parents: allow repeats
            remaining = list(population)
        a = remaining[rng.choice(len(remaining))]
        b = remaining[rng.choice(len(remaining))]
        winner = a if dominates(a, b, study.directions) else b
        parents.append(winner)
        remaining = [t for t in remaining if t is not winner]
    return parents


def _mutate(
    mutation: BaseMutation, rng: np.random.RandomState, study: Study, dist: BaseDistribution, value: Any
) -> Any | None:
    """Mutate one numerical value in its transformed coordinate; None for categoricals."""
    if isinstance(dist, CategoricalDistribution):
        return None
    transform = SearchSpaceTransform({"": dist})
    low, high = transform.bounds[0]
    mutated = mutation.mutation(float(transform.transform({"": value})[0]), rng, study, transform.bounds[0])
    return transform.untransform(np.array([min(max(mutated, low), high)]))[""]
