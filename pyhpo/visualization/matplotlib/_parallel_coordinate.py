"""``plot_parallel_coordinate`` drawn with matplotlib, from the same info as the plotly figure.

The first objective axis is the plot's own y axis; every other axis is a twin y axis placed along x, and each
trial is one polyline of a single :class:`~matplotlib.collections.LineCollection` (one artist, however many
trials), with values rescaled onto the first axis' range.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import numpy as np

from pyhpo._experimental import experimental_func
from pyhpo.visualization._parallel_coordinate import ParallelCoordinateInfo, get_parallel_coordinate_info
from pyhpo.visualization.matplotlib._utils import import_pyplot

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from pyhpo.study import Study
    from pyhpo.visualization._params import Target

__all__ = ["plot_parallel_coordinate"]


@experimental_func("2.2.0")
def plot_parallel_coordinate(
    study: Study,
    params: list[str] | None = None,
    *,
    target: Target | None = None,
    target_name: str = "Objective Value",
) -> Axes:
    """Plot every trial as a line across the objective axis and one axis per parameter, with matplotlib.

    See :func:`pyhpo.visualization.plot_parallel_coordinate` for the arguments.

    Returns:
        The :class:`matplotlib.axes.Axes` of the first axis.
    """
    plt = import_pyplot()
    info = get_parallel_coordinate_info(study, params, target, target_name)
    return cast("Axes", _draw(plt, info))


def _draw(plt: Any, info: ParallelCoordinateInfo) -> Any:
    from matplotlib.collections import LineCollection
    from matplotlib.colors import BoundaryNorm
    from matplotlib.lines import Line2D

    first = info.dims_objectives[0]
    others = info.dims_objectives[1:] + info.dims_params
    fig, ax = plt.subplots()
    cmap = plt.get_cmap("Blues_r" if info.reverse_scale else "Blues")
    ax.set_title("Parallel Coordinate Plot", y=1.03)
    ax.spines["top"].set_visible(False)
    ax.spines["bottom"].set_visible(False)
    if not others or len(first.values) == 0:
        return ax

    lo, hi = first.range
    constant = lo == hi
    if constant:
        pad = abs(lo) * 0.05 if lo != 0.0 else 0.5
        lo, hi = lo - pad, hi + pad
    width = hi - lo
    order = np.asarray(info.draw_order, dtype=int)
    columns = [first.values[order]]
    for dim in others:
        d_lo, d_hi = dim.range
        if d_hi == d_lo:
            columns.append(np.full(len(order), width / 2 + lo))
        else:
            columns.append((dim.values[order] - d_lo) / (d_hi - d_lo) * width + lo)
    ys = np.column_stack(columns)
    n_axes = len(others)
    xs = np.arange(n_axes + 1, dtype=float)
    segments = np.stack([np.broadcast_to(xs, ys.shape), ys], axis=-1)

    ax.set_xlim(0, n_axes)
    ax.set_ylim(lo, hi)
    if constant:
        ax.set_yticks([first.range[0]])
    lines = LineCollection(list(segments), cmap=cmap)
    if info.feasibility is not None:
        lines.set_linestyle(["solid" if info.feasibility[i] else "dotted" for i in order.tolist()])
        handles = [
            Line2D([0], [0], color="#2F3B52", linestyle="solid", label="Feasible"),
            Line2D([0], [0], color="#2F3B52", linestyle="dotted", label="Infeasible"),
        ]
        ax.legend(handles=handles, loc="lower right", bbox_to_anchor=(1.0, 1.02), ncol=2, frameon=False)
    colors = info.color_values[order]
    lines.set_array(colors)
    if info.is_rank_color:
        top = int(colors.max())
        lines.set_norm(BoundaryNorm(np.arange(-0.5, top + 1.5), cmap.N))
    colorbar = fig.colorbar(lines, pad=0.1, ax=ax)
    if info.is_rank_color:
        colorbar.set_ticks(list(range(int(colors.max()) + 1)))
    colorbar.set_label(info.colorbar_title)
    ax.set_xticks(range(n_axes + 1))
    ax.set_xticklabels([first.label] + [d.label for d in others], rotation=330)
    for i, dim in enumerate(others):
        twin = ax.twinx()
        if dim.is_log and not dim.has_missing:
            twin.set_ylim(10 ** dim.range[0], 10 ** dim.range[1])
            twin.set_yscale("log")
        else:
            twin.set_ylim(dim.range[0], dim.range[1])
        twin.spines["top"].set_visible(False)
        twin.spines["bottom"].set_visible(False)
        twin.xaxis.set_visible(False)
        twin.spines["right"].set_position(("axes", (i + 1) / n_axes))
        if dim.is_cat or dim.has_missing:
            twin.set_yticks(dim.tickvals)
            twin.set_yticklabels(dim.ticktext)
    ax.add_collection(lines)
    return ax
