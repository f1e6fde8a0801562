"""``plot_edf`` drawn with matplotlib, from the same info as the plotly figure."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyhpo._experimental import experimental_func
from pyhpo.visualization._edf import get_edf_info
from pyhpo.visualization.matplotlib._utils import new_axes

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from matplotlib.axes import Axes

    from pyhpo.study import Study
    from pyhpo.trial import FrozenTrial

__all__ = ["plot_edf"]


@experimental_func("2.2.0")
def plot_edf(
    study: Study | Sequence[Study],
    *,
    target: Callable[[FrozenTrial], float] | None = None,
    target_name: str = "Objective Value",
) -> Axes:
    """Plot the empirical distribution function of the target values of one or more studies, with matplotlib.

    See :func:`pyhpo.visualization.plot_edf` for the arguments.

    Returns:
        A :class:`matplotlib.axes.Axes`.
    """
    plt, ax = new_axes("Empirical Distribution Function Plot", target_name, "Cumulative Probability")
    ax.set_ylim(0, 1)
    info = get_edf_info(study, target, target_name)
    cmap = plt.get_cmap("tab20")
    for i, line in enumerate(info.lines):
        ax.plot(info.x_values, line.y_values, color=cmap(i), alpha=0.7, label=line.study_name)
    if len(info.lines) >= 2:
        ax.legend()
    return ax
