"""What the parameter plots share beyond :mod:`pyhpo.visualization._utils`: trials, targets and parameter names.

``plot_parallel_coordinate``, ``plot_contour``, ``plot_slice``, ``plot_rank`` and their matplotlib twins all start
from the same questions: which trials count (complete ones), what the target of a trial is, which parameters
were asked for (Optuna's error for an unknown one), and whether a parameter is categorical. The argument checks,
the finite-target filter and the log/numeric tests of an axis are the package's shared ones in ``_utils``.

The names are public inside this private module so that the matplotlib package can use them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from pyhpo._values import FrozenTrial, TrialState
from pyhpo.distributions import CategoricalDistribution

if TYPE_CHECKING:
    from pyhpo.study import Study

__all__ = [
    "PADDING_RATIO",
    "Target",
    "complete_trials",
    "is_categorical",
    "prepared_figure",
    "resolve_target",
    "select_params",
]

Target = Callable[[FrozenTrial], float]

# Share of an axis' span added on both sides of the data (contour and rank plots).
PADDING_RATIO = 0.05


def _objective_value(trial: FrozenTrial) -> float:
    value = trial.value
    if value is None:
        raise ValueError(f"Trial {trial.number} has no objective value to plot")
    return value


def resolve_target(target: Target | None) -> Target:
    """``target`` itself, or the trial's single objective value when it is None."""
    return _objective_value if target is None else target


def complete_trials(study: Study) -> list[FrozenTrial]:
    """The study's COMPLETE trials, in trial order, without copies (plots only read them)."""
    return list(study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,)))


def is_categorical(trials: Sequence[FrozenTrial], param: str) -> bool:
    """Whether any trial sampled ``param`` from a categorical distribution."""
    return any(
        isinstance(t.distributions[param], CategoricalDistribution) for t in trials if param in t.params
    )


def select_params(trials: Sequence[FrozenTrial], params: Sequence[str] | None) -> list[str]:
    """The parameters to plot, sorted: all of them, or ``params`` after checking each exists.

    Raises:
        ValueError: a name in ``params`` is not a parameter of any of ``trials`` (Optuna's message).
    """
    known = {name for t in trials for name in t.params}
    if params is None:
        return sorted(known)
    if isinstance(params, str):
        raise TypeError(f"params must be a list of parameter names, got the string {params!r}")
    for name in params:
        if name not in known:
            raise ValueError(f"Parameter {name} does not exist in your study.")
    return sorted(set(params))


# plotly validates every element of every array it is given (each colour string of each marker), which is most
# of the time of a 10,000-trial figure, and does it again in add_trace. The traces built here have shapes that the tests validate once (plotly
# JSON with validate=True, and equality with Optuna's validated figures), so they are handed over without
# element-wise validation; what the user sets afterwards is validated as usual.


def prepared_figure(go: Any, data: list[Any], layout: Any, grid: Any = None) -> Any:
    """``go.Figure(data, layout)`` for traces built by this package, without element-wise validation.

    With ``grid`` (an empty figure from ``plotly.subplots.make_subplots``), the figure takes the grid's layout
    and subplot grid, so that ``row=``/``col=`` keep working on it; ``data`` then holds ``(trace, row, col)``
    and each trace is placed on its cell's axes (``plotly``'s ``add_trace`` would validate every element); a
    row of None leaves the trace on the default axes.
    """
    if grid is not None:
        placed = []
        for trace, row, col in data:
            if row is None:  # a trace of the whole figure (a colour bar), on the default axes
                placed.append(trace)
                continue
            cell = grid.get_subplot(row, col)
            x_ref, y_ref = (
                cell.xaxis.plotly_name.replace("axis", ""),
                cell.yaxis.plotly_name.replace("axis", ""),
            )
            placed.append({**trace, "xaxis": x_ref, "yaxis": y_ref})
        spec: Any = {
            "data": placed,
            "layout": grid.layout,
            "_grid_str": getattr(grid, "_grid_str", None),
            "_grid_ref": getattr(grid, "_grid_ref", None),
        }
        args: tuple[Any, ...] = (spec,)
        kwargs: dict[str, Any] = {}
    else:
        args, kwargs = (), {"data": data, "layout": layout}
    try:
        figure = go.Figure(*args, _validate=False, **kwargs)
    except TypeError:  # a plotly without the switch: validate, slower but the same figure
        return go.Figure(*args, **kwargs)
    if hasattr(figure, "_validate"):
        figure._validate = True
    return figure
