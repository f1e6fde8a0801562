"""``plot_optimization_history``: each trial's value against its number, with the best value so far.

:func:`get_optimization_history_info_list` extracts what both backends draw; :func:`plot_optimization_history`
draws it with plotly (``pyhpo.visualization.matplotlib`` draws the same info with matplotlib).
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from pyhpo.logging import get_logger
from pyhpo.study import Study, StudyDirection
from pyhpo.trial import TrialState
from pyhpo.visualization._utils import as_study_list, check_plot_args, import_plotly, satisfies_constraints

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    import plotly.graph_objects as go

    from pyhpo.trial import FrozenTrial

__all__ = [
    "OptimizationHistoryInfo",
    "ValueState",
    "ValuesInfo",
    "get_optimization_history_info_list",
    "plot_optimization_history",
]

_logger = get_logger(__name__)


class ValueState(enum.Enum):
    """How a trial's value is shown: feasible, infeasible (a constraint > 0), or incomplete (no value)."""

    FEASIBLE = 0
    INFEASIBLE = 1
    INCOMPLETE = 2


class ValuesInfo(NamedTuple):
    """One series: a value per trial (``nan`` when incomplete), standard deviations with error bars."""

    values: list[float]
    stds: list[float] | None
    label_name: str
    states: list[ValueState]


class OptimizationHistoryInfo(NamedTuple):
    """The trial numbers of one study (or of the aggregate), their values, and the best value so far."""

    trial_numbers: list[int]
    values_info: ValuesInfo
    best_values_info: ValuesInfo | None


def _study_info(
    study: Study, target: Callable[[FrozenTrial], float] | None, label_name: str, best_label_name: str
) -> OptimizationHistoryInfo:
    trials = study.get_trials(deepcopy=False)
    values: list[float] = []
    states: list[ValueState] = []
    for trial in trials:
        if trial.state != TrialState.COMPLETE:
            values.append(float("nan"))
            states.append(ValueState.INCOMPLETE)
            continue
        states.append(ValueState.FEASIBLE if satisfies_constraints(trial) else ValueState.INFEASIBLE)
        values.append(target(trial) if target is not None else trial.value)  # type: ignore[arg-type]
    best: ValuesInfo | None = None
    if target is None:  # a custom target has no known direction, hence no "best so far"
        minimize = study.direction == StudyDirection.MINIMIZE
        worst = float("inf") if minimize else -float("inf")
        feasible = np.array(
            [v if s == ValueState.FEASIBLE else worst for v, s in zip(values, states)], dtype=float
        )
        running = np.minimum.accumulate(feasible) if minimize else np.maximum.accumulate(feasible)
        best = ValuesInfo(running.tolist(), None, best_label_name, states)
    return OptimizationHistoryInfo(
        [t.number for t in trials], ValuesInfo(values, None, label_name, states), best
    )


def _aggregate(
    info_list: list[OptimizationHistoryInfo], label_name: str, use_best: bool
) -> tuple[list[int], ValuesInfo]:
    """Mean and standard deviation across studies of the values (or best values) at each trial number."""
    size = max(n for info in info_list for n in info.trial_numbers) + 1
    per_number: list[list[float]] = [[] for _ in range(size)]
    feasible_at = [False] * size
    for info in info_list:
        series = info.best_values_info if use_best else info.values_info
        assert series is not None
        for n, v, s in zip(info.trial_numbers, series.values, info.values_info.states):
            if not np.isinf(v) and (use_best or s == ValueState.FEASIBLE):
                per_number[n].append(v)
            feasible_at[n] = feasible_at[n] or s == ValueState.FEASIBLE
    numbers = [n for n in range(size) if feasible_at[n]]
    means = [float(np.mean(per_number[n])) for n in numbers]
    stds = [float(np.std(per_number[n])) for n in numbers]
    states = [ValueState.FEASIBLE if f else ValueState.INFEASIBLE for f in feasible_at]
    return numbers, ValuesInfo(means, stds, label_name, states)


