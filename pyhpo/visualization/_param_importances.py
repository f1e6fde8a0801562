"""``plot_param_importances``: a horizontal bar per parameter, its importance for the target."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from pyhpo.importance import get_param_importances
from pyhpo.logging import get_logger
from pyhpo.trial import TrialState
from pyhpo.visualization._utils import check_plot_args, filter_nonfinite, import_plotly, is_multi_objective

if TYPE_CHECKING:
    from collections.abc import Callable

    import plotly.graph_objects as go

    from pyhpo.distributions import BaseDistribution
    from pyhpo.importance import BaseImportanceEvaluator
    from pyhpo.study import Study
    from pyhpo.trial import FrozenTrial

__all__ = ["ImportancesInfo", "get_importances_infos", "param_distribution", "plot_param_importances"]

_logger = get_logger(__name__)


class ImportancesInfo(NamedTuple):
    """The importances for one target, least important first (the bottom-up order of a bar chart)."""

    importance_values: list[float]
    param_names: list[str]
    importance_labels: list[str]
    target_name: str


def _importances_info(
    study: Study,
    evaluator: BaseImportanceEvaluator | None,
    params: list[str] | None,
    target: Callable[[FrozenTrial], float] | None,
    target_name: str,
) -> ImportancesInfo:
    check_plot_args(study, target, target_name)
    trials = filter_nonfinite(study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)), target=target)
    if not trials:
        _logger.warning("Study instance does not contain completed trials.")
        return ImportancesInfo([], [], [], target_name)
    importances = get_param_importances(study, evaluator=evaluator, params=params, target=target)
    names = list(importances)[::-1]
    values = [importances[n] for n in names]
    labels = [f"{v:.2f}" if v >= 0.01 else "<0.01" for v in values]
    return ImportancesInfo(values, names, labels, target_name)


def _objective(index: int) -> Callable[[FrozenTrial], float]:
    def target(trial: FrozenTrial) -> float:
        return trial.values[index]  # type: ignore[index]

    return target


def get_importances_infos(
    study: Study,
    evaluator: BaseImportanceEvaluator | None,
    params: list[str] | None,
    target: Callable[[FrozenTrial], float] | None,
    target_name: str,
) -> tuple[ImportancesInfo, ...]:
    """What the importance plots draw: one info, or one per objective for a multi-objective study without
    ``target``. Metric names set on the study name the objectives when ``target`` is ``None``."""
    metric_names = study.metric_names
    if target is not None or not is_multi_objective(study):
        if target is None and metric_names is not None:
            target_name = metric_names[0]
        return (_importances_info(study, evaluator, params, target, target_name),)
    names = (
        metric_names
        if metric_names is not None
        else [f"{target_name} {i}" for i in range(len(study.directions))]
    )
    return tuple(
        _importances_info(study, evaluator, params, _objective(i), name) for i, name in enumerate(names)
    )


def param_distribution(study: Study, param_name: str) -> BaseDistribution:
    """The distribution of ``param_name`` in the first trial of ``study`` that has it."""
    for trial in study.get_trials(deepcopy=False):
        if param_name in trial.distributions:
            return trial.distributions[param_name]
    raise KeyError(f"No trial of study {study.study_name!r} has the parameter {param_name!r}.")


def plot_param_importances(
    study: Study,
    evaluator: BaseImportanceEvaluator | None = None,
    params: list[str] | None = None,
    *,
    target: Callable[[FrozenTrial], float] | None = None,
    target_name: str = "Objective Value",
) -> go.Figure:
    """Plot how much each parameter matters for the target, as computed by :func:`pyhpo.importance.get_param_importances`.

    Args:
        study: An optimized study.
        evaluator: The importance evaluator; ``None`` uses :func:`~pyhpo.importance.get_param_importances`'s
            default.
        params: The parameters to assess; ``None`` assesses what the evaluator assesses by default.
        target: The value importances are computed for; ``None`` uses the objective value, or, for a
            multi-objective study, draws one set of bars per objective.
        target_name: The legend name of the target (the study's metric names win when ``target`` is ``None``).

    Returns:
        A :class:`plotly.graph_objects.Figure`.
    """
    go = import_plotly()
    infos = get_importances_infos(study, evaluator, params, target, target_name)
    layout = go.Layout(
        title="Hyperparameter Importances",
        xaxis={"title": "Hyperparameter Importance"},
        yaxis={"title": "Hyperparameter"},
    )
    data = []
    for info in infos:
        if not info.importance_values:
            continue
        hover = [
            f"{name} ({type(param_distribution(study, name)).__name__}): {value}<extra></extra>"
            for name, value in zip(info.param_names, info.importance_values)
        ]
        data.append(
            go.Bar(
                x=info.importance_values,
                y=info.param_names,
                name=info.target_name,
                text=info.importance_labels,
                textposition="outside",
                cliponaxis=False,  # keeps the value labels of the longest bars visible
                hovertemplate=hover,
                orientation="h",
            )
        )
    return go.Figure(data, layout)
