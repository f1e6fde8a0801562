"""The NSGA-II sampler (Deb et al. 2002) with Optuna's generation bookkeeping.

Bookkeeping lives in the storage so that any number of workers can share one run:

* every trial gets a generation number in the system attribute ``NSGAIISampler:generation``
  when its parameters are drawn: the newest generation that has fewer than
  ``population_size`` COMPLETE trials (a new one once it is full);
* the parents of generation ``g`` are chosen once (elite selection over generation ``g - 1``
  and its own parents) and cached as trial ids in the study system attribute
  ``NSGAIISampler:parent:<g>``, so all workers breed from the same parents.

The keys are Optuna's (they carry the class name, so ``NSGAIIISampler`` uses
``NSGAIIISampler:generation``), and a study can be continued by either library.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from pyhpo.samplers._base import BaseSampler, _process_constraints_after_trial
from pyhpo.samplers._lazy_random_state import LazyRandomState
from pyhpo.samplers._nsgaii._child_generation import NSGAIIChildGenerationStrategy
from pyhpo.samplers._nsgaii._crossovers import BaseCrossover, UniformCrossover
from pyhpo.samplers._nsgaii._mutations import BaseMutation
from pyhpo.samplers._nsgaii._selection import NSGAIIElitePopulationSelectionStrategy
from pyhpo.samplers._random import RandomSampler
from pyhpo.search_space import IntersectionSearchSpace

if TYPE_CHECKING:
    from pyhpo.distributions import BaseDistribution
    from pyhpo.study import Study
    from pyhpo.trial import FrozenTrial, TrialState


__all__ = ["NSGAIISampler"]


def _generation_key(sampler_class: type) -> str:
    """``<ClassName>:generation``, as Optuna's genetic samplers name it."""
    return f"{sampler_class.__name__}:generation"


def _parent_cache_key_prefix(sampler_class: type) -> str:
    return f"{sampler_class.__name__}:parent:"


