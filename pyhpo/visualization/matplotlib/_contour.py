"""``plot_contour`` drawn with matplotlib, from the same :func:`~pyhpo.visualization._contour.get_contour_info`.

matplotlib needs a regular grid, so each pair of parameters is gridded on :data:`CONTOUR_POINT_NUM` positions
per axis (log-spaced on log axes, category indices on categorical ones): every trial lands in its nearest cell,
and the empty cells are filled the way plotly.js fills the gaps of a contour (each empty cell the mean of its
neighbours, a sparse linear system solved once with scipy), so both backends show the same surface.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import numpy as np

from pyhpo._experimental import experimental_func
from pyhpo.visualization._contour import (
    ContourAxis,
    ContourInfo,
    cell_codes,
    get_contour_info,
    grid_values,
    pair_points,
)
from pyhpo.visualization.matplotlib._utils import import_pyplot

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from pyhpo.study import Study
    from pyhpo.visualization._params import Target

__all__ = ["CONTOUR_POINT_NUM", "plot_contour"]

# Grid positions per axis of the interpolated surface.
CONTOUR_POINT_NUM = 100


@experimental_func("2.2.0")
def plot_contour(
    study: Study,
    params: list[str] | None = None,
    *,
    target: Target | None = None,
    target_name: str = "Objective Value",
) -> Axes | np.ndarray:
    """Plot the target as a contour over each pair of parameters with matplotlib.

    See :func:`pyhpo.visualization.plot_contour` for the arguments. Needs scipy (to fill the grid).

    Returns:
        One :class:`matplotlib.axes.Axes` for two parameters, else a numpy array of them.
    """
    plt = import_pyplot()
    info = get_contour_info(study, params, target, target_name)
    with plt.style.context("ggplot"):
        return cast("Axes | np.ndarray", _draw(plt, info))


def _category_labels(axis: ContourAxis) -> list[str]:
    return sorted({v for v in axis.values if v is not None})


def _grid_axis(axis: ContourAxis) -> np.ndarray:
    if axis.is_log:
        return np.logspace(np.log10(axis.range[0]), np.log10(axis.range[1]), CONTOUR_POINT_NUM)
    return np.linspace(axis.range[0], axis.range[1], CONTOUR_POINT_NUM)


def _coordinates(axis: ContourAxis, rows: np.ndarray) -> np.ndarray:
    if axis.is_cat:
        position = {label: i for i, label in enumerate(_category_labels(axis))}
        return np.array([position[axis.values[i]] for i in rows.tolist()], dtype=float)
    return np.array([float(axis.values[i]) for i in rows.tolist()], dtype=float)


def _nearest(grid: np.ndarray, values: np.ndarray) -> np.ndarray:
    # Nearest grid position in linear distance, the lower one on a tie.
    right = np.clip(np.searchsorted(grid, values), 1, len(grid) - 1)
    left = right - 1
    return np.where(values - grid[left] <= grid[right] - values, left, right)


def fill_grid(known: dict[int, float], n: int) -> np.ndarray:
    """An ``n`` x ``n`` surface through the ``known`` cells (flat index y * n + x), smooth in between.

    Every unknown cell equals the mean of its neighbours (the discrete Laplace equation, zero slope at the
    edges): plotly.js's gap filling, solved exactly.
    """
    try:
        import scipy.sparse
        import scipy.sparse.linalg
    except ImportError as e:
        raise ImportError(
            'pyhpo.visualization.matplotlib.plot_contour needs scipy: pip install "pyhpo-opt[gp]"'
        ) from e
    size = n * n
    cells = np.arange(size)
    xs, ys = cells % n, cells // n
    is_known = np.zeros(size, dtype=bool)
    b = np.zeros(size)
    if known:
        idx = np.fromiter(known.keys(), dtype=int, count=len(known))
        is_known[idx] = True
        b[idx] = np.fromiter(known.values(), dtype=float, count=len(known))
    rows = [cells[is_known]]
    cols = [cells[is_known]]
    data = [np.ones(int(is_known.sum()))]
    free = cells[~is_known]
    fx, fy = xs[~is_known], ys[~is_known]
    for dx, dy in ((-1, 0), (1, 0), (0, -1), (0, 1)):
        inside = (fx + dx >= 0) & (fx + dx < n) & (fy + dy >= 0) & (fy + dy < n)
        here = free[inside]
        rows += [here, here]
        cols += [here, here + dy * n + dx]
        data += [np.ones(len(here)), -np.ones(len(here))]
    matrix = scipy.sparse.csc_matrix(
        (np.concatenate(data), (np.concatenate(rows), np.concatenate(cols))), shape=(size, size)
    )
    z = scipy.sparse.linalg.spsolve(matrix, b)
    return np.asarray(z).reshape((n, n))


def _subplot(ax: Any, info: ContourInfo, x: str, y: str, cmap: Any) -> Any:
    xaxis, yaxis = info.axes[x], info.axes[y]
    ax.label_outer()
    if len(xaxis.indices) < 2 or len(yaxis.indices) < 2:
        return None
    ax.set(xlabel=x, ylabel=y)
    ax.set_xlim(*xaxis.range)
    ax.set_ylim(*yaxis.range)
    for axis, set_ticks, set_labels, set_scale in (
        (xaxis, ax.set_xticks, ax.set_xticklabels, ax.set_xscale),
        (yaxis, ax.set_yticks, ax.set_yticklabels, ax.set_yscale),
    ):
        if axis.is_cat:
            labels = _category_labels(axis)
            set_ticks(list(range(len(labels))))
            set_labels(labels)
        else:
            set_scale("log" if axis.is_log else "linear")
    if x == y:
        return None
    rows = pair_points(info, x, y)
    if len(rows) == 0:
        return None
    # Each trial shows the best target among the trials that share its exact pair of values.
    _, x_codes = cell_codes(xaxis, rows, None)
    _, y_codes = cell_codes(yaxis, rows, None)
    shape = (len(yaxis.indices), len(xaxis.indices))
    cell = grid_values(info.targets[rows], x_codes, y_codes, shape, info.aggregate)
    z_points = cell[y_codes, x_codes]
    px, py = _coordinates(xaxis, rows), _coordinates(yaxis, rows)
    xi, yi = _grid_axis(xaxis), _grid_axis(yaxis)
    flat = (_nearest(yi, py) * CONTOUR_POINT_NUM + _nearest(xi, px)).tolist()
    known = dict(zip(flat, z_points.tolist()))
    zi = fill_grid(known, CONTOUR_POINT_NUM)
    ax.contour(xi, yi, zi, 15, linewidths=0.5, colors="k")
    filled = ax.contourf(xi, yi, zi, 15, cmap=cmap.reversed())
    ok = np.array([info.feasible[i] for i in rows.tolist()], dtype=bool)
    for mask, color in ((ok, "black"), (~ok, "#cccccc")):
        ax.scatter(px[mask], py[mask], marker="o", c=color, s=20, edgecolors="grey", linewidth=2.0)
    return filled


def _draw(plt: Any, info: ContourInfo) -> Any:
    names = info.params
    if len(names) <= 1:
        _, ax = plt.subplots()
        return ax
    cmap = plt.get_cmap("Blues" if info.reverse_scale else "Blues_r")
    if len(names) == 2:
        fig, axs = plt.subplots()
        axs.set_title("Contour Plot")
        filled = _subplot(axs, info, names[0], names[1], cmap)
        if filled is not None:
            fig.colorbar(filled).set_label(info.target_name)
        return axs
    n = len(names)
    fig, axs = plt.subplots(n, n)
    fig.suptitle("Contour Plot")
    first = None
    for col, x in enumerate(names):
        for row, y in enumerate(names):
            filled = _subplot(axs[row, col], info, x, y, cmap)
            if first is None and filled is not None:
                first = filled
    if first is not None:
        fig.colorbar(first, ax=axs).set_label(info.target_name)
    return axs
