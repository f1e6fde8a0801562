"""``plot_edf``: the empirical distribution function of the objective values of one or more studies."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from pyhpo.logging import get_logger
from pyhpo.trial import TrialState
from pyhpo.visualization._utils import as_study_list, check_plot_args, filter_nonfinite, import_plotly

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    import plotly.graph_objects as go

    from pyhpo.study import Study
    from pyhpo.trial import FrozenTrial

__all__ = ["NUM_SAMPLES_X_AXIS", "EDFInfo", "EDFLineInfo", "get_edf_info", "plot_edf"]

_logger = get_logger(__name__)

# Points on the x axis at which every study's EDF is evaluated (Optuna's resolution).
NUM_SAMPLES_X_AXIS = 100


class EDFLineInfo(NamedTuple):
    """The EDF of one study at the shared x values."""

    study_name: str
    y_values: np.ndarray


class EDFInfo(NamedTuple):
    """One line per study with complete finite trials, over x values spanning all of them."""

    lines: list[EDFLineInfo]
    x_values: np.ndarray


def _objective_value(trial: FrozenTrial) -> float:
    return trial.value  # type: ignore[return-value]


def get_edf_info(
    study: Study | Sequence[Study],
    target: Callable[[FrozenTrial], float] | None = None,
    target_name: str = "Objective Value",
) -> EDFInfo:
    """What the EDF plots draw. Studies without a complete trial with a finite target are left out.

    Raises:
        ValueError: a study is multi-objective and ``target`` is ``None``.
    """
    studies = as_study_list(study)
    check_plot_args(studies, target, target_name)
    empty = EDFInfo(lines=[], x_values=np.array([]))
    if not studies:
        _logger.warning("There are no studies.")
        return empty
    names: list[str] = []
    all_values: list[np.ndarray] = []
    for s in studies:
        trials = filter_nonfinite(s.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)), target=target)
        if not trials:
            continue
        get = target if target is not None else _objective_value
        all_values.append(np.array([get(t) for t in trials], dtype=float))
        names.append(s.study_name)
    if not all_values:
        _logger.warning("There are no complete trials.")
        return empty
    joined = np.concatenate(all_values)
    x_values = np.linspace(joined.min(), joined.max(), NUM_SAMPLES_X_AXIS)
    lines = []
    for name, values in zip(names, all_values):
        # The share of values <= x, by binary search in the sorted values: O(n log n), not O(n * samples).
        counts = np.searchsorted(np.sort(values), x_values, side="right")
        lines.append(EDFLineInfo(study_name=name, y_values=counts / values.size))
    return EDFInfo(lines=lines, x_values=x_values)


def plot_edf(
    study: Study | Sequence[Study],
    *,
    target: Callable[[FrozenTrial], float] | None = None,
    target_name: str = "Objective Value",
) -> go.Figure:
    """Plot the empirical distribution function (EDF) of the target values of one or more studies.

    Only COMPLETE trials with a finite target count; a study without such trials gets no line. The EDF shows
    how good a search space is as a whole (see *Designing Network Design Spaces*, Radosavovic et al., 2020).

    Args:
        study: A study, or several studies to compare.
        target: What to plot for a trial; required for multi-objective studies.
        target_name: The name of the target on the x axis.

    Returns:
        A :class:`plotly.graph_objects.Figure`.
    """
    go = import_plotly()
    layout = go.Layout(
        title="Empirical Distribution Function Plot",
        xaxis={"title": target_name},
        yaxis={"title": "Cumulative Probability"},
    )
    info = get_edf_info(study, target, target_name)
    if not info.lines:
        return go.Figure(data=[], layout=layout)
    traces = [
        go.Scatter(x=info.x_values, y=line.y_values, name=line.study_name, mode="lines")
        for line in info.lines
    ]
    figure = go.Figure(data=traces, layout=layout)
    figure.update_yaxes(range=[0, 1])
    return figure