class NSGAIISampler(BaseSampler):
    """Multi-objective genetic algorithm NSGA-II (also usable with one objective).

    The first generation is drawn at random. Each later trial is a child of the previous
    generation's survivors: survivors are chosen by non-domination rank and then crowding
    distance; a child is a crossover of tournament-selected parents (or a copy of one), with
    each parameter mutated (re-drawn at random, or by ``mutation``) with probability
    ``mutation_prob``. Categorical parameters are inherited uniformly; numerical ones go through
    ``crossover`` in a continuous space (log scale for ``log=True``). Parameters outside the
    intersection search space are drawn at random.

    With ``constraints_func`` (or constraints recorded by the trials), feasible trials dominate
    infeasible ones and infeasible ones are ranked by their total violation.

    Args:
        population_size: Trials per generation. At least 2 and at least the crossover's
            number of parents.
        mutation: Operator for numerical mutation; None re-draws mutated parameters at random.
        mutation_prob: Per-parameter mutation probability in ``[0, 1]``; None means
            ``1 / n_params``.
        crossover: Numerical crossover operator; defaults to :class:`UniformCrossover`.
        crossover_prob: Probability that a child comes from crossover, in ``[0, 1]``.
        swapping_prob: Probability, per categorical parameter (and per coordinate for the
            default uniform crossover), of taking the second parent's value. In ``[0, 1]``.
        seed: Seed for reproducible runs.
        constraints_func: Maps a finished trial to constraint values (``<= 0`` is feasible);
            stored in the trial's ``constraints`` system attribute.
        elite_population_selection_strategy: Replaces the survivor selection
            ``(study, population) -> survivors``.
        child_generation_strategy: Replaces child generation
            ``(study, search_space, parents) -> params``.
        after_trial_strategy: Replaces the after-trial step
            ``(study, trial, state, values) -> None``.
    """

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
        elite_population_selection_strategy: Callable[[Study, list[FrozenTrial]], list[FrozenTrial]]
        | None = None,
        child_generation_strategy: (
            Callable[[Study, dict[str, BaseDistribution], list[FrozenTrial]], dict[str, Any]] | None
        ) = None,
        after_trial_strategy: Callable[[Study, FrozenTrial, TrialState, Sequence[float] | None], None]
        | None = None,
    ) -> None:
        if isinstance(population_size, bool) or not isinstance(population_size, int):
            raise TypeError(f"population_size must be an int >= 2, got {population_size!r}.")
        if population_size < 2:
            raise ValueError(f"population_size must be >= 2, got {population_size}.")
        if crossover is None:
            crossover = UniformCrossover(swapping_prob)
        if not isinstance(crossover, BaseCrossover):
            raise TypeError(
                f"crossover must be a BaseCrossover (e.g. UniformCrossover()), got {crossover!r}."
            )
        if population_size < crossover.n_parents:
            raise ValueError(
                f"{crossover} needs {crossover.n_parents} parents, so population_size must be at least "
                f"{crossover.n_parents}; got {population_size}."
            )
        self._population_size = population_size
        self._random_sampler = RandomSampler(seed=seed)
        self._rng = LazyRandomState(seed)
        self._constraints_func = constraints_func
        self._search_space = IntersectionSearchSpace()
        self._generations = _GenerationIndex(_generation_key(type(self)))
        self._elite_population_selection_strategy = (
            elite_population_selection_strategy
            or NSGAIIElitePopulationSelectionStrategy(
                population_size=population_size, constraints_func=constraints_func
            )
        )
        self._child_generation_strategy = child_generation_strategy or NSGAIIChildGenerationStrategy(
            crossover=crossover,
            crossover_prob=crossover_prob,
            swapping_prob=swapping_prob,
            mutation=mutation,
            mutation_prob=mutation_prob,
            constraints_func=constraints_func,
            rng=self._rng,
        )
        self._after_trial_strategy = after_trial_strategy

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_generations"] = None  # holds a lock; rebuilt on demand
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._generations = _GenerationIndex(_generation_key(type(self)))

    @property
    def population_size(self) -> int:
        """Trials per generation."""
        return self._population_size

    def reseed_rng(self) -> None:
        self._random_sampler.reseed_rng()
        self._rng.rng.seed()

    def infer_relative_search_space(self, study: Study, trial: FrozenTrial) -> dict[str, BaseDistribution]:
        # Single-valued distributions need no sampling (and have no width to transform).
        return {n: d for n, d in self._search_space.calculate(study).items() if not d.single()}

    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        generation = self.get_trial_generation(study, trial)
        parents = self.get_parent_population(study, generation)
        if not parents or not search_space:
            return {}
        return self._child_generation_strategy(study, search_space, parents)

    def sample_independent(
        self, study: Study, trial: FrozenTrial, param_name: str, param_distribution: BaseDistribution
    ) -> Any:
        # First generation, mutated parameters and parameters outside the intersection space.
        return self._random_sampler.sample_independent(study, trial, param_name, param_distribution)

    def before_trial(self, study: Study, trial: FrozenTrial) -> None:
        self._random_sampler.before_trial(study, trial)

    def after_trial(
        self, study: Study, trial: FrozenTrial, state: TrialState, values: Sequence[float] | None
    ) -> None:
        if self._after_trial_strategy is not None:
            self._after_trial_strategy(study, trial, state, values)
        elif self._constraints_func is not None:
            _process_constraints_after_trial(self._constraints_func, study, trial, state)
        self._random_sampler.after_trial(study, trial, state, values)

    # Generation bookkeeping -------------------------------------------------------------

    def get_trial_generation(self, study: Study, trial: FrozenTrial) -> int:
        """The trial's generation, assigned (and stored) on first call.

        It is the newest generation with fewer than ``population_size`` COMPLETE trials, or the
        next one if that generation is full.
        """
        key = _generation_key(type(self))
        generation = trial.system_attrs.get(key)
        if generation is None:
            generation = study._storage.get_trial_system_attrs(trial._trial_id).get(key)
        if generation is not None:
            return int(generation)
        newest, count = self._generations.newest(study)
        generation = newest if count < self._population_size else newest + 1
        study._storage.set_trial_system_attr(trial._trial_id, key, generation)
        return generation

    def get_population(self, study: Study, generation: int) -> list[FrozenTrial]:
        """COMPLETE trials of ``generation``, in trial-number order."""
        return self._generations.population(study, generation)

    def select_parent(self, study: Study, generation: int) -> list[FrozenTrial]:
        """Survivors of ``generation - 1`` together with its own parents."""
        return self._elite_population_selection_strategy(
            study,
            self.get_population(study, generation - 1) + self.get_parent_population(study, generation - 1),
        )

    def get_parent_population(self, study: Study, generation: int) -> list[FrozenTrial]:
        """Parents of ``generation`` (none for generation 0), selected once and cached in the study."""
        if generation == 0:
            return []
        key = _parent_cache_key_prefix(type(self)) + str(generation)
        cached = study._storage.get_study_system_attrs(study._study_id).get(key)
        if cached is not None:
            return self._generations.trials_by_ids(study, cached)
        parents = self.select_parent(study, generation)
        study._storage.set_study_system_attr(study._study_id, key, [t._trial_id for t in parents])
        return parents


