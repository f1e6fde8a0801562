"""``plot_rank`` drawn with matplotlib, from the same :func:`~pyhpo.visualization._rank.get_rank_info`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from pyhpo._experimental import experimental_func
from pyhpo.visualization._rank import RankInfo, RankSubplotInfo, get_rank_info, tick_info
from pyhpo.visualization.matplotlib._utils import import_pyplot

if TYPE_CHECKING:
    import numpy as np
    from matplotlib.axes import Axes

    from pyhpo.study import Study
    from pyhpo.visualization._params import Target

__all__ = ["plot_rank"]


@experimental_func("3.2.0")
def plot_rank(
    study: Study,
    params: list[str] | None = None,
    *,
    target: Target | None = None,
    target_name: str = "Objective Value",
) -> Axes | np.ndarray:
    """Plot each pair of parameters as a scatter coloured by the rank of the target, with matplotlib.

    See :func:`pyhpo.visualization.plot_rank` for the arguments.

    Returns:
        One :class:`matplotlib.axes.Axes` for one or two parameters, else a numpy array of them.
    """
    plt = import_pyplot()
    info = get_rank_info(study, params, target, target_name)
    with plt.style.context("ggplot"):
        return cast("Axes | np.ndarray", _draw(plt, info))


def _subplot(ax: Any, sub: RankSubplotInfo, x_label: bool = True, y_label: bool = True) -> Any:
    if x_label:
        ax.set_xlabel(sub.xaxis.name)
    if y_label:
        ax.set_ylabel(sub.yaxis.name)
    if not sub.xaxis.is_cat:
        ax.set_xlim(*sub.xaxis.range)
    if not sub.yaxis.is_cat:
        ax.set_ylim(*sub.yaxis.range)
    if sub.xaxis.is_log:
        ax.set_xscale("log")
    if sub.yaxis.is_log:
        ax.set_yscale("log")
    return ax.scatter(
        x=[str(v) for v in sub.xs] if sub.xaxis.is_cat else sub.xs,
        y=[str(v) for v in sub.ys] if sub.yaxis.is_cat else sub.ys,
        c=sub.colors / 255,
        edgecolors="grey",
    )


def _draw(plt: Any, info: RankInfo) -> Any:
    title = f"Rank ({info.target_name})"
    n = len(info.params)
    if n == 0:
        _, ax = plt.subplots()
        ax.set_title(title)
        return ax
    if n <= 2:
        fig, axs = plt.subplots()
        axs.set_title(title)
        points = _subplot(axs, info.sub_plot_infos[0][0])
    else:
        fig, axs = plt.subplots(n, n)
        fig.suptitle(title)
        for row in range(n):
            for col in range(n):
                points = _subplot(
                    axs[row, col], info.sub_plot_infos[row][col], x_label=row == n - 1, y_label=col == 0
                )
    ticks = tick_info(info.zs)
    points.set_cmap(plt.get_cmap("RdYlBu_r"))
    colorbar = fig.colorbar(points, ax=axs, ticks=ticks.coloridxs)
    colorbar.ax.set_yticklabels(ticks.text)
    colorbar.outline.set_edgecolor("gray")
    return axs
