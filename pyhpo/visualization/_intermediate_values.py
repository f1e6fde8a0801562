"""``plot_intermediate_values``: the learning curve (reported intermediate values) of every trial."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from pyhpo.logging import get_logger
from pyhpo.trial import TrialState
from pyhpo.visualization._utils import import_plotly, satisfies_constraints

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from pyhpo.study import Study

__all__ = ["IntermediatePlotInfo", "TrialCurveInfo", "get_intermediate_plot_info", "plot_intermediate_values"]

_logger = get_logger(__name__)


class TrialCurveInfo(NamedTuple):
    """One trial's ``(step, value)`` pairs sorted by step, and whether it satisfies its constraints."""

    trial_number: int
    sorted_intermediate_values: list[tuple[int, float]]
    feasible: bool


class IntermediatePlotInfo(NamedTuple):
    """The curves of the COMPLETE, PRUNED and RUNNING trials that reported at least one value."""

    trial_infos: list[TrialCurveInfo]


def get_intermediate_plot_info(study: Study) -> IntermediatePlotInfo:
    """What the intermediate values plots draw; warns when there is nothing to draw and why."""
    trials = study.get_trials(
        deepcopy=False, states=(TrialState.PRUNED, TrialState.COMPLETE, TrialState.RUNNING)
    )
    infos = [
        TrialCurveInfo(t.number, sorted(t.intermediate_values.items()), satisfies_constraints(t))
        for t in trials
        if t.intermediate_values
    ]
    if not trials:
        _logger.warning("Study instance does not contain trials.")
    elif not infos:
        _logger.warning("You need to set up the pruning feature to utilize `plot_intermediate_values()`")
    return IntermediatePlotInfo(infos)


def plot_intermediate_values(study: Study) -> go.Figure:
    """Plot the intermediate values (``trial.report``) of every trial, one line per trial.

    Trials that violate their constraints are drawn grey.

    Args:
        study: The study whose trials' intermediate values are plotted.

    Returns:
        A :class:`plotly.graph_objects.Figure`.
    """
    go = import_plotly()
    info = get_intermediate_plot_info(study)
    layout = go.Layout(
        title="Intermediate Values Plot",
        xaxis={"title": "Step"},
        yaxis={"title": "Intermediate Value"},
        showlegend=False,
    )
    marker = {"maxdisplayed": 10}
    traces = [
        go.Scatter(
            x=tuple(step for step, _ in curve.sorted_intermediate_values),
            y=tuple(value for _, value in curve.sorted_intermediate_values),
            mode="lines+markers",
            marker=marker if curve.feasible else {**marker, "color": "#CCCCCC"},
            name=f"Trial{curve.trial_number}",
        )
        for curve in info.trial_infos
    ]
    return go.Figure(data=traces, layout=layout)
