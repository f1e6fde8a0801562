"""``plot_rank``: scatter plots of parameter pairs, each trial coloured by the rank of its target.

:func:`get_rank_info` reads the study once: the trials, their targets, and one colour per trial from the
``RdYlBu_r`` scale at the trial's rank (ties share their average rank; infeasible trials are grey). The axes
are the contour plot's (:func:`~pyhpo.visualization._contour.axis_info`). Both backends draw from it.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from pyhpo.logging import get_logger
from pyhpo.visualization._contour import ContourAxis, axis_info
from pyhpo.visualization._params import (
    Target,
    complete_trials,
    prepared_figure,
    resolve_target,
    select_params,
)
from pyhpo.visualization._utils import check_plot_args, import_plotly

if TYPE_CHECKING:
    from collections.abc import Sequence

    import plotly.graph_objects as go

    from pyhpo._values import FrozenTrial
    from pyhpo.study import Study

__all__ = ["RankInfo", "RankSubplotInfo", "average_ranks", "get_rank_info", "plot_rank", "tick_info"]

_logger = get_logger(__name__)

_COLORMAP = "RdYlBu_r"
_INFEASIBLE_RGB = (204, 204, 204)


class RankSubplotInfo(NamedTuple):
    """One pair of parameters: the trials that have both, their values, targets and colours (0-255 RGB)."""

    xaxis: ContourAxis
    yaxis: ContourAxis
    xs: list[Any]
    ys: list[Any]
    trials: list[FrozenTrial]
    zs: np.ndarray
    colors: np.ndarray


class RankInfo(NamedTuple):
    """Everything a backend needs to draw a rank plot; ``sub_plot_infos[row][col]`` pairs (y, x) params."""

    params: list[str]
    sub_plot_infos: list[list[RankSubplotInfo]]
    target_name: str
    zs: np.ndarray
    colors: np.ndarray
    has_custom_target: bool


def average_ranks(values: np.ndarray) -> np.ndarray:
    """The 0-based rank of each value in ascending order; equal values share the mean of their ranks."""
    ordered = np.sort(values)
    first = np.searchsorted(ordered, values, side="left")
    past = np.searchsorted(ordered, values, side="right")
    return np.asarray((first + past - 1) / 2.0, dtype=float)


def _rgb_colors(positions: np.ndarray) -> np.ndarray:
    # The colours Optuna gives: plotly's sampling of the scale when plotly is installed, else matplotlib's.
    unique, inverse = np.unique(positions, return_inverse=True)
    try:
        import plotly.colors
    except ImportError:
        import matplotlib

        rgba = matplotlib.colormaps[_COLORMAP](unique)[:, :3]
        table = np.asarray(rgba * 255, dtype=int)
    else:
        labels = plotly.colors.sample_colorscale(_COLORMAP, unique.tolist())
        table = np.array([plotly.colors.unlabel_rgb(label) for label in labels])
    return np.array(table[inverse.reshape(-1)])


def _drop_nan_targets(trials: list[FrozenTrial], get: Target) -> list[FrozenTrial]:
    kept = []
    for trial in trials:
        if math.isnan(get(trial)):
            _logger.warning(
                f"Trial {trial.number} is omitted in visualization because its objective value is nan."
            )
        else:
            kept.append(trial)
    return kept


def get_rank_info(
    study: Study, params: Sequence[str] | None, target: Target | None, target_name: str
) -> RankInfo:
    """Read ``study`` for a rank plot (shared by both backends)."""
    check_plot_args(study, target, target_name)
    get = resolve_target(target)
    trials = _drop_nan_targets(complete_trials(study), get)
    if not trials:
        _logger.warning("Your study does not have any completed trials.")
        names: list[str] = []
    else:
        # Optuna keeps the caller's order here (the other plots sort).
        names = select_params(trials, params) if params is None else list(params)
        select_params(trials, names)
    if not names:
        _logger.warning("params is an empty list.")

    zs = np.array([get(t) for t in trials])
    ranks = average_ranks(zs)
    positions = ranks / (len(trials) - 1) if len(trials) >= 2 else np.array([0.5])
    colors = _rgb_colors(positions)
    infeasible = [i for i, t in enumerate(trials) if any(c > 0.0 for c in t.constraints.values())]
    if infeasible:
        colors[infeasible] = _INFEASIBLE_RGB

    axes = {name: axis_info(trials, name) for name in names}

    def subplot(x: str, y: str) -> RankSubplotInfo:
        rows = [i for i, t in enumerate(trials) if x in t.params and y in t.params]
        chosen = [trials[i] for i in rows]
        return RankSubplotInfo(
            xaxis=axes[x],
            yaxis=axes[y],
            xs=[t.params[x] for t in chosen],
            ys=[t.params[y] for t in chosen],
            trials=chosen,
            zs=zs[rows],
            colors=colors[rows],
        )

    if len(names) == 2:
        grid = [[subplot(names[0], names[1])]]
    else:
        grid = [[subplot(x, y) for x in names] for y in names]
    return RankInfo(names, grid, target_name, zs, colors, target is not None)


class TickInfo(NamedTuple):
    """Colour-bar ticks: positions on the 0-1 scale and their texts (quantiles of the target)."""

    coloridxs: list[float]
    text: list[str]


def tick_info(zs: np.ndarray) -> TickInfo:
    """The colour bar's five ticks: min, quartiles and max of the targets."""
    positions = [0, 0.25, 0.5, 0.75, 1]
    quantiles = np.quantile(np.sort(zs), positions)
    names = ["min.", "25%", "50%", "75%", "max."]
    return TickInfo(positions, [f"{name} ({q:3g})" for name, q in zip(names, quantiles)])


