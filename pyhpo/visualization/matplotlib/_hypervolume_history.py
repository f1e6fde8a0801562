"""``plot_hypervolume_history`` drawn with matplotlib, from the same info as the plotly figure."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyhpo._experimental import experimental_func
from pyhpo.visualization._hypervolume_history import check_hypervolume_args, get_hypervolume_history_info
from pyhpo.visualization.matplotlib._utils import new_axes

if TYPE_CHECKING:
    from collections.abc import Sequence

    from matplotlib.axes import Axes

    from pyhpo.study import Study

__all__ = ["plot_hypervolume_history"]


@experimental_func("3.3.0")
def plot_hypervolume_history(study: Study, reference_point: Sequence[float]) -> Axes:
    """Plot the hypervolume of the Pareto front after each completed trial, with matplotlib.

    See :func:`pyhpo.visualization.plot_hypervolume_history` for the arguments. Adjust the figure size yourself
    (``plt.tight_layout()`` or ``savefig(..., bbox_inches="tight")``).

    Returns:
        A :class:`matplotlib.axes.Axes`.

    Raises:
        ValueError: the study has one objective, or ``reference_point`` has another dimension.
    """
    info = get_hypervolume_history_info(study, check_hypervolume_args(study, reference_point))
    plt, ax = new_axes("Hypervolume History Plot", "Trial", "Hypervolume")
    ax.plot(info.trial_numbers, info.values, marker="o", color=plt.get_cmap("tab10")(0), alpha=0.5)
    return ax
