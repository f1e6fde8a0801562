"""``plot_pareto_front`` drawn with matplotlib, from the same info as the plotly figure."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pyhpo._experimental import experimental_func
from pyhpo.visualization._pareto_front import ParetoFrontInfo, get_pareto_front_info
from pyhpo.visualization.matplotlib._utils import import_pyplot

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from matplotlib.axes import Axes

    from pyhpo.study import Study
    from pyhpo.trial import FrozenTrial

__all__ = ["plot_pareto_front"]


def _draw(info: ParetoFrontInfo) -> Axes:
    plt = import_pyplot()
    plt.style.use("ggplot")
    three_d = info.n_targets == 3
    if three_d:
        ax: Any = plt.figure().add_subplot(projection="3d")
    else:
        _, ax = plt.subplots()
    ax.set_title("Pareto-front Plot")
    names = [info.target_names[i] for i in info.axis_order]
    ax.set_xlabel(names[0])
    ax.set_ylabel(names[1])
    if three_d:
        ax.set_zlabel(names[2])
    cmap = plt.get_cmap("tab10")
    keys = ("xs", "ys", "zs") if three_d else ("x", "y")
    trial_label = "Feasible Trial" if info.infeasible_trials_with_values else "Trial"
    groups = (
        (info.infeasible_trials_with_values, "#cccccc", "Infeasible Trial"),
        (info.non_best_trials_with_values, cmap(0), trial_label),
        (info.best_trials_with_values, cmap(3), "Best Trial"),
    )
    for items, color, label in groups:
        if not items:
            continue
        coords = {key: [v[info.axis_order[i]] for _, v in items] for i, key in enumerate(keys)}
        ax.scatter(**coords, color=color, label=label)
    if ax.has_data():
        ax.legend()
    return ax  # type: ignore[no-any-return]


@experimental_func("2.8.0")
def plot_pareto_front(
    study: Study,
    *,
    target_names: list[str] | None = None,
    include_dominated_trials: bool = True,
    constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None,
    targets: Callable[[FrozenTrial], Sequence[float]] | None = None,
) -> Axes:
    """Plot the target values of the completed trials, the Pareto-optimal ones in red, with matplotlib.

    See :func:`pyhpo.visualization.plot_pareto_front` for the arguments.

    Returns:
        A :class:`matplotlib.axes.Axes` (3-D axes for three targets).
    """
    return _draw(
        get_pareto_front_info(study, target_names, include_dominated_trials, constraints_func, targets)
    )
