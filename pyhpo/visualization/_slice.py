"""``plot_slice``: one scatter per parameter, the parameter's value against the target, coloured by trial number.

:func:`get_slice_info` reads the study once; :func:`plot_slice` (plotly) and
:func:`pyhpo.visualization.matplotlib.plot_slice` draw from it. Figures follow Optuna's: one subplot per
parameter with a shared y axis, log axes for log-scaled parameters, categorical axes ordered as the
distribution's choices (labels are the choices' ``repr``), and infeasible trials in grey.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any, NamedTuple

from pyhpo.distributions import CategoricalDistribution
from pyhpo.logging import get_logger
from pyhpo.visualization._params import (
    Target,
    complete_trials,
    prepared_figure,
    resolve_target,
    select_params,
)
from pyhpo.visualization._utils import (
    check_plot_args,
    filter_nonfinite,
    import_plotly,
    is_log_scale,
    satisfies_constraints,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    import plotly.graph_objects as go

    from pyhpo.study import Study

__all__ = ["SliceInfo", "SlicePoints", "SliceSubplotInfo", "get_slice_info", "plot_slice"]

_logger = get_logger(__name__)


class SlicePoints(NamedTuple):
    """Points of one subplot, in drawing order: x values (``repr`` labels on categorical axes), targets, trials."""

    x: list[Any]
    y: list[float]
    trial_numbers: list[int]


class SliceSubplotInfo(NamedTuple):
    """One parameter's subplot: its trials split into feasible and infeasible points."""

    param_name: str
    is_log: bool
    is_numerical: bool
    choices: tuple[Any, ...] | None
    feasible: SlicePoints
    infeasible: SlicePoints

    def category_labels(self) -> list[str] | None:
        """The categorical axis labels in the distribution's order, or None for a numeric axis."""
        return None if self.choices is None else [repr(c) for c in self.choices]


class SliceInfo(NamedTuple):
    """Everything a backend needs to draw a slice plot."""

    target_name: str
    subplots: list[SliceSubplotInfo]


def _order_by_choices(points: SlicePoints, choices: Sequence[Any]) -> SlicePoints:
    # Categorical points are grouped by choice, in the order of the distribution's choices.
    # Keyed by type too, so that choices 1, 1.0 and True stay apart.
    groups: defaultdict[tuple[type, Any], list[tuple[float, int]]] = defaultdict(list)
    for x, y, number in zip(points.x, points.y, points.trial_numbers):
        groups[type(x), x].append((y, number))
    out = SlicePoints([], [], [])
    for choice in choices:
        label = repr(choice)
        for y, number in groups.get((type(choice), choice), ()):
            out.x.append(label)
            out.y.append(y)
            out.trial_numbers.append(number)
    return out


def get_slice_info(
    study: Study, params: Sequence[str] | None, target: Target | None, target_name: str
) -> SliceInfo:
    """Read ``study`` for a slice plot (shared by both backends)."""
    check_plot_args(study, target, target_name)
    trials = filter_nonfinite(complete_trials(study), target)
    if not trials:
        _logger.warning("Your study does not have any completed trials.")
        return SliceInfo(target_name, [])

    names = select_params(trials, params)
    get = resolve_target(target)
    first_dist: dict[str, Any] = {}
    for t in trials:
        for name, dist in t.distributions.items():
            first_dist.setdefault(name, dist)
    values = [get(t) for t in trials]
    ok = [satisfies_constraints(t) for t in trials]

    subplots = []
    for name in names:
        dist = first_dist[name]
        categorical = isinstance(dist, CategoricalDistribution)
        good, bad = SlicePoints([], [], []), SlicePoints([], [], [])
        for t, y, is_ok in zip(trials, values, ok):
            if name not in t.params:
                continue
            x = t.params[name]
            if not categorical and x is None:
                continue
            points = good if is_ok else bad
            points.x.append(x)
            points.y.append(y)
            points.trial_numbers.append(t.number)
        choices = tuple(dist.choices) if categorical else None
        if choices is not None:
            good, bad = _order_by_choices(good, choices), _order_by_choices(bad, choices)
        subplots.append(
            SliceSubplotInfo(
                param_name=name,
                is_log=is_log_scale(trials, name),
                is_numerical=not categorical,
                choices=choices,
                feasible=good,
                infeasible=bad,
            )
        )
    return SliceInfo(target_name, subplots)


