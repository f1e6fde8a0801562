"""``plot_terminator_improvement`` drawn with matplotlib, from the same improvement info as the plotly figure."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from pyhpo._experimental import experimental_func
from pyhpo.logging import get_logger
from pyhpo.terminator.improvement.evaluator import DEFAULT_MIN_N_TRIALS
from pyhpo.visualization._terminator_improvement import (
    ImprovementInfo,
    get_improvement_info,
    improvement_y_range,
)
from pyhpo.visualization.matplotlib._utils import import_pyplot

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from pyhpo.study import Study
    from pyhpo.terminator import BaseErrorEvaluator, BaseImprovementEvaluator

__all__ = ["plot_terminator_improvement"]

_logger = get_logger(__name__)

# Transparency of the curve before min_n_trials.
ALPHA = 0.25


@experimental_func("3.2.0")
def plot_terminator_improvement(
    study: Study,
    plot_error: bool = False,
    improvement_evaluator: BaseImprovementEvaluator | None = None,
    error_evaluator: BaseErrorEvaluator | None = None,
    min_n_trials: int = DEFAULT_MIN_N_TRIALS,
) -> Axes:
    """Plot the improvement potential after each trial with matplotlib, optionally with the error.

    See :func:`pyhpo.visualization.plot_terminator_improvement` for the arguments.

    Returns:
        A :class:`matplotlib.axes.Axes`.
    """
    plt = import_pyplot()
    info = get_improvement_info(study, plot_error, improvement_evaluator, error_evaluator)
    with plt.style.context("ggplot"):
        return cast("Axes", _draw(plt, info, min_n_trials))


def _draw(plt: Any, info: ImprovementInfo, min_n_trials: int) -> Any:
    _, ax = plt.subplots()
    ax.set_title("Terminator Improvement Plot")
    ax.set_xlabel("Trial")
    ax.set_ylabel("Terminator Improvement")
    cmap = plt.get_cmap("tab10")
    n = len(info.trial_numbers)
    if n == 0:
        _logger.warning("There are no complete trials.")
        return ax
    head = min_n_trials + 1
    ax.plot(
        info.trial_numbers[:head],
        info.improvements[:head],
        marker="o",
        color=cmap(0),
        alpha=ALPHA,
        label="Terminator Improvement" if n <= min_n_trials else None,
    )
    if n > min_n_trials:
        ax.plot(
            info.trial_numbers[min_n_trials:],
            info.improvements[min_n_trials:],
            marker="o",
            color=cmap(0),
            label="Terminator Improvement",
        )
    if info.errors is not None:
        ax.plot(info.trial_numbers, info.errors, marker="o", color=cmap(3), label="Error")
    ax.legend()
    ax.set_ylim(improvement_y_range(info, min_n_trials))
    return ax
