"""Helpers every plot of :mod:`pyhpo.visualization` shares, under public names so both backends may use them.

The plotting libraries are optional (the ``visualization`` extra): nothing here imports plotly at load time;
:func:`import_plotly` does it when a figure is drawn and says which extra to install when it is missing.
"""

from __future__ import annotations

import json
import math
import warnings
from typing import TYPE_CHECKING, Any

from pyhpo.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from pyhpo.logging import get_logger
from pyhpo.study import Study, StudyDirection

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from types import ModuleType

    from pyhpo.trial import FrozenTrial

__all__ = [
    "INSTALL_HINT",
    "as_study_list",
    "check_plot_args",
    "filter_nonfinite",
    "import_plotly",
    "is_available",
    "is_log_scale",
    "is_multi_objective",
    "is_numerical",
    "is_reverse_scale",
    "make_hovertext",
    "make_json_compatible",
    "plotly_color_scale",
    "satisfies_constraints",
]

_logger = get_logger(__name__)

INSTALL_HINT = 'pip install "pyhpo-opt[visualization]"'


def is_available() -> bool:
    """Whether plotly, which :mod:`pyhpo.visualization` draws with, can be imported.

    Returns:
        ``True`` if ``import plotly`` works; otherwise install it with ``pip install "pyhpo-opt[visualization]"``.
    """
    try:
        import plotly.graph_objects  # noqa: F401
    except ImportError:
        return False
    return True


def import_plotly() -> ModuleType:
    """Return :mod:`plotly.graph_objects`, or raise an ``ImportError`` that names the extra to install."""
    try:
        import plotly.graph_objects as go
    except ImportError as exc:
        raise ImportError(
            f"pyhpo.visualization draws with plotly, which is not installed ({exc}). Install it with: {INSTALL_HINT}"
        ) from exc
    return go  # type: ignore[no-any-return]


def plotly_color_scale() -> list[str]:
    """The sequential colour scale Optuna's plots use for trial-number colour bars (plotly's ``Blues``)."""
    import_plotly()
    import plotly.colors

    return list(plotly.colors.sequential.Blues)


def as_study_list(study: Study | Sequence[Study]) -> list[Study]:
    """One study or a sequence of studies, as a list."""
    return [study] if isinstance(study, Study) else list(study)


def is_multi_objective(study: Study) -> bool:
    """Whether ``study`` has more than one objective."""
    return len(study.directions) > 1


def check_plot_args(
    study: Study | Sequence[Study], target: Callable[[FrozenTrial], float] | None, target_name: str
) -> None:
    """Refuse a multi-objective study without ``target``; warn when ``target`` is given but not its name.

    Raises:
        ValueError: a study is multi-objective and ``target`` is ``None``.
    """
    if target is None and any(is_multi_objective(s) for s in as_study_list(study)):
        raise ValueError(
            "If the `study` is being used for multi-objective optimization, please specify the `target`, "
            "e.g. `target=lambda t: t.values[0]`."
        )
    if target is not None and target_name == "Objective Value":
        warnings.warn(
            "`target` is specified, but `target_name` is the default value, 'Objective Value'.",
            UserWarning,
            stacklevel=3,
        )


def _default_target(trial: FrozenTrial) -> float:
    return trial.value  # type: ignore[return-value]


def filter_nonfinite(
    trials: Sequence[FrozenTrial],
    target: Callable[[FrozenTrial], float] | None = None,
    with_message: bool = True,
) -> list[FrozenTrial]:
    """The trials whose target value (the objective value by default) is a finite number.

    A trial whose value is ``inf`` or ``nan`` is left out, with a log line when ``with_message``.

    Raises:
        ValueError or TypeError: a target value is not a number (after a warning naming the trial).
    """
    get = target if target is not None else _default_target
    kept: list[FrozenTrial] = []
    for trial in trials:
        raw = get(trial)
        try:
            value = float(raw)
        except (ValueError, TypeError):
            warnings.warn(
                f"Trial{trial.number}'s target value {raw!r} could not be cast to float.", stacklevel=2
            )
            raise
        if math.isfinite(value):
            kept.append(trial)
        elif with_message:
            _logger.warning(
                f"Trial {trial.number} is omitted in visualization because its objective value is inf or nan."
            )
    return kept


def satisfies_constraints(trial: FrozenTrial) -> bool:
    """Whether every constraint value stored on ``trial`` is ``<= 0`` (a trial without constraints does)."""
    return all(c <= 0.0 for c in trial.constraints.values())


def is_log_scale(trials: Sequence[FrozenTrial], param: str) -> bool:
    """Whether ``param``'s distribution (in the first trial that has it) is a log-scaled float or int."""
    for trial in trials:
        if param in trial.params:
            dist = trial.distributions[param]
            return isinstance(dist, (FloatDistribution, IntDistribution)) and dist.log
    return False


def is_numerical(trials: Sequence[FrozenTrial], param: str) -> bool:
    """Whether ``param`` can sit on a numeric axis: a float or int, or a categorical of numbers only (no bools)."""
    for trial in trials:
        if param in trial.params:
            dist = trial.distributions[param]
            if isinstance(dist, CategoricalDistribution):
                return all(isinstance(c, (int, float)) and not isinstance(c, bool) for c in dist.choices)
            return True
    return True


def is_reverse_scale(study: Study, target: Callable[[FrozenTrial], float] | None) -> bool:
    """Whether a colour scale should run reversed (smaller is better): a custom target or a minimized study."""
    return target is not None or study.direction == StudyDirection.MINIMIZE


def make_json_compatible(value: Any) -> Any:
    """``value`` itself when JSON can hold it, else its ``str``."""
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return str(value)
    return value


def make_hovertext(trial: FrozenTrial) -> str:
    """The hover text of a trial's marker: number, values, params and user attributes as indented JSON."""
    content: dict[str, Any] = {"number": trial.number, "values": trial.values, "params": trial.params}
    if trial.user_attrs:
        content["user_attrs"] = {k: make_json_compatible(v) for k, v in trial.user_attrs.items()}
    return json.dumps(content, indent=2).replace("\n", "<br>")
