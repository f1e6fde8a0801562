"""The sampler interface: how a study asks for parameter values.

A sampler proposes parameter values in two ways, exactly as in Optuna:

* *relative sampling* draws several parameters at once so an algorithm can use how they interact
  (multivariate TPE, CMA-ES). At the start of a trial the study calls
  :meth:`BaseSampler.infer_relative_search_space`, then :meth:`BaseSampler.sample_relative` once
  with that space.
* *independent sampling* draws one parameter at a time, for every parameter the relative sample did
  not cover (:meth:`BaseSampler.sample_independent`).

Both return values in their *external* representation (the float, the int, the chosen category),
the same form as ``FrozenTrial.params``. The trial validates and stores them.
"""

from __future__ import annotations

import abc
import math
import warnings
from typing import TYPE_CHECKING, Any

from pyhpo._values import TrialState

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from pyhpo._values import FrozenTrial
    from pyhpo.distributions import BaseDistribution
    from pyhpo.study import Study

__all__ = ["BaseSampler"]

# System attribute that holds the constraint values of a trial (Optuna's key).
_CONSTRAINTS_KEY = "constraints"

# Logged when a multivariate sampler has to fall back to independent sampling (Optuna's wording).
_INDEPENDENT_SAMPLING_WARNING_TEMPLATE = (
    "The parameter `{param_name}` in Trial#{trial_number} is sampled independently "
    "using `{independent_sampler_name}` instead of `{sampler_name}`, potentially "
    "degrading the optimization performance. This fallback happened because "
    "{fallback_reason}. You can suppress this warning by setting "
    "`warn_independent_sampling` to `False` in the constructor of `{sampler_name}` if "
    "this independent sampling is intended behavior."
)


class BaseSampler(abc.ABC):
    """Base class of all samplers.

    Sampling of a trial goes: :meth:`before_trial`, :meth:`infer_relative_search_space`,
    :meth:`sample_relative` (once, lazily, at the first suggestion), :meth:`sample_independent` for
    each parameter outside the relative space, and :meth:`after_trial` when the objective is done.
    ``trial`` arguments are :class:`~pyhpo.trial.FrozenTrial` snapshots: copy before changing them.
    Failed trials are treated as if they did not exist by every built-in sampler.
    """

    def __str__(self) -> str:
        return self.__class__.__name__

    @abc.abstractmethod
    def infer_relative_search_space(self, study: Study, trial: FrozenTrial) -> dict[str, BaseDistribution]:
        """Return the parameters (name -> distribution) that :meth:`sample_relative` will draw for ``trial``."""
        raise NotImplementedError

    @abc.abstractmethod
    def sample_relative(
        self, study: Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        """Draw values for (some of) ``search_space`` jointly; names left out are sampled independently.

        Returns:
            ``{name: value}`` with values in their external representation.
        """
        raise NotImplementedError

    @abc.abstractmethod
    def sample_independent(
        self, study: Study, trial: FrozenTrial, param_name: str, param_distribution: BaseDistribution
    ) -> Any:
        """Draw one value (external representation) for ``param_name`` from ``param_distribution``."""
        raise NotImplementedError

    def before_trial(self, study: Study, trial: FrozenTrial) -> None:
        """Called when a trial starts, before :meth:`infer_relative_search_space`. Does nothing by default."""

    def after_trial(
        self, study: Study, trial: FrozenTrial, state: TrialState, values: Sequence[float] | None
    ) -> None:
        """Called after the objective returns and before the trial's final state is stored.

        ``values`` is not None when ``state`` is COMPLETE. Does nothing by default.
        """

    def reseed_rng(self) -> None:
        """Give the random generator a fresh OS seed.

        The study calls this on each copy of the sampler it hands to a parallel worker, so copies do not
        draw the same values. Does nothing by default.
        """

    def _raise_error_if_multi_objective(self, study: Study) -> None:
        if study._is_multi_objective():
            raise ValueError(
                "If the study is being used for multi-objective optimization, "
                f"{self.__class__.__name__} cannot be used."
            )


def _process_constraints_after_trial(
    constraints_func: Callable[[FrozenTrial], Sequence[float]],
    study: Study,
    trial: FrozenTrial,
    state: TrialState,
) -> None:
    """Evaluate ``constraints_func`` on a COMPLETE or PRUNED trial and store the result as a system attr.

    If the function raises, None is stored (so the trial counts as having no constraints) and the error
    propagates.
    """
    if state not in (TrialState.COMPLETE, TrialState.PRUNED):
        return
    constraints: tuple[float, ...] | None = None
    try:
        con = constraints_func(trial)
        if any(math.isnan(float(c)) for c in con):
            raise ValueError(f"Constraint values cannot be NaN, but constraints_func returned {list(con)!r}.")
        if not isinstance(con, (tuple, list)):
            warnings.warn(
                f"Constraints should be a sequence of floats but got {type(con).__name__}.", stacklevel=2
            )
        constraints = tuple(float(c) for c in con)
    finally:
        study._storage.set_trial_system_attr(trial._trial_id, _CONSTRAINTS_KEY, constraints)


def _infeasibility(system_attrs: dict[str, Any]) -> float:
    """Sum of the positive constraint values recorded on a trial (0.0 when feasible or unconstrained).

    Reads both Optuna's list form (``"constraints"``) and its per-key form (``"constraints:<name>"``).
    """
    total = 0.0
    con = system_attrs.get(_CONSTRAINTS_KEY)
    if con:
        total += sum(c for c in con if c > 0)
    for key, value in system_attrs.items():
        if key.startswith("constraints:") and value is not None and value > 0:
            total += value
    return float(total)