def plot_slice(
    study: Study,
    params: list[str] | None = None,
    *,
    target: Target | None = None,
    target_name: str = "Objective Value",
) -> go.Figure:
    """Plot each parameter's values against the target, one scatter per parameter.

    Trials that lack a parameter are left out of that parameter's subplot. Points are coloured by trial
    number; trials that violate a constraint are drawn in grey.

    Args:
        study: The study whose complete trials are plotted.
        params: Parameter names to plot; all parameters by default.
        target: Maps a trial to the value to plot. Required for a multi-objective study; by default the
            objective value of a single-objective study.
        target_name: Label of the target axis.

    Returns:
        A :class:`plotly.graph_objects.Figure`.

    Raises:
        ValueError: ``study`` is multi-objective and ``target`` is None, or a name in ``params`` is not a
            parameter of the study.
    """
    go = import_plotly()
    return _draw(go, get_slice_info(study, params, target, target_name))


def _traces(sub: SliceSubplotInfo, showscale: bool | None = None) -> list[dict[str, Any]]:
    # Plain trace dicts in the form plotly's validation gives them (see prepared_figure).
    import plotly.colors

    marker: dict[str, Any] = {
        "line": {"width": 0.5, "color": "Grey"},
        "color": sub.feasible.trial_numbers,
        "colorscale": [list(p) for p in plotly.colors.make_colorscale(plotly.colors.sequential.Blues)],
        "colorbar": {"title": {"text": "Trial"}, "x": 1.0, "xpad": 40},
    }
    if showscale is not None:
        marker["showscale"] = showscale
    traces = [
        {
            "type": "scatter",
            "x": sub.feasible.x,
            "y": sub.feasible.y,
            "mode": "markers",
            "name": "Feasible Trial",
            "marker": marker,
            "showlegend": False,
        }
    ]
    if sub.infeasible.x:
        traces.append(
            {
                "type": "scatter",
                "x": sub.infeasible.x,
                "y": sub.infeasible.y,
                "mode": "markers",
                "name": "Infeasible Trial",
                "marker": {"color": "#cccccc"},
                "showlegend": False,
            }
        )
    return traces


def _draw(go: Any, info: SliceInfo) -> Any:
    from plotly.subplots import make_subplots

    layout = go.Layout(title="Slice Plot")
    if not info.subplots:
        return go.Figure(data=[], layout=layout)
    if len(info.subplots) == 1:
        sub = info.subplots[0]
        figure = prepared_figure(go, _traces(sub), layout)
        figure.update_xaxes(title_text=sub.param_name)
        figure.update_yaxes(title_text=info.target_name)
        if not sub.is_numerical:
            figure.update_xaxes(type="category", categoryorder="array", categoryarray=sub.category_labels())
        elif sub.is_log:
            figure.update_xaxes(type="log")
        return figure

    grid = make_subplots(rows=1, cols=len(info.subplots), shared_yaxes=True)
    grid.update_layout(layout)
    placed: list[tuple[dict[str, Any], int | None, int | None]] = []
    for col, sub in enumerate(info.subplots, start=1):
        # One colour bar is enough: it describes trial numbers, the same in every subplot.
        placed += [(trace, 1, col) for trace in _traces(sub, showscale=col == 1)]
        grid.update_xaxes(title_text=sub.param_name, row=1, col=col)
        if col == 1:
            grid.update_yaxes(title_text=info.target_name, row=1, col=col)
        if not sub.is_numerical:
            grid.update_xaxes(
                type="category",
                categoryorder="array",
                categoryarray=sub.category_labels(),
                row=1,
                col=col,
            )
        elif sub.is_log:
            grid.update_xaxes(type="log", row=1, col=col)
    if len(info.subplots) > 3:
        grid.update_layout(width=300 * len(info.subplots))
    return prepared_figure(go, placed, None, grid=grid)
