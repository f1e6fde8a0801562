"""``plot_param_importances`` drawn with matplotlib, from the same info as the plotly figure."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from pyhpo._experimental import experimental_func
from pyhpo.visualization._param_importances import ImportancesInfo, get_importances_infos
from pyhpo.visualization.matplotlib._utils import new_axes

if TYPE_CHECKING:
    from collections.abc import Callable

    from matplotlib.axes import Axes

    from pyhpo.importance import BaseImportanceEvaluator
    from pyhpo.study import Study
    from pyhpo.trial import FrozenTrial

__all__ = ["plot_param_importances"]

# Room left right of the longest label, as a share of its right edge.
_PADDING = 1.05


def _label_bars(ax: Axes, info: ImportancesInfo, offset: float) -> None:
    """Write each importance next to its bar, widening the x axis where a label would overflow it."""
    renderer = ax.figure.canvas.get_renderer()  # type: ignore[attr-defined]
    for i, (value, label) in enumerate(zip(info.importance_values, info.importance_labels)):
        text = ax.text(value, i + offset, label, va="center")
        # The inverse transform is taken anew for each label: widening the axis changes it.
        right = text.get_window_extent(renderer).transformed(ax.transData.inverted()).xmax
        if right > ax.get_xlim()[1]:
            ax.set_xlim(right=_PADDING * right)


@experimental_func("2.2.0")
def plot_param_importances(
    study: Study,
    evaluator: BaseImportanceEvaluator | None = None,
    params: list[str] | None = None,
    *,
    target: Callable[[FrozenTrial], float] | None = None,
    target_name: str = "Objective Value",
) -> Axes:
    """Plot how much each parameter matters for the target, with matplotlib.

    See :func:`pyhpo.visualization.plot_param_importances` for the arguments.

    Returns:
        A :class:`matplotlib.axes.Axes`.
    """
    infos = get_importances_infos(study, evaluator, params, target, target_name)
    plt, ax = new_axes("Hyperparameter Importances", "Hyperparameter Importance", "Hyperparameter")
    ax.set_title("")  # this plot's title sits on the left, not in the centre
    ax.set_title("Hyperparameter Importances", loc="left")
    height = 0.8 / len(infos)
    drawn = False
    for index, info in enumerate(infos):
        if not info.importance_values:
            continue
        positions = np.arange(len(info.param_names))
        offset = height * index
        ax.barh(
            positions + offset,
            info.importance_values,
            height=height,
            align="center",
            label=info.target_name,
            color=plt.get_cmap("tab20c")(index),
        )
        _label_bars(ax, info, offset)
        ax.set_yticks(positions + offset / 2, info.param_names)
        drawn = True
    if drawn:
        ax.legend(loc="best")
    return ax
