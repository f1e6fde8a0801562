"""``plot_parallel_coordinate``: one line per trial across the objective axis and one axis per parameter.

:func:`get_parallel_coordinate_info` reads the study once into axes ("dimensions") of plain numbers: log-scaled
parameters as ``log10`` of their values, categorical parameters as category indices (numeric-looking choices in
numeric order, others in order of first appearance), and a parameter a trial lacks as a "None" tick below the
axis. Multi-objective studies get one axis per objective and lines coloured by Pareto rank. Both backends draw
from that info, with Optuna's figure layout.

The work is linear in trials times axes: values are gathered per axis with numpy, tick labels are matched per
tick (a handful per axis), and plotly receives prepared trace dicts without re-validating each one, which is
where Optuna spends most of its time on large studies.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from pyhpo._multi_objective import fast_non_domination_rank
from pyhpo._values import FrozenTrial, StudyDirection
from pyhpo.logging import get_logger
from pyhpo.visualization._params import (
    Target,
    complete_trials,
    is_categorical,
    prepared_figure,
    resolve_target,
    select_params,
)
from pyhpo.visualization._utils import (
    check_plot_args,
    filter_nonfinite,
    import_plotly,
    is_log_scale,
    is_multi_objective,
    is_numerical,
    is_reverse_scale,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    import plotly.graph_objects as go

    from pyhpo.study import Study

__all__ = ["Dimension", "ParallelCoordinateInfo", "get_parallel_coordinate_info", "plot_parallel_coordinate"]

_logger = get_logger(__name__)

_MISSING_LABEL = "None"
_MISSING = object()


class Dimension(NamedTuple):
    """One vertical axis: its label, the value of every trial on it, its range and its ticks."""

    label: str
    values: np.ndarray
    range: tuple[float, float]
    is_log: bool
    is_cat: bool
    tickvals: list[float]
    ticktext: list[str]
    has_missing: bool = False


class ParallelCoordinateInfo(NamedTuple):
    """Everything a backend needs to draw a parallel-coordinate plot.

    ``color_values``, ``feasibility`` and the dimensions' ``values`` are indexed by the same trial positions;
    ``draw_order`` lists those positions in the order lines are drawn (the best last, on top).
    """

    dims_objectives: list[Dimension]
    dims_params: list[Dimension]
    reverse_scale: bool
    colorbar_title: str
    color_values: np.ndarray
    is_rank_color: bool
    draw_order: list[int]
    feasibility: np.ndarray | None


def _numeric_dimension(label: str, values: Sequence[float] | np.ndarray) -> Dimension:
    arr = np.asarray(values, dtype=float)
    span = (float(arr.min()), float(arr.max())) if len(arr) else (0.0, 0.0)
    return Dimension(label, arr, span, False, False, [], [])


def _missing_position(lo: float, hi: float) -> float:
    # Below the axis, 12% of the drawn height under the lowest value.
    return lo - 1.0 if lo == hi else lo - (hi - lo) * 0.12 / 0.88


def _truncate(label: str) -> str:
    return label if len(label) < 20 else label[:17] + "..."


def _log_dimension(name: str, raw: list[Any], has_missing: bool) -> Dimension:
    present = np.array([math.log10(v) for v in raw if v is not _MISSING], dtype=float)
    lo, hi = float(present.min()), float(present.max())
    ticks: list[float] = [float(t) for t in range(math.ceil(lo), math.floor(hi) + 1)]
    if lo not in ticks:
        ticks.insert(0, lo)
    if hi not in ticks:
        ticks.append(hi)
    texts = [f"{10**t:.3g}" for t in ticks]
    missing = _missing_position(lo, hi) if has_missing else None
    values = np.array([missing if v is _MISSING else math.log10(v) for v in raw], dtype=float)
    if missing is not None:
        ticks.insert(0, missing)
        texts.insert(0, _MISSING_LABEL)
    return Dimension(
        _truncate(name),
        values,
        (lo if missing is None else missing, hi),
        True,
        False,
        ticks,
        texts,
        has_missing,
    )


def _categorical_dimension(name: str, raw: list[Any], numeric: bool, has_missing: bool) -> Dimension:
    present = [v for v in raw if v is not _MISSING]
    # Keys carry the type, so that choices 1, 1.0 and True are three categories.
    keys = sorted({(type(v), v) for v in present}, key=lambda k: k[1]) if numeric else None
    if keys is None:
        order: dict[tuple[type, Any], int] = {}
        for v in present:
            order.setdefault((type(v), v), len(order))
    else:
        order = {k: i for i, k in enumerate(keys)}
    offset = 1 if has_missing else 0
    texts = [str(k[1]) for k in order]
    if has_missing:
        texts = [_MISSING_LABEL] + [t + " (value)" if t == _MISSING_LABEL else t for t in texts]
    values = np.array([0 if v is _MISSING else order[type(v), v] + offset for v in raw], dtype=float)
    return Dimension(
        _truncate(name),
        values,
        (float(values.min()), float(values.max())),
        False,
        True,
        [float(i) for i in range(len(order) + offset)],
        texts,
        has_missing,
    )


def _linear_dimension(name: str, raw: list[Any], has_missing: bool) -> Dimension:
    present = np.array([v for v in raw if v is not _MISSING], dtype=float)
    lo, hi = float(present.min()), float(present.max())
    if not has_missing:
        values = np.asarray(raw, dtype=float)
        return Dimension(_truncate(name), values, (lo, hi), False, False, [], [], False)
    missing = _missing_position(lo, hi)
    values = np.array([missing if v is _MISSING else v for v in raw], dtype=float)
    ticks = [lo] if lo == hi else [float(t) for t in np.linspace(lo, hi, num=5)]
    return Dimension(
        _truncate(name),
        values,
        (missing, hi),
        False,
        False,
        [missing, *ticks],
        [_MISSING_LABEL] + [f"{t:.3g}" for t in ticks],
        True,
    )


def _feasibility(trials: list[FrozenTrial]) -> np.ndarray | None:
    constraints = [t.constraints for t in trials]
    if not any(constraints):
        return None
    return np.array([bool(c) and all(v <= 0.0 for v in c.values()) for c in constraints], dtype=bool)


def get_parallel_coordinate_info(
    study: Study, params: Sequence[str] | None, target: Target | None, target_name: str
) -> ParallelCoordinateInfo:
    """Read ``study`` for a parallel-coordinate plot (shared by both backends)."""
    multi = target is None and is_multi_objective(study)
    if not multi:
        check_plot_args(study, target, target_name)
    trials = complete_trials(study)
    if multi:
        n_obj = len(study.directions)
        trials = [
            t
            for t in trials
            if t.values is not None and len(t.values) == n_obj and all(math.isfinite(v) for v in t.values)
        ]
    else:
        trials = filter_nonfinite(trials, target)
    names = select_params(trials, params)

    if multi:
        labels = study.metric_names or [f"Objective {i}" for i in range(len(study.directions))]
        matrix = np.array([t.values for t in trials], dtype=float).reshape(len(trials), len(labels))
        dims_objectives = [_numeric_dimension(label, matrix[:, i]) for i, label in enumerate(labels)]
        signs = np.array([-1.0 if d == StudyDirection.MAXIMIZE else 1.0 for d in study.directions])
        ranks = fast_non_domination_rank(matrix * signs)
        color_values = ranks.astype(float)
        # Worst front first, so that the best lines end on top; ties keep numpy's argsort order reversed.
        draw_order: list[int] = np.argsort(ranks)[::-1].tolist()
        colorbar_title, reverse = "Pareto Rank", True
    else:
        get = resolve_target(target)
        objectives = [get(t) for t in trials]
        dims_objectives = [_numeric_dimension(target_name, objectives)]
        color_values = np.asarray(objectives, dtype=float)
        draw_order = list(range(len(trials)))
        colorbar_title, reverse = target_name, is_reverse_scale(study, target)

    if not trials:
        _logger.warning("Your study does not have any completed trials.")
        return ParallelCoordinateInfo(
            dims_objectives, [], reverse, colorbar_title, color_values, multi, draw_order, None
        )

    feasibility = _feasibility(trials)
    dims: list[Dimension] = []
    numeric_cats: list[int] = []
    for name in names:
        raw = [t.params.get(name, _MISSING) for t in trials]
        has_missing = any(v is _MISSING for v in raw)
        if is_log_scale(trials, name):
            dims.append(_log_dimension(name, raw, has_missing))
        elif is_categorical(trials, name):
            numeric = is_numerical(trials, name)
            if numeric:
                numeric_cats.append(len(dims))
            dims.append(_categorical_dimension(name, raw, numeric, has_missing))
        else:
            dims.append(_linear_dimension(name, raw, has_missing))

    if numeric_cats:
        # Trials sorted by their numeric categories (the first such parameter the primary key), as Optuna
        # draws them; every per-trial array follows the same permutation.
        idx = np.lexsort([dims[i].values for i in numeric_cats][::-1])
        dims_objectives = [d._replace(values=d.values[idx]) for d in dims_objectives]
        dims = [d._replace(values=d.values[idx]) for d in dims]
        color_values = color_values[idx]
        if feasibility is not None:
            feasibility = feasibility[idx]
        if multi:
            draw_order = sorted(range(len(trials)), key=lambda i: color_values[i], reverse=True)

    return ParallelCoordinateInfo(
        dims_objectives, dims, reverse, colorbar_title, color_values, multi, draw_order, feasibility
    )


def normalize(dim: Dimension, values: np.ndarray | None = None) -> np.ndarray:
    """``values`` (the dimension's own by default) mapped to [0, 1] over the dimension's range."""
    vals = dim.values if values is None else values
    lo, hi = dim.range
    if lo == hi:
        return np.full(len(vals), 0.5)
    return (vals - lo) / (hi - lo)


def color_range(info: ParallelCoordinateInfo) -> tuple[float, float]:
    """The colour bar's range: ranks get half a step of margin, constant values a unit around them."""
    if info.is_rank_color:
        return -0.5, float(info.color_values.max()) + 0.5
    lo, hi = float(info.color_values.min()), float(info.color_values.max())
    return (lo - 0.5, hi + 0.5) if lo == hi else (lo, hi)


def format_values(dim: Dimension) -> list[str]:
    """The hover text of every trial on ``dim``: the tick's text where a value sits on a tick, else 3 digits."""
    vals = dim.values
    shown = 10**vals if dim.is_log else vals
    texts: list[str | None] = [None] * len(vals)
    for tick, text in zip(dim.tickvals, dim.ticktext):
        close = np.abs(vals - tick) <= 1e-9 * np.maximum(np.abs(vals), abs(tick))
        for i in np.flatnonzero(close).tolist():
            if texts[i] is None:
                texts[i] = text
    return [f"{float(v):.3g}" if t is None else t for t, v in zip(texts, shown.tolist())]


def axis_ticks(dim: Dimension) -> tuple[list[float], list[str]]:
    """Tick positions (in the dimension's units) and texts drawn next to an axis."""
    if dim.tickvals:
        return dim.tickvals, dim.ticktext or [f"{v:.3g}" for v in dim.tickvals]
    lo, hi = dim.range
    if lo == hi:
        return [lo], [f"{lo:.3g}"]
    ticks = [float(v) for v in np.linspace(lo, hi, num=5)]
    return ticks, [f"{v:.3g}" for v in ticks]


def plot_parallel_coordinate(
    study: Study,
    params: list[str] | None = None,
    *,
    target: Target | None = None,
    target_name: str = "Objective Value",
) -> go.Figure:
    """Plot every trial as a line across the objective axis and one axis per parameter.

    A trial without a parameter meets that axis at a "None" tick below it. When any trial has constraints,
    feasible trials are drawn solid and infeasible ones (and those without constraints) dotted. For a
    multi-objective study without ``target``, every objective gets an axis and lines are coloured by Pareto
    rank (constraints ignored).

    Args:
        study: The study whose complete trials are plotted.
        params: Parameter names to plot; all parameters by default.
        target: Maps a trial to the value to plot on the objective axis.
        target_name: Label of the objective axis and the colour bar.

    Returns:
        A :class:`plotly.graph_objects.Figure`. The colour scale is reversed for a custom target, a
        minimized study and Pareto ranks, so that dark means good.

    Raises:
        ValueError: a name in ``params`` is not a parameter of the study.
    """
    go = import_plotly()
    return _draw(go, get_parallel_coordinate_info(study, params, target, target_name))


def _line_colors(info: ParallelCoordinateInfo, lo: float, hi: float) -> list[str]:
    # Linear interpolation between the two neighbouring colours of plotly's Blues scale, in the same float
    # arithmetic as plotly.colors.find_intermediate_color (so the strings are the same), for all lines at once.
    import plotly.colors

    scale = np.array([plotly.colors.unlabel_rgb(c) for c in plotly.colors.sequential.Blues], dtype=float)
    if lo == hi:
        norm = np.full(len(info.color_values), 0.5)
    else:
        norm = (info.color_values - lo) / (hi - lo)
    if info.reverse_scale:
        norm = 1.0 - norm
    pos = norm * (len(scale) - 1)
    low = np.minimum(pos.astype(int), len(scale) - 2)
    frac = (pos - low)[:, None]
    rgb = scale[low] + frac * (scale[low + 1] - scale[low])
    return ["rgb(%s, %s, %s)" % (r, g, b) for r, g, b in rgb.tolist()]  # noqa: UP031 - plotly's format


def _draw(go: Any, info: ParallelCoordinateInfo) -> Any:
    import plotly.colors

    layout = go.Layout(
        title={"text": "Parallel Coordinate Plot", "y": 1, "yanchor": "bottom", "yref": "paper"}
    )
    if not info.dims_params or len(info.dims_objectives[0].values) == 0:
        return go.Figure(data=[], layout=layout)

    dims = info.dims_objectives + info.dims_params
    lo, hi = color_range(info)
    # Per-trace arrays are numpy rows: plotly deep-copies every trace it is given, and copying one array is
    # far cheaper than copying lists of Python objects (the JSON sent to the browser is the same).
    ys = np.column_stack([normalize(d) for d in dims])
    labels_column = np.array([d.label for d in dims], dtype=str)
    texts = np.column_stack([np.array(format_values(d), dtype=str) for d in dims])
    n_dims = len(dims)
    colors = _line_colors(info, lo, hi)
    xs = list(range(len(dims)))
    x_row = np.arange(n_dims)
    labels = [d.label for d in dims]
    data: list[dict[str, Any]] = []
    for i in info.draw_order:
        solid = info.feasibility is None or bool(info.feasibility[i])
        data.append(
            {
                "type": "scatter",
                "x": x_row,
                "y": ys[i],
                "customdata": np.column_stack([labels_column, texts[i]]),
                "mode": "lines",
                "line": {"color": colors[i], "dash": "solid" if solid else "dot", "width": 1.2},
                "opacity": 0.5,
                "showlegend": False,
                "hovertemplate": "%{customdata[0]}: %{customdata[1]}<extra></extra>",
            }
        )
    if info.feasibility is not None:
        for name, dash in (("Feasible", "solid"), ("Infeasible", "dot")):
            data.append(
                {
                    "type": "scatter",
                    "x": [None],
                    "y": [None],
                    "mode": "lines",
                    "line": {"color": "#2F3B52", "dash": dash, "width": 2},
                    "name": name,
                    "showlegend": True,
                    "hoverinfo": "skip",
                }
            )
    colorbar: dict[str, Any] = {"title": {"text": info.colorbar_title}}
    if info.is_rank_color:
        colorbar["tickvals"] = list(range(int(info.color_values.max()) + 1))
    data.append(
        {
            "type": "scatter",
            "x": [None, None],
            "y": [None, None],
            "mode": "markers",
            "marker": {
                "color": [lo, hi],
                "cmin": lo,
                "cmax": hi,
                "colorscale": [
                    list(p) for p in plotly.colors.make_colorscale(plotly.colors.sequential.Blues)
                ],
                "reversescale": info.reverse_scale,
                "showscale": True,
                "colorbar": colorbar,
            },
            "showlegend": False,
            "hoverinfo": "skip",
        }
    )
    annotations = []
    for axis, dim in enumerate(dims):
        ticks, tick_texts = axis_ticks(dim)
        for y, text in zip(normalize(dim, np.asarray(ticks, dtype=float)).tolist(), tick_texts):
            annotations.append(
                {
                    "x": axis,
                    "y": y,
                    "text": text,
                    "showarrow": False,
                    "xanchor": "right",
                    "xshift": -4,
                    "font": {"size": 10, "color": "#555"},
                }
            )
    layout.update(
        xaxis={
            "tickmode": "array",
            "tickvals": xs,
            "ticktext": labels,
            "range": (-0.2, len(dims) - 0.8),
            "showgrid": False,
            "zeroline": False,
        },
        yaxis={"range": (-0.08, 1.08), "visible": False, "fixedrange": True},
        annotations=annotations,
        shapes=[
            {
                "type": "line",
                "x0": axis,
                "x1": axis,
                "y0": 0,
                "y1": 1,
                "line": {"color": "#888", "width": 1},
                "layer": "below",
            }
            for axis in xs
        ],
        hovermode="closest",
        plot_bgcolor="white",
        legend={"orientation": "h", "x": 1, "xanchor": "right", "y": 1, "yanchor": "bottom"},
    )
    return prepared_figure(go, data, layout)
