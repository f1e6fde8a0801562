"""``plot_contour``: the target as a contour over every pair of parameters, with the trials on top.

:func:`get_contour_info` reads the study once: one :class:`ContourAxis` per parameter (computed once, not once
per pair) and the target of every trial. Each backend then grids a pair of axes: the plotly figure on the
trials' own values, as Optuna's; the matplotlib figure on a 100 x 100 grid it interpolates.

Where trials fall on the same pair of values, the cell keeps the best target (min or max by the study's
direction), or the last one for a custom ``target``, as Optuna does. Optuna's plotly grid has one row and one
column per distinct value, so a study of n trials on continuous parameters makes an n x n matrix (800 MB at
10,000 trials); here a numeric axis with more than :data:`MAX_GRID_POSITIONS` distinct values is gridded on
that many evenly spaced positions instead (log-spaced on log axes), each trial in the nearest cell, while the
scatter still shows every trial where it is.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from pyhpo._values import StudyDirection
from pyhpo.logging import get_logger
from pyhpo.visualization._params import (
    PADDING_RATIO,
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
    is_numerical,
    is_reverse_scale,
    satisfies_constraints,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    import plotly.graph_objects as go

    from pyhpo._values import FrozenTrial
    from pyhpo.study import Study

__all__ = [
    "MAX_GRID_POSITIONS",
    "ContourAxis",
    "ContourInfo",
    "axis_info",
    "cell_codes",
    "get_contour_info",
    "grid_values",
    "pair_points",
    "plot_contour",
]

_logger = get_logger(__name__)

# Beyond this many distinct values, a numeric axis of the plotly contour is gridded on this many positions.
MAX_GRID_POSITIONS = 500


class ContourAxis(NamedTuple):
    """One parameter's axis.

    ``values`` has one entry per trial of the info: the parameter's value (its ``str`` on a categorical
    axis) or None where the trial lacks it. ``indices`` are the grid positions: the distinct values, sorted,
    with the padded ends added on a numeric axis that has at least two values.
    """

    name: str
    range: tuple[float, float]
    is_log: bool
    is_cat: bool
    indices: list[Any]
    values: list[Any]


class ContourInfo(NamedTuple):
    """Everything a backend needs to draw a contour plot.

    ``targets`` and ``feasible`` are per trial, aligned with every axis' ``values``; ``aggregate`` says how
    a grid cell that several trials share is filled: ``"min"``, ``"max"`` or ``"last"``.
    """

    params: list[str]
    axes: dict[str, ContourAxis]
    targets: np.ndarray
    feasible: list[bool]
    reverse_scale: bool
    target_name: str
    aggregate: str


def axis_info(trials: Sequence[FrozenTrial], name: str) -> ContourAxis:
    """The axis of parameter ``name`` over ``trials`` (also used by the rank plot)."""
    numeric = is_numerical(trials, name)
    if numeric:
        values: list[Any] = [t.params.get(name) for t in trials]
    else:
        values = [str(t.params[name]) if name in t.params else None for t in trials]
    present = [v for v in values if v is not None]
    lo: Any = min(present)
    hi: Any = max(present)
    is_log = is_cat = False
    if is_log_scale(trials, name):
        lo_log, hi_log = math.log10(float(lo)), math.log10(float(hi))
        pad = (hi_log - lo_log) * PADDING_RATIO
        lo, hi = math.pow(10, lo_log - pad), math.pow(10, hi_log + pad)
        is_log = True
    elif numeric:
        pad = (float(hi) - float(lo)) * PADDING_RATIO
        lo, hi = float(lo) - pad, float(hi) + pad
    else:
        span = len(set(present)) - 1
        lo, hi = -span * PADDING_RATIO, span + span * PADDING_RATIO
        is_cat = True
    indices: list[Any] = sorted(set(present))
    if numeric and len(indices) >= 2:
        indices = [lo, *indices, hi]
    return ContourAxis(name, (lo, hi), is_log, is_cat, indices, values)


def get_contour_info(
    study: Study, params: Sequence[str] | None, target: Target | None, target_name: str
) -> ContourInfo:
    """Read ``study`` for a contour plot (shared by both backends)."""
    check_plot_args(study, target, target_name)
    trials = filter_nonfinite(complete_trials(study), target)
    if not trials:
        _logger.warning("Your study does not have any completed trials.")
        names: list[str] = []
    else:
        if params is not None and len(params) <= 1:
            _logger.warning("The length of params must be greater than 1.")
        names = select_params(trials, params)
    get = resolve_target(target)
    if target is not None:
        aggregate = "last"
    else:
        aggregate = "min" if study.directions[0] == StudyDirection.MINIMIZE else "max"
    return ContourInfo(
        params=names,
        axes={name: axis_info(trials, name) for name in names},
        targets=np.array([get(t) for t in trials], dtype=float),
        feasible=[satisfies_constraints(t) for t in trials],
        reverse_scale=is_reverse_scale(study, target),
        target_name=target_name,
        aggregate=aggregate,
    )


def pair_points(info: ContourInfo, x: str, y: str) -> np.ndarray:
    """Positions of the trials that have both parameters."""
    xs, ys = info.axes[x].values, info.axes[y].values
    return np.array([i for i, (a, b) in enumerate(zip(xs, ys)) if a is not None and b is not None], dtype=int)


def _nearest(positions: np.ndarray, values: np.ndarray) -> np.ndarray:
    right = np.clip(np.searchsorted(positions, values), 1, len(positions) - 1)
    left = right - 1
    return np.where(values - positions[left] <= positions[right] - values, left, right)


def cell_codes(
    axis: ContourAxis, rows: np.ndarray, max_positions: int | None
) -> tuple[list[Any], np.ndarray]:
    """Grid positions of ``axis`` and the position index of each trial in ``rows``.

    With ``max_positions``, a numeric axis with more distinct values than that is put on that many evenly
    spaced positions (log-spaced on a log axis) between its padded ends.
    """
    values = [axis.values[i] for i in rows.tolist()]
    numeric = not axis.is_cat
    if numeric and max_positions is not None and len(axis.indices) - 2 > max_positions:
        lo, hi = axis.indices[1], axis.indices[-2]
        if axis.is_log:
            positions = np.logspace(math.log10(lo), math.log10(hi), max_positions)
        else:
            positions = np.linspace(lo, hi, max_positions)
        arr = np.asarray(values, dtype=float)
        coded = _nearest(np.log10(positions), np.log10(arr)) if axis.is_log else _nearest(positions, arr)
        return [axis.indices[0], *positions.tolist(), axis.indices[-1]], coded + 1
    lookup = {v: i for i, v in enumerate(axis.indices)}
    return axis.indices, np.array([lookup[v] for v in values], dtype=int)


def grid_values(
    targets: np.ndarray, x_codes: np.ndarray, y_codes: np.ndarray, shape: tuple[int, int], aggregate: str
) -> np.ndarray:
    """A ``shape`` (rows = y, columns = x) array of the cell targets, NaN where no trial falls."""
    n_rows, n_cols = shape
    flat = y_codes * n_cols + x_codes
    out = np.full(n_rows * n_cols, np.nan)
    if len(flat) == 0:
        return out.reshape(shape)
    if aggregate == "last":
        cells, first_from_end = np.unique(flat[::-1], return_index=True)
        out[cells] = targets[len(flat) - 1 - first_from_end]
    else:
        best = np.full(n_rows * n_cols, np.inf if aggregate == "min" else -np.inf)
        (np.minimum if aggregate == "min" else np.maximum).at(best, flat, targets)
        cells = np.unique(flat)
        out[cells] = best[cells]
    return out.reshape(shape)


def plot_contour(
    study: Study,
    params: list[str] | None = None,
    *,
    target: Target | None = None,
    target_name: str = "Objective Value",
) -> go.Figure:
    """Plot the target as a contour over each pair of parameters, with the trials as points.

    Trials that lack one of a pair's parameters are left out of that pair's subplot. With two parameters
    the figure is one contour; with more, a matrix of them (the diagonal stays empty). Infeasible trials
    are drawn in light grey.

    Args:
        study: The study whose complete trials are plotted.
        params: Parameter names to plot; all parameters by default.
        target: Maps a trial to the value to plot. Required for a multi-objective study; by default the
            objective value of a single-objective study.
        target_name: Label of the colour bar.

    Returns:
        A :class:`plotly.graph_objects.Figure`. The colour scale is reversed for a custom target and for a
        minimized study.

    Raises:
        ValueError: ``study`` is multi-objective and ``target`` is None, or a name in ``params`` is not a
            parameter of the study.
    """
    go = import_plotly()
    return _draw(go, get_contour_info(study, params, target, target_name))


def _subplot(go: Any, info: ContourInfo, x: str, y: str) -> list[dict[str, Any]]:
    # The contour (a few small arrays and z) is validated by plotly; the scatter points, 10,000 per subplot
    # on a large study, are handed over as plain dicts in their validated form (see prepared_figure).
    import plotly.colors

    xaxis, yaxis = info.axes[x], info.axes[y]
    empty = [{"type": "contour"}, {"type": "scatter"}, {"type": "scatter"}]
    if len(xaxis.indices) < 2 or len(yaxis.indices) < 2:
        for axis in (xaxis, yaxis):
            if len(axis.indices) < 2:
                _logger.warning(f"Param {axis.name} unique value length is less than 2.")
                break
        return empty
    rows = pair_points(info, x, y)
    if len(rows) == 0:
        import warnings

        warnings.warn(
            f"Contour plot will not be displayed because `{x}` and `{y}` cannot co-exist in `trial.params`.",
            UserWarning,
            stacklevel=4,
        )
        return empty
    x_indices, x_codes = cell_codes(xaxis, rows, MAX_GRID_POSITIONS)
    y_indices, y_codes = cell_codes(yaxis, rows, MAX_GRID_POSITIONS)
    z = grid_values(info.targets[rows], x_codes, y_codes, (len(y_indices), len(x_indices)), info.aggregate)
    contour = go.Contour(
        x=x_indices,
        y=y_indices,
        z=z,
        colorbar={"title": info.target_name},
        colorscale=plotly.colors.sequential.Blues,
        connectgaps=True,
        contours_coloring="heatmap",
        hoverinfo="none",
        line_smoothing=1.3,
        reversescale=info.reverse_scale,
    ).to_plotly_json()
    points: dict[bool, tuple[list[Any], list[Any]]] = {True: ([], []), False: ([], [])}
    for i in rows.tolist():
        px, py = points[info.feasible[i]]
        px.append(xaxis.values[i])
        py.append(yaxis.values[i])
    scatters = [
        {
            "type": "scatter",
            "x": points[ok][0],
            "y": points[ok][1],
            "marker": {"line": {"width": 2.0, "color": "Gray"}, "color": "black" if ok else "#cccccc"},
            "mode": "markers",
            "name": "Feasible Trial" if ok else "Infeasible Trial",
            "showlegend": False,
        }
        for ok in (True, False)
    ]
    return [dict(contour), *scatters]


def _style_axes(figure: Any, xaxis: ContourAxis, yaxis: ContourAxis, **cell: int) -> None:
    figure.update_xaxes(range=xaxis.range, **cell)
    figure.update_yaxes(range=yaxis.range, **cell)
    if xaxis.is_cat:
        figure.update_xaxes(type="category", **cell)
    if yaxis.is_cat:
        figure.update_yaxes(type="category", **cell)
    if xaxis.is_log:
        figure.update_xaxes(range=[math.log10(v) for v in xaxis.range], type="log", **cell)
    if yaxis.is_log:
        figure.update_yaxes(range=[math.log10(v) for v in yaxis.range], type="log", **cell)


def _draw(go: Any, info: ContourInfo) -> Any:
    from plotly.subplots import make_subplots

    layout = go.Layout(title="Contour Plot")
    names = info.params
    if len(names) <= 1:
        return go.Figure(data=[], layout=layout)
    if len(names) == 2:
        x, y = names
        figure = prepared_figure(go, _subplot(go, info, x, y), layout)
        figure.update_xaxes(title_text=x)
        figure.update_yaxes(title_text=y)
        _style_axes(figure, info.axes[x], info.axes[y])
        return figure

    n = len(names)
    grid = make_subplots(rows=n, cols=n, shared_xaxes=True, shared_yaxes=True)
    grid.update_layout(layout)
    placed: list[tuple[dict[str, Any], int | None, int | None]] = []
    showscale = True
    for col, x in enumerate(names, start=1):
        for row, y in enumerate(names, start=1):
            if x == y:
                placed.append(({"type": "scatter"}, row, col))
            else:
                traces = _subplot(go, info, x, y)
                # One colour bar for the whole matrix: the first drawn contour's.
                traces[0]["showscale"] = showscale
                showscale = False
                placed += [(trace, row, col) for trace in traces]
            _style_axes(grid, info.axes[x], info.axes[y], row=row, col=col)
            if col == 1:
                grid.update_yaxes(title_text=y, row=row, col=col)
            if row == n:
                grid.update_xaxes(title_text=x, row=row, col=col)
    return prepared_figure(go, placed, None, grid=grid)