class _GenerationIndex:
    """COMPLETE trials of one study grouped by generation, updated incrementally.

    Finished trials never change, so each is read once; the per-trial cost of generation
    bookkeeping is then a set lookup per COMPLETE trial instead of reading its attributes.
    Keyed by (storage object, study id): another study resets it.
    """

    def __init__(self, generation_key: str) -> None:
        self._generation_key = generation_key
        self._lock = threading.Lock()
        self._key: tuple[int, int] | None = None
        self._seen: set[int] = set()
        self._by_generation: dict[int, list[FrozenTrial]] = {}
        self._by_id: dict[int, FrozenTrial] = {}

    def _update(self, study: Study) -> None:
        from pyhpo.trial._state import TrialState

        complete = study._get_trials(deepcopy=False, states=(TrialState.COMPLETE,), use_cache=True)
        key = (id(study._storage), study._study_id)
        if key != self._key:
            self._key = key
            self._seen = set()
            self._by_generation = {}
            self._by_id = {}
        if len(complete) == len(self._seen):
            return
        touched = set()
        missing = len(complete) - len(self._seen)
        # New completions are usually the newest trials: walk back from the end until all are found.
        for t in reversed(complete):
            if missing == 0:
                break
            if t._trial_id in self._seen:
                continue
            missing -= 1
            self._seen.add(t._trial_id)
            self._by_id[t._trial_id] = t
            generation = t.system_attrs.get(self._generation_key, -1)
            self._by_generation.setdefault(generation, []).append(t)
            touched.add(generation)
        for generation in touched:
            self._by_generation[generation].sort(key=lambda t: t.number)

    def newest(self, study: Study) -> tuple[int, int]:
        """``(newest generation, its number of COMPLETE trials)``; ``(0, n)`` before any."""
        with self._lock:
            self._update(study)
            newest = max((g for g in self._by_generation if g >= 0), default=0)
            return newest, len(self._by_generation.get(newest, ()))

    def population(self, study: Study, generation: int) -> list[FrozenTrial]:
        with self._lock:
            self._update(study)
            return list(self._by_generation.get(generation, ()))

    def trials_by_ids(self, study: Study, trial_ids: list[int]) -> list[FrozenTrial]:
        """COMPLETE trials with the given ids, in trial-number order."""
        with self._lock:
            self._update(study)
            found = [self._by_id[i] for i in set(trial_ids) if i in self._by_id]
        if len(found) < len(set(trial_ids)):
            # An id that is not a COMPLETE trial (unexpected): fall back to a full lookup.
            ids = set(trial_ids)
            return [t for t in study._get_trials(deepcopy=False) if t._trial_id in ids]
        return sorted(found, key=lambda t: t.number)