def plot_rank(
    study: Study,
    params: list[str] | None = None,
    *,
    target: Target | None = None,
    target_name: str = "Objective Value",
) -> go.Figure:
    """Plot each pair of parameters as a scatter, every trial coloured by the rank of its target.

    Trials that lack one of a pair's parameters are left out of that pair's subplot; trials that violate
    a constraint are grey.

    Args:
        study: The study whose complete trials are plotted.
        params: Parameter names to plot; all parameters by default.
        target: Maps a trial to the value to rank. Required for a multi-objective study; by default the
            objective value of a single-objective study.
        target_name: Name of the target in the title, the hover text and the colour bar.

    Returns:
        A :class:`plotly.graph_objects.Figure`.

    Raises:
        ValueError: ``study`` is multi-objective and ``target`` is None, or a name in ``params`` is not a
            parameter of the study.
    """
    go = import_plotly()
    return _draw(go, get_rank_info(study, params, target, target_name))


def _hover_texts(info: RankInfo) -> dict[int, str]:
    # One hover text per trial (by number), shared by every subplot the trial appears in.
    texts: dict[int, str] = {}
    for row in info.sub_plot_infos:
        for sub in row:
            for trial, value in zip(sub.trials, sub.zs):
                if trial.number in texts:
                    continue
                lines = [f"Trial #{trial.number}"]
                lines += [f"{k}: {v}" for k, v in trial.params.items()]
                lines.append(f"<b>{info.target_name}: {value}</b>")
                if info.has_custom_target:
                    lines += [f"Objective #{i}: {v}" for i, v in enumerate(trial.values or [])]
                texts[trial.number] = "<br>".join(lines)
    return texts


def _scatter(sub: RankSubplotInfo, hover: dict[int, str]) -> dict[str, Any]:
    import plotly.colors

    return {
        "type": "scatter",
        "x": [str(v) for v in sub.xs] if sub.xaxis.is_cat else list(sub.xs),
        "y": [str(v) for v in sub.ys] if sub.yaxis.is_cat else list(sub.ys),
        "marker": {
            "color": [plotly.colors.label_rgb(c) for c in sub.colors.tolist()],
            "line": {"width": 0.5, "color": "Grey"},
        },
        "mode": "markers",
        "showlegend": False,
        "hovertemplate": "%{hovertext}<extra></extra>",
        "hovertext": [hover[t.number] for t in sub.trials],
    }


def _style_axes(figure: Any, sub: RankSubplotInfo, **cell: int) -> None:
    figure.update_xaxes(range=sub.xaxis.range, **cell)
    figure.update_yaxes(range=sub.yaxis.range, **cell)
    if sub.xaxis.is_cat:
        figure.update_xaxes(type="category", **cell)
    if sub.yaxis.is_cat:
        figure.update_yaxes(type="category", **cell)
    if sub.xaxis.is_log:
        figure.update_xaxes(range=[math.log10(v) for v in sub.xaxis.range], type="log", **cell)
    if sub.yaxis.is_log:
        figure.update_yaxes(range=[math.log10(v) for v in sub.yaxis.range], type="log", **cell)


def _colorbar(go: Any, zs: np.ndarray) -> dict[str, Any]:
    ticks = tick_info(zs)
    trace = go.Scatter(
        x=[None],
        y=[None],
        mode="markers",
        marker={
            "colorscale": _COLORMAP,
            "showscale": True,
            "cmin": 0,
            "cmax": 1,
            "colorbar": {"thickness": 10, "tickvals": ticks.coloridxs, "ticktext": ticks.text},
        },
        hoverinfo="none",
        showlegend=False,
    )
    return dict(trace.to_plotly_json())


def _draw(go: Any, info: RankInfo) -> Any:
    from plotly.subplots import make_subplots

    names = info.params
    layout = go.Layout(title=f"Rank ({info.target_name})")
    if not names:
        return go.Figure(data=[], layout=layout)
    hover = _hover_texts(info)
    if len(names) == 2:
        sub = info.sub_plot_infos[0][0]
        figure = prepared_figure(go, [_scatter(sub, hover), _colorbar(go, info.zs)], layout)
        figure.update_xaxes(title_text=names[0])
        figure.update_yaxes(title_text=names[1])
        _style_axes(figure, sub)
        return figure

    n = len(names)
    grid = make_subplots(
        rows=n,
        cols=n,
        shared_xaxes=True,
        shared_yaxes=True,
        horizontal_spacing=0.08 / n,
        vertical_spacing=0.08 / n,
    )
    grid.update_layout(layout)
    traces: list[tuple[dict[str, Any], int | None, int | None]] = []
    for col, x in enumerate(names, start=1):
        for row, y in enumerate(names, start=1):
            sub = info.sub_plot_infos[row - 1][col - 1]
            traces.append((_scatter(sub, hover), row, col))
            _style_axes(grid, sub, row=row, col=col)
            if col == 1:
                grid.update_yaxes(title_text=y, row=row, col=col)
            if row == n:
                grid.update_xaxes(title_text=x, row=row, col=col)
    traces.append((_colorbar(go, info.zs), None, None))
    return prepared_figure(go, traces, None, grid=grid)
