"""``plot_intermediate_values`` drawn with matplotlib, from the same info as the plotly figure."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyhpo._experimental import experimental_func
from pyhpo.visualization._intermediate_values import get_intermediate_plot_info
from pyhpo.visualization.matplotlib._utils import new_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from pyhpo.study import Study

__all__ = ["plot_intermediate_values"]


@experimental_func("2.2.0")
def plot_intermediate_values(study: Study) -> Axes:
    """Plot the intermediate values of every trial, one line per trial, with matplotlib.

    Args:
        study: The study whose trials' intermediate values are plotted.

    Returns:
        A :class:`matplotlib.axes.Axes`.
    """
    info = get_intermediate_plot_info(study)
    plt, ax = new_axes("Intermediate Values Plot", "Step", "Intermediate Value", tight_layout=True)
    cmap = plt.get_cmap("tab20")
    for i, curve in enumerate(info.trial_infos):
        ax.plot(
            [step for step, _ in curve.sorted_intermediate_values],
            [value for _, value in curve.sorted_intermediate_values],
            color=cmap(i) if curve.feasible else "#CCCCCC",
            marker=".",
            alpha=0.7,
            label=f"Trial{curve.trial_number}",
        )
    if len(info.trial_infos) >= 2:
        ax.legend(bbox_to_anchor=(1.05, 1), loc="upper left", borderaxespad=0.0)
    return ax
