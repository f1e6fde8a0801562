"""``plot_terminator_improvement``: how much the best value could still improve, after each trial.

:func:`get_improvement_info` evaluates the terminator's improvement (and, if asked, error) evaluator on the
complete trials known after each trial of the study; both backends draw from it. The curve is drawn pale up
to ``min_n_trials``, where the terminator does not act yet, and the y range is chosen from the trials after
it, so that the early, large potentials do not flatten the rest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from pyhpo._experimental import experimental_func
from pyhpo._values import TrialState
from pyhpo.logging import get_logger
from pyhpo.terminator import (
    BaseErrorEvaluator,
    BaseImprovementEvaluator,
    BestValueStagnationEvaluator,
    CrossValidationErrorEvaluator,
    RegretBoundEvaluator,
    StaticErrorEvaluator,
)
from pyhpo.terminator.improvement.evaluator import DEFAULT_MIN_N_TRIALS
from pyhpo.visualization._utils import import_plotly, is_multi_objective

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from pyhpo._values import FrozenTrial
    from pyhpo.study import Study

__all__ = ["ImprovementInfo", "get_improvement_info", "improvement_y_range", "plot_terminator_improvement"]

_logger = get_logger(__name__)

# Share of the y span added above and below the curves.
PADDING_RATIO_Y = 0.05
# Opacity of the curve before min_n_trials.
OPACITY = 0.25


class ImprovementInfo(NamedTuple):
    """Per trial (from the first complete one on): its number, the improvement, and the error if asked."""

    trial_numbers: list[int]
    improvements: list[float]
    errors: list[float] | None


def get_improvement_info(
    study: Study,
    get_error: bool = False,
    improvement_evaluator: BaseImprovementEvaluator | None = None,
    error_evaluator: BaseErrorEvaluator | None = None,
) -> ImprovementInfo:
    """Evaluate the improvement (and error) after each trial of ``study`` (shared by both backends).

    Raises:
        ValueError: ``study`` has more than one objective.
    """
    if is_multi_objective(study):
        raise ValueError("This function does not support multi-objective optimization study.")
    if improvement_evaluator is None:
        improvement_evaluator = RegretBoundEvaluator()
    if error_evaluator is None:
        # A stagnation count has no noise to compare with: its natural threshold is zero.
        if isinstance(improvement_evaluator, BestValueStagnationEvaluator):
            error_evaluator = StaticErrorEvaluator(constant=0)
        else:
            error_evaluator = CrossValidationErrorEvaluator()

    direction = study.direction
    numbers: list[int] = []
    improvements: list[float] = []
    errors: list[float] = []
    completed: list[FrozenTrial] = []
    for trial in study.get_trials(deepcopy=False):
        if trial.state == TrialState.COMPLETE:
            completed.append(trial)
        if not completed:
            continue
        numbers.append(trial.number)
        improvements.append(improvement_evaluator.evaluate(trials=list(completed), study_direction=direction))
        if get_error:
            errors.append(error_evaluator.evaluate(trials=list(completed), study_direction=direction))
    return ImprovementInfo(numbers, improvements, errors if errors else None)


def improvement_y_range(info: ImprovementInfo, min_n_trials: int) -> tuple[float, float]:
    """The y range: everything at the bottom, but only trials after ``min_n_trials`` (if any) at the top."""
    low = min(info.improvements)
    high = (
        max(info.improvements[min_n_trials:])
        if len(info.trial_numbers) > min_n_trials
        else max(info.improvements)
    )
    if info.errors is not None:
        low = min(low, min(info.errors))
        high = max(high, max(info.errors))
    pad = (high - low) * PADDING_RATIO_Y
    return low - pad, high + pad


@experimental_func("3.2.0")
def plot_terminator_improvement(
    study: Study,
    plot_error: bool = False,
    improvement_evaluator: BaseImprovementEvaluator | None = None,
    error_evaluator: BaseErrorEvaluator | None = None,
    min_n_trials: int = DEFAULT_MIN_N_TRIALS,
) -> go.Figure:
    """Plot the improvement potential of the objective after each trial, optionally with the error.

    This tells whether going on is worth it: the terminator stops a study once the improvement falls below
    the error. Evaluating a GP-based evaluator after every trial takes time on long studies.

    Args:
        study: A single-objective study.
        plot_error: Also plot the error of ``error_evaluator``.
        improvement_evaluator: Defaults to :class:`~pyhpo.terminator.RegretBoundEvaluator`.
        error_evaluator: Defaults to :class:`~pyhpo.terminator.CrossValidationErrorEvaluator`
            (:class:`~pyhpo.terminator.StaticErrorEvaluator` with constant 0 for a
            :class:`~pyhpo.terminator.BestValueStagnationEvaluator`).
        min_n_trials: Trials before which the terminator does not act; their improvements are drawn pale.

    Returns:
        A :class:`plotly.graph_objects.Figure`.

    Raises:
        ValueError: ``study`` is multi-objective.
    """
    go = import_plotly()
    info = get_improvement_info(study, plot_error, improvement_evaluator, error_evaluator)
    return _draw(go, info, min_n_trials)


def _improvement_scatter(
    go: Any, numbers: list[int], values: list[float], opacity: float, legend: bool
) -> Any:
    color = f"rgba(99, 110, 250, {opacity})"
    return go.Scatter(
        x=numbers,
        y=values,
        mode="markers+lines",
        marker={"color": color},
        line={"color": color},
        name="Terminator Improvement",
        showlegend=legend,
        legendgroup="improvement",
    )


def _draw(go: Any, info: ImprovementInfo, min_n_trials: int) -> Any:
    figure = go.Figure(
        layout=go.Layout(
            title="Terminator Improvement Plot",
            xaxis={"title": "Trial"},
            yaxis={"title": "Terminator Improvement"},
        )
    )
    n = len(info.trial_numbers)
    if n == 0:
        _logger.warning("There are no complete trials.")
        return figure
    head = min_n_trials + 1
    figure.add_trace(
        _improvement_scatter(
            go, info.trial_numbers[:head], info.improvements[:head], OPACITY, n <= min_n_trials
        )
    )
    if n > min_n_trials:
        figure.add_trace(
            _improvement_scatter(
                go, info.trial_numbers[min_n_trials:], info.improvements[min_n_trials:], 1.0, True
            )
        )
    if info.errors is None:
        figure.add_trace(go.Scatter())
    else:
        red = "rgb(239, 85, 59)"
        figure.add_trace(
            go.Scatter(
                x=info.trial_numbers,
                y=info.errors,
                mode="markers+lines",
                name="Error",
                marker={"color": red},
                line={"color": red},
            )
        )
    figure.update_yaxes(range=improvement_y_range(info, min_n_trials))
    return figure
