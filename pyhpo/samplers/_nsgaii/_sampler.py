"""The NSGA-II sampler (Deb et al. 2002).

Generation bookkeeping (``NSGAIISampler:generation`` / ``NSGAIISampler:parent:<g>``, Optuna's
keys) comes from :class:`~pyhpo.samplers._ga.BaseGASampler`; this module adds NSGA-II's survivor
selection and breeding.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from pyhpo._experimental import warn_experimental_argument
from pyhpo.samplers._base import _process_constraints_after_trial
from pyhpo.samplers._ga import BaseGASampler
from pyhpo.samplers._lazy_random_state import LazyRandomState
from pyhpo.samplers._nsgaii._child_generation import NSGAIIChildGenerationStrategy
from pyhpo.samplers._nsgaii._crossovers import BaseCrossover, UniformCrossover
from pyhpo.samplers._nsgaii._selection import NSGAIIElitePopulationSelectionStrategy
from pyhpo.samplers._random import RandomSampler
from pyhpo.search_space import IntersectionSearchSpace

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from pyhpo._values import FrozenTrial, TrialState
    from pyhpo.distributions import BaseDistribution
    from pyhpo.samplers._nsgaii._mutations import BaseMutation
    from pyhpo.study import Study


__all__ = ["NSGAIISampler"]


class NSGAIISampler(BaseGASampler):
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

    _warns_experimental_strategies: ClassVar[bool] = True

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
        if self._warns_experimental_strategies:
            # Optuna's ExperimentalWarning per strategy argument given (NSGAIIISampler passes its own, silently).
            for arg_name, arg in (
                ("after_trial_strategy", after_trial_strategy),
                ("child_generation_strategy", child_generation_strategy),
                ("elite_population_selection_strategy", elite_population_selection_strategy),
            ):
                if arg is not None:
                    warn_experimental_argument(arg_name)
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
        super().__init__(population_size=population_size)
        self._random_sampler = RandomSampler(seed=seed)
        self._rng = LazyRandomState(seed)
        self._constraints_func = constraints_func
        self._search_space = IntersectionSearchSpace()
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

    @property
    def population_size(self) -> int:
        """Trials per generation."""
        assert self._population_size is not None
        return self._population_size

    @population_size.setter
    def population_size(self, value: int) -> None:
        self._population_size = value

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

    def select_parent(self, study: Study, generation: int) -> list[FrozenTrial]:
        """Survivors of ``generation - 1`` together with its own parents."""
        return self._elite_population_selection_strategy(
            study,
            self.get_population(study, generation - 1) + self.get_parent_population(study, generation - 1),
        )
