"""``plot_pareto_front``: the objective values of a 2- or 3-objective study, the Pareto front highlighted."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from pyhpo._multi_objective import get_pareto_front_trials
from pyhpo.logging import get_logger
from pyhpo.trial import TrialState
from pyhpo.visualization._utils import import_plotly, make_hovertext, satisfies_constraints

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from pyhpo.study import Study
    from pyhpo.trial import FrozenTrial

__all__ = ["ParetoFrontInfo", "get_pareto_front_info", "plot_pareto_front"]

_logger = get_logger(__name__)

TrialsWithValues = list[tuple["FrozenTrial", list[float]]]


class ParetoFrontInfo(NamedTuple):
    """The trials to draw, split into best (on the feasible front), other feasible, and infeasible."""

    n_targets: int
    target_names: list[str]
    best_trials_with_values: TrialsWithValues
    non_best_trials_with_values: TrialsWithValues
    infeasible_trials_with_values: TrialsWithValues
    axis_order: list[int]
    include_dominated_trials: bool
    has_constraints: bool


def _with_values(
    trials: list[FrozenTrial], targets: Callable[[FrozenTrial], Sequence[float]]
) -> TrialsWithValues:
    out: TrialsWithValues = []
    for trial in trials:
        values = targets(trial)
        if not isinstance(values, Sequence):
            raise ValueError(  # noqa: TRY004 - Optuna raises ValueError here
                f"`targets` should return a sequence of target values, but it returned {type(values)} "
                f"for trial {trial.number}."
            )
        out.append((trial, list(values)))
    return out


def _study_values(trial: FrozenTrial) -> Sequence[float]:
    return trial.values  # type: ignore[return-value]


def get_pareto_front_info(
    study: Study,
    target_names: list[str] | None = None,
    include_dominated_trials: bool = True,
    constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None,
    targets: Callable[[FrozenTrial], Sequence[float]] | None = None,
) -> ParetoFrontInfo:
    """What the Pareto front plots draw.

    Feasibility comes from ``constraints_func`` when given (deprecated, as in Optuna), else from the
    constraints stored on each trial. Which trials are best is decided among the feasible ones only.

    Raises:
        ValueError: the study has neither 2 nor 3 objectives and no ``targets``; ``targets`` does not return
            a sequence, or returns neither 2 nor 3 values; ``target_names`` has the wrong length; or
            ``targets`` is given for a study without completed trials and ``target_names`` is not.
    """
    if constraints_func is not None:
        warnings.warn(
            "`constraints_func` has been deprecated in v4.0.0. This feature will be removed in v6.0.0. "
            "See https://github.com/optuna/optuna/releases/tag/v4.0.0.",
            FutureWarning,
            stacklevel=3,
        )
    n_objectives = len(study.directions)
    if targets is None and n_objectives not in (2, 3):
        raise ValueError(
            "`plot_pareto_front` function only supports 2 or 3 objective studies when using `targets` is "
            f"`None`; this study has {n_objectives}. Please use `targets` if your objective studies have more "
            "than 3 objectives."
        )
    feasible: list[FrozenTrial] = []
    infeasible: list[FrozenTrial] = []
    has_constraints = False
    for trial in study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)):
        if constraints_func is not None:
            has_constraints = True
            ok = all(c <= 0.0 for c in constraints_func(trial))
        else:
            has_constraints = has_constraints or bool(trial.constraints)
            ok = satisfies_constraints(trial)
        (feasible if ok else infeasible).append(trial)
    best = get_pareto_front_trials(feasible, study.directions)
    if include_dominated_trials:
        best_numbers = {t.number for t in best}
        non_best = [t for t in feasible if t.number not in best_numbers]
    else:
        non_best = []
    if not best:
        what = "completed and feasible" if has_constraints else "completed"
        _logger.warning(f"Your study does not have any {what} trials. ")
    get_targets = targets if targets is not None else _study_values
    best_v = _with_values(best, get_targets)
    non_best_v = _with_values(non_best, get_targets)
    infeasible_v = _with_values(infeasible, get_targets)
    sample = best_v or infeasible_v
    if sample:
        n_targets = len(sample[0][1])
    elif target_names is not None:
        n_targets = len(target_names)
    elif targets is None:
        n_targets = n_objectives
    else:
        raise ValueError("If `targets` is specified for empty studies, `target_names` must be specified.")
    if n_targets not in (2, 3):
        raise ValueError(
            f"`plot_pareto_front` function only supports 2 or 3 targets. you used {n_targets} targets now."
        )
    if target_names is None:
        names = study.metric_names
        target_names = list(names) if names is not None else [f"Objective {i}" for i in range(n_targets)]
    elif len(target_names) != n_targets:
        raise ValueError(
            f"The length of `target_names` is supposed to be {n_targets}, got {len(target_names)}: {target_names!r}."
        )
    return ParetoFrontInfo(
        n_targets=n_targets,
        target_names=target_names,
        best_trials_with_values=best_v,
        non_best_trials_with_values=non_best_v,
        infeasible_trials_with_values=infeasible_v,
        axis_order=list(range(n_targets)),
        include_dominated_trials=include_dominated_trials,
        has_constraints=has_constraints,
    )


def _marker(trials: list[FrozenTrial], kind: str, include_dominated_trials: bool) -> dict[str, Any]:
    if kind == "infeasible":
        return {"color": "#cccccc"}
    numbers = [t.number for t in trials]
    if kind == "dominated":
        return {
            "line": {"width": 0.5, "color": "Grey"},
            "color": numbers,
            "colorscale": "Blues",
            "colorbar": {"title": "Trial"},
        }
    return {
        "line": {"width": 0.5, "color": "Grey"},
        "color": numbers,
        "colorscale": "Reds",
        "colorbar": {"title": "Best Trial", "x": 1.1 if include_dominated_trials else 1, "xpad": 40},
    }


def _scatter(go: Any, info: ParetoFrontInfo, items: TrialsWithValues, kind: str, label: str) -> Any:
    trials = [t for t, _ in items]
    axes = {name: [v[info.axis_order[i]] for _, v in items] for i, name in enumerate("xyz"[: info.n_targets])}
    cls = go.Scatter if info.n_targets == 2 else go.Scatter3d
    return cls(
        **axes,
        text=[make_hovertext(t) for t in trials],
        mode="markers",
        hovertemplate="%{text}<extra>" + label + "</extra>",
        marker=_marker(trials, kind, info.include_dominated_trials),
        showlegend=False,
    )


def plot_pareto_front(
    study: Study,
    *,
    target_names: list[str] | None = None,
    include_dominated_trials: bool = True,
    constraints_func: Callable[[FrozenTrial], Sequence[float]] | None = None,
    targets: Callable[[FrozenTrial], Sequence[float]] | None = None,
) -> go.Figure:
    """Plot the target values of the completed trials, the Pareto-optimal ones in red.

    Args:
        study: A study with 2 or 3 objectives (any number when ``targets`` is given).
        target_names: The axis titles; by default the study's metric names, else ``"Objective <i>"``. Required
            when ``targets`` is given and the study has no completed trial.
        include_dominated_trials: Also draw the feasible trials that are not on the front.
        constraints_func: Deprecated (as in Optuna since v4.0.0): a function returning a trial's constraint
            values (> 0 is violated). Without it, the constraints stored on each trial are used.
        targets: A function returning the 2 or 3 values to plot for a trial (default: its objective values).

    Returns:
        A :class:`plotly.graph_objects.Figure`.

    Raises:
        ValueError: see :func:`get_pareto_front_info`.
    """
    go = import_plotly()
    info = get_pareto_front_info(study, target_names, include_dominated_trials, constraints_func, targets)
    data = []
    if info.has_constraints:
        data.append(_scatter(go, info, info.infeasible_trials_with_values, "infeasible", "Infeasible Trial"))
        data.append(_scatter(go, info, info.non_best_trials_with_values, "dominated", "Feasible Trial"))
    else:
        data.append(_scatter(go, info, info.non_best_trials_with_values, "dominated", "Trial"))
    data.append(_scatter(go, info, info.best_trials_with_values, "best", "Best Trial"))
    names = [info.target_names[i] for i in info.axis_order]
    if info.n_targets == 2:
        layout = go.Layout(title="Pareto-front Plot", xaxis_title=names[0], yaxis_title=names[1])
    else:
        layout = go.Layout(
            title="Pareto-front Plot",
            scene={"xaxis_title": names[0], "yaxis_title": names[1], "zaxis_title": names[2]},
        )
    return go.Figure(data=data, layout=layout)
