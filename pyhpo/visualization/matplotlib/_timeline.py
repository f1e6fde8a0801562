"""``plot_timeline`` drawn with matplotlib, from the same info as the plotly figure."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from pyhpo._experimental import experimental_func
from pyhpo.visualization._timeline import (
    INFEASIBLE_KEY,
    bar_state_name,
    check_n_recent_trials,
    get_timeline_info,
)
from pyhpo.visualization.matplotlib._utils import new_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from pyhpo.study import Study

__all__ = ["plot_timeline"]

# Legend order and colours (matplotlib's tab palette, close to the plotly figure's).
_COLORS = {
    "COMPLETE": "tab:blue",
    "FAIL": "tab:red",
    "PRUNED": "tab:orange",
    INFEASIBLE_KEY: "#CCCCCC",
    "RUNNING": "tab:green",
    "WAITING": "tab:gray",
}


@experimental_func("3.2.0")
def plot_timeline(study: Study, n_recent_trials: int | None = None) -> Axes:
    """Plot when each trial started and ended, one bar per trial coloured by its state, with matplotlib.

    See :func:`pyhpo.visualization.plot_timeline` for the arguments.

    Returns:
        A :class:`matplotlib.axes.Axes`.

    Raises:
        ValueError: ``n_recent_trials`` is 0 or negative.
    """
    check_n_recent_trials(n_recent_trials)
    info = get_timeline_info(study, n_recent_trials)
    _plt, ax = new_axes("Timeline Plot", "Datetime", "Trial")
    if not info.bars:
        return ax
    import matplotlib.dates
    import matplotlib.patches
    import matplotlib.ticker

    names = [bar_state_name(b) for b in info.bars]
    ax.barh(
        y=[b.number for b in info.bars],
        width=[b.complete - b.start for b in info.bars],  # type: ignore[arg-type]
        left=[b.start for b in info.bars],  # type: ignore[arg-type]
        color=[_COLORS[n] for n in names],
    )
    present = set(names)
    handles = [matplotlib.patches.Patch(color=c, label=n) for n, c in _COLORS.items() if n in present]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.05, 1.0))
    figure = cast("Figure", ax.figure)  # an Axes made by plt.subplots sits on a Figure, not a SubFigure
    figure.tight_layout()
    first = min(b.start for b in info.bars)
    last = max(b.complete for b in info.bars)
    margin = (last - first) * 0.05
    ax.set_xlim(left=first - margin, right=last + margin)  # type: ignore[arg-type]
    ax.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    ax.xaxis.set_major_formatter(matplotlib.dates.DateFormatter("%H:%M:%S"))  # type: ignore[no-untyped-call]
    figure.autofmt_xdate()
    return ax
