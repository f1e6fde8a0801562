"""What the parameter plots share beyond :mod:`pyhpo.visualization._utils`: trials, targets and parameter names.

``plot_parallel_coordinate``, ``plot_contour``, ``plot_slice``, ``plot_rank`` and their matplotlib twins all start
from the same questions: which trials count (complete ones), what the target of a trial is, which parameters
were asked for (Optuna's error for an unknown one), and whether a parameter is categorical. The argument checks,
the finite-target filter and the log/numeric tests of an axis are the package's shared ones in ``_utils``.

The names are public inside this private module so that the matplotlib package can use them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from pyhpo._values import FrozenTrial, TrialState
from pyhpo.distributions import CategoricalDistribution

if TYPE_CHECKING:
    from pyhpo.study import Study

__all__ = [
    "PADDING_RATIO",
    "Target",
    "complete_trials",
    "is_categorical",
    "resolve_target",
    "select_params",
]

Target = Callable[[FrozenTrial], float]

# Share of an axis' span added on both sides of the data (contour and rank plots).
PADDING_RATIO = 0.05


def _objective_value(trial: FrozenTrial) -> float:
    value = trial.value
    if value is None:
        raise ValueError(f"Trial {trial.number} has no objective value to plot")
    return value


def resolve_target(target: Target | None) -> Target:
    """``target`` itself, or the trial's single objective value when it is None."""
    return _objective_value if target is None else target


def complete_trials(study: Study) -> list[FrozenTrial]:
    """The study's COMPLETE trials, in trial order, without copies (plots only read them)."""
    return list(study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)))


def is_categorical(trials: Sequence[FrozenTrial], param: str) -> bool:
    """Whether any trial sampled ``param`` from a categorical distribution."""
    return any(
        isinstance(t.distributions[param], CategoricalDistribution) for t in trials if param in t.params
    )


def select_params(trials: Sequence[FrozenTrial], params: Sequence[str] | None) -> list[str]:
    """The parameters to plot, sorted: all of them, or ``params`` after checking each exists.

    Raises:
        ValueError: a name in ``params`` is not a parameter of any of ``trials`` (Optuna's message).
    """
    known = {name for t in trials for name in t.params}
    if params is None:
        return sorted(known)
    if isinstance(params, str):
        raise TypeError(f"params must be a list of parameter names, got the string {params!r}")
    for name in params:
        if name not in known:
            raise ValueError(f"Parameter {name} does not exist in your study.")
    return sorted(set(params))
