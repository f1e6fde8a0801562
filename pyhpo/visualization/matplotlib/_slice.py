"""``plot_slice`` drawn with matplotlib, from the same :func:`~pyhpo.visualization._slice.get_slice_info`."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, cast

from pyhpo._experimental import experimental_func
from pyhpo.visualization._params import PADDING_RATIO, Target
from pyhpo.visualization._slice import SliceInfo, SliceSubplotInfo, get_slice_info
from pyhpo.visualization.matplotlib._utils import import_pyplot

if TYPE_CHECKING:
    import numpy as np
    from matplotlib.axes import Axes

    from pyhpo.study import Study

__all__ = ["plot_slice"]


@experimental_func("2.2.0")
def plot_slice(
    study: Study,
    params: list[str] | None = None,
    *,
    target: Target | None = None,
    target_name: str = "Objective Value",
) -> Axes | np.ndarray:
    """Plot each parameter's values against the target with matplotlib, one scatter per parameter.

    See :func:`pyhpo.visualization.plot_slice` for the arguments.

    Returns:
        One :class:`matplotlib.axes.Axes`, or a numpy array of them when several parameters are plotted.
    """
    plt = import_pyplot()
    info = get_slice_info(study, params, target, target_name)
    with plt.style.context("ggplot"):
        return cast("Axes | np.ndarray", _draw(plt, info))


def _limits(values: list[Any], scale: str | None) -> tuple[float, float]:
    if scale == "categorical":
        width = len(set(values)) - 1
        return -width * PADDING_RATIO, width + width * PADDING_RATIO
    lo, hi = min(values), max(values)
    if scale == "log":
        pad = (math.log10(hi) - math.log10(lo)) * PADDING_RATIO
        return 10 ** (math.log10(lo) - pad), 10 ** (math.log10(hi) + pad)
    pad = (hi - lo) * PADDING_RATIO
    return lo - pad, hi + pad


def _subplot(ax: Any, sub: SliceSubplotInfo, cmap: Any, target_name: str) -> Any:
    ax.set(xlabel=sub.param_name, ylabel=target_name)
    scale = None
    if sub.is_log:
        ax.set_xscale("log")
        scale = "log"
    if not sub.is_numerical:
        scale = "categorical"
    all_x = sub.feasible.x + sub.infeasible.x
    if all_x:
        ax.set_xlim(*_limits(all_x, scale))
    collection = ax.scatter(
        sub.feasible.x, sub.feasible.y, c=sub.feasible.trial_numbers, cmap=cmap, edgecolors="grey"
    )
    ax.scatter(sub.infeasible.x, sub.infeasible.y, c="#cccccc", label="Infeasible Trial")
    ax.label_outer()
    return collection


def _draw(plt: Any, info: SliceInfo) -> Any:
    import matplotlib

    if not info.subplots:
        _, ax = plt.subplots()
        return ax
    cmap = plt.get_cmap("Blues")
    if len(info.subplots) == 1:
        fig, axs = plt.subplots()
        axs.set_title("Slice Plot")
        collection = _subplot(axs, info.subplots[0], cmap, info.target_name)
    else:
        width, height = matplotlib.rcParams["figure.figsize"]
        # Half the default width per subplot, so that many parameters stay readable.
        fig, axs = plt.subplots(
            1, len(info.subplots), sharey=True, figsize=(width / 2 * len(info.subplots), height)
        )
        fig.suptitle("Slice Plot")
        for ax, sub in zip(axs, info.subplots):
            collection = _subplot(ax, sub, cmap, info.target_name)
    colorbar = fig.colorbar(collection, ax=axs)
    colorbar.set_label("Trial")
    return axs
