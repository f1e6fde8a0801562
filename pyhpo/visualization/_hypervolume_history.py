"""``plot_hypervolume_history``: the hypervolume of the Pareto front after each completed trial."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from pyhpo._experimental import experimental_func
from pyhpo._hypervolume import compute_hypervolume
from pyhpo.logging import get_logger
from pyhpo.study import StudyDirection
from pyhpo.trial import TrialState
from pyhpo.visualization._utils import import_plotly, is_multi_objective, satisfies_constraints

if TYPE_CHECKING:
    from collections.abc import Sequence

    import plotly.graph_objects as go

    from pyhpo.study import Study

__all__ = [
    "HypervolumeHistoryInfo",
    "check_hypervolume_args",
    "get_hypervolume_history_info",
    "plot_hypervolume_history",
]

_logger = get_logger(__name__)


class HypervolumeHistoryInfo(NamedTuple):
    """The number of each COMPLETE trial and the hypervolume of the feasible front up to and including it."""

    trial_numbers: list[int]
    values: list[float]


def check_hypervolume_args(study: Study, reference_point: Sequence[float]) -> np.ndarray:
    """``reference_point`` as a float array, after checking it fits ``study``.

    Raises:
        ValueError: the study has one objective, or the reference point has another dimension.
    """
    if not is_multi_objective(study):
        raise ValueError(
            "Study must be multi-objective. For single-objective optimization, "
            "please use plot_optimization_history instead."
        )
    if len(reference_point) != len(study.directions):
        raise ValueError(
            "The dimension of the reference point must be the same as the number of objectives: "
            f"got {len(reference_point)} coordinates for {len(study.directions)} objectives."
        )
    return np.asarray(reference_point, dtype=np.float64)


def get_hypervolume_history_info(study: Study, reference_point: np.ndarray) -> HypervolumeHistoryInfo:
    """What the hypervolume history plots draw.

    The hypervolume is updated incrementally: a new non-dominated point adds its box to the reference point
    minus the part of that box the current front already covers (the hypervolume of the front clipped to the
    box), and evicts the points it dominates. Infeasible trials and points outside the reference box leave the
    value unchanged.
    """
    trials = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    if not trials:
        _logger.warning("Your study does not have any completed trials.")
    signs = np.array([1.0 if d == StudyDirection.MINIMIZE else -1.0 for d in study.directions])
    reference = signs * reference_point  # in loss space, where every objective is minimized
    numbers: list[int] = []
    history: list[float] = []
    front: np.ndarray | None = None
    volume = 0.0
    for trial in trials:
        numbers.append(trial.number)
        if not satisfies_constraints(trial):
            history.append(volume)
            continue
        point = signs * np.asarray(trial.values, dtype=float)
        dominated = front is not None and bool(np.any(np.all(front <= point, axis=1)))
        if dominated or bool(np.any(point > reference)):
            history.append(volume)
            continue
        volume += float(np.prod(reference - point))
        if front is None:
            front = point[np.newaxis, :]
        else:
            volume -= compute_hypervolume(np.maximum(front, point), reference)
            front = np.concatenate([front[np.any(front < point, axis=1)], point[np.newaxis, :]], axis=0)
        history.append(volume)
    if front is None:
        _logger.warning("Your study does not have any feasible trials.")
    return HypervolumeHistoryInfo(numbers, history)


@experimental_func("3.3.0")
def plot_hypervolume_history(study: Study, reference_point: Sequence[float]) -> go.Figure:
    """Plot the hypervolume of the Pareto front of a multi-objective study after each completed trial.

    Args:
        study: A study with two or more objectives.
        reference_point: The point the hypervolume is measured from, one coordinate per objective (in the
            objectives' own directions; a point worse than it adds nothing).

    Returns:
        A :class:`plotly.graph_objects.Figure`.

    Raises:
        ValueError: the study has one objective, or ``reference_point`` has another dimension.
    """
    go = import_plotly()
    info = get_hypervolume_history_info(study, check_hypervolume_args(study, reference_point))
    layout = go.Layout(
        title="Hypervolume History Plot", xaxis={"title": "Trial"}, yaxis={"title": "Hypervolume"}
    )
    return go.Figure(
        data=go.Scatter(x=info.trial_numbers, y=info.values, mode="lines+markers"), layout=layout
    )
