"""``plot_optimization_history`` drawn with matplotlib, from the same info as the plotly figure."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from pyhpo._experimental import experimental_func
from pyhpo.visualization._optimization_history import (
    get_optimization_history_info_list,
    split_by_feasibility,
    warn_if_error_bars_skip_trials,
)
from pyhpo.visualization.matplotlib._utils import new_axes

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from matplotlib.axes import Axes

    from pyhpo.study import Study
    from pyhpo.trial import FrozenTrial

__all__ = ["plot_optimization_history"]


@experimental_func("2.2.0")
def plot_optimization_history(
    study: Study | Sequence[Study],
    *,
    target: Callable[[FrozenTrial], float] | None = None,
    target_name: str = "Objective Value",
    error_bar: bool = False,
) -> Axes:
    """Plot the target value of every trial against its number, with the best value so far, with matplotlib.

    See :func:`pyhpo.visualization.plot_optimization_history` for the arguments.

    Returns:
        A :class:`matplotlib.axes.Axes`.
    """
    info_list = get_optimization_history_info_list(study, target, target_name, error_bar)
    plt, ax = new_axes("Optimization History Plot", "Trial", target_name, tight_layout=True)
    cmap = plt.get_cmap("tab10")
    single = len(info_list) == 1
    for i, info in enumerate(info_list):
        values_info, best = info.values_info, info.best_values_info
        if values_info.stds is not None:
            warn_if_error_bars_skip_trials(values_info)
            feasible_x, feasible_y = info.trial_numbers, values_info.values
            infeasible_x: list[int] = []
            infeasible_y: list[float] = []
            ax.errorbar(
                x=feasible_x, y=feasible_y, yerr=values_info.stds, capsize=5, fmt="o", color="tab:blue"
            )
        else:
            feasible_x, feasible_y, infeasible_x, infeasible_y = split_by_feasibility(info)
        ax.scatter(
            x=feasible_x,
            y=feasible_y,
            color=cmap(0) if single else cmap(2 * i),
            alpha=1,
            label=values_info.label_name,
        )
        if best is not None:
            ax.plot(
                info.trial_numbers,
                best.values,
                color=cmap(3) if single else cmap(2 * i + 1),
                alpha=0.5,
                label=best.label_name,
            )
            if best.stds is not None:
                mean, std = np.asarray(best.values), np.asarray(best.stds)
                ax.fill_between(
                    x=info.trial_numbers, y1=mean - std, y2=mean + std, color="tab:red", alpha=0.4
                )
        ax.scatter(x=infeasible_x, y=infeasible_y, color="#cccccc")
    if info_list:
        ax.legend(bbox_to_anchor=(1.05, 1.0), loc="upper left")
    return ax