def get_optimization_history_info_list(
    study: Study | Sequence[Study],
    target: Callable[[FrozenTrial], float] | None,
    target_name: str,
    error_bar: bool,
) -> list[OptimizationHistoryInfo]:
    """What the optimization history plots draw: one info per study, or one aggregate with ``error_bar``.

    An empty list (and a warning) when there are no studies or no complete trials.

    Raises:
        ValueError: a study is multi-objective and ``target`` is ``None``.
    """
    check_plot_args(study, target, target_name)
    studies = as_study_list(study)
    many = len(studies) > 1
    info_list = [
        _study_info(
            s,
            target,
            f"{target_name} of {s.study_name}" if many else target_name,
            f"Best Value of {s.study_name}" if many else "Best Value",
        )
        for s in studies
    ]
    if not info_list:
        _logger.warning("There are no studies.")
    n_feasible = sum(info.values_info.states.count(ValueState.FEASIBLE) for info in info_list)
    n_infeasible = sum(info.values_info.states.count(ValueState.INFEASIBLE) for info in info_list)
    if n_feasible + n_infeasible == 0:
        _logger.warning("There are no complete trials.")
        return []
    if not error_bar:
        return info_list
    if n_feasible == 0:
        _logger.warning("There are no feasible trials.")
        return []
    numbers, values_info = _aggregate(info_list, target_name, use_best=False)
    best_info = _aggregate(info_list, "Best Value", use_best=True)[1] if target is None else None
    return [OptimizationHistoryInfo(numbers, values_info, best_info)]


def warn_if_error_bars_skip_trials(values_info: ValuesInfo) -> None:
    """Say that error bars only count feasible trials, when some trial was not feasible."""
    if any(s != ValueState.FEASIBLE for s in values_info.states):
        _logger.warning(
            "Your study contains infeasible trials. In optimization history plot, "
            "error bars are calculated for only feasible trial values."
        )


def split_by_feasibility(
    info: OptimizationHistoryInfo,
) -> tuple[list[int], list[float], list[int], list[float]]:
    """(feasible numbers, their values, infeasible numbers, their values) of one info without error bars."""
    feasible_x: list[int] = []
    feasible_y: list[float] = []
    infeasible_x: list[int] = []
    infeasible_y: list[float] = []
    for n, v, s in zip(info.trial_numbers, info.values_info.values, info.values_info.states):
        if s == ValueState.FEASIBLE:
            feasible_x.append(n)
            feasible_y.append(v)
        elif s == ValueState.INFEASIBLE:
            infeasible_x.append(n)
            infeasible_y.append(v)
    return feasible_x, feasible_y, infeasible_x, infeasible_y


def plot_optimization_history(
    study: Study | Sequence[Study],
    *,
    target: Callable[[FrozenTrial], float] | None = None,
    target_name: str = "Objective Value",
    error_bar: bool = False,
) -> go.Figure:
    """Plot the target value of every trial against its number, with the best value found so far.

    Args:
        study: A study, or several studies to compare their histories.
        target: What to plot for a trial; required for multi-objective studies. With a custom target no
            best-value line is drawn (its direction is unknown).
        target_name: The name of the target on the y axis and in the legend.
        error_bar: Draw, for several studies, the mean at each trial number with a standard-deviation bar.

    Returns:
        A :class:`plotly.graph_objects.Figure`.
    """
    go = import_plotly()
    info_list = get_optimization_history_info_list(study, target, target_name, error_bar)
    layout = go.Layout(
        title="Optimization History Plot", xaxis={"title": "Trial"}, yaxis={"title": target_name}
    )
    traces = []
    for info in info_list:
        values_info, best = info.values_info, info.best_values_info
        if values_info.stds is None:
            error_y = None
            feasible_x, feasible_y, infeasible_x, infeasible_y = split_by_feasibility(info)
        else:
            warn_if_error_bars_skip_trials(values_info)
            error_y = {"type": "data", "array": values_info.stds, "visible": True}
            # The aggregate has one mean per trial number that some study completed feasibly: nothing is left
            # to draw as infeasible.
            feasible_x, feasible_y = info.trial_numbers, values_info.values
            infeasible_x, infeasible_y = [], []
        traces.append(
            go.Scatter(
                x=feasible_x, y=feasible_y, error_y=error_y, mode="markers", name=values_info.label_name
            )
        )
        if best is not None:
            traces.append(go.Scatter(x=info.trial_numbers, y=best.values, name=best.label_name, mode="lines"))
            if best.stds is not None:
                mean, std = np.asarray(best.values), np.asarray(best.stds)
                traces.append(
                    go.Scatter(
                        x=info.trial_numbers,
                        y=mean + std,
                        mode="lines",
                        line={"width": 0.01},
                        showlegend=False,
                    )
                )
                traces.append(
                    go.Scatter(
                        x=info.trial_numbers,
                        y=mean - std,
                        mode="none",
                        showlegend=False,
                        fill="tonexty",
                        fillcolor="rgba(255,0,0,0.2)",
                    )
                )
        traces.append(
            go.Scatter(
                x=infeasible_x,
                y=infeasible_y,
                error_y=error_y,
                mode="markers",
                name="Infeasible Trial",
                marker={"color": "#cccccc"},
                showlegend=False,
            )
        )
    return go.Figure(data=traces, layout=layout)
