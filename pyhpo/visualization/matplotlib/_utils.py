"""Helpers of the matplotlib backend, under public names so every matplotlib plot may use them.

matplotlib is optional (the ``visualization`` extra): :func:`import_pyplot` imports it when a plot is drawn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pyhpo._experimental import experimental_func
from pyhpo.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from pyhpo.visualization._utils import INSTALL_HINT

if TYPE_CHECKING:
    from collections.abc import Sequence
    from types import ModuleType

    from matplotlib.axes import Axes

    from pyhpo.trial import FrozenTrial

__all__ = ["import_pyplot", "is_available", "is_categorical", "is_log_scale", "is_numerical", "new_axes"]


@experimental_func("2.2.0")
def is_available() -> bool:
    """Whether matplotlib, which :mod:`pyhpo.visualization.matplotlib` draws with, can be imported.

    Returns:
        ``True`` if ``import matplotlib`` works; otherwise install it with
        ``pip install "pyhpo-opt[visualization]"``.
    """
    try:
        import matplotlib.pyplot  # noqa: F401
    except ImportError:
        return False
    return True


def import_pyplot() -> ModuleType:
    """Return :mod:`matplotlib.pyplot`, or raise an ``ImportError`` that names the extra to install."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(
            f"pyhpo.visualization.matplotlib draws with matplotlib, which is not installed ({exc}). "
            f"Install it with: {INSTALL_HINT}"
        ) from exc
    return plt


def new_axes(title: str, xlabel: str, ylabel: str, **subplots_kwargs: Any) -> tuple[Any, Axes]:
    """pyplot and a new Axes in Optuna's look (the ``ggplot`` style, close to plotly's), titled and labelled."""
    plt = import_pyplot()
    plt.style.use("ggplot")
    _, ax = plt.subplots(**subplots_kwargs)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return plt, ax


def is_log_scale(trials: Sequence[FrozenTrial], param: str) -> bool:
    """Whether any trial samples ``param`` from a log-scaled float or int distribution."""
    for trial in trials:
        if param in trial.params:
            dist = trial.distributions[param]
            if isinstance(dist, (FloatDistribution, IntDistribution)) and dist.log:
                return True
    return False


def is_categorical(trials: Sequence[FrozenTrial], param: str) -> bool:
    """Whether any trial samples ``param`` from a categorical distribution."""
    return any(
        isinstance(t.distributions[param], CategoricalDistribution) for t in trials if param in t.params
    )


def is_numerical(trials: Sequence[FrozenTrial], param: str) -> bool:
    """Whether every value of ``param`` in ``trials`` is an int or float (bools are not)."""
    return all(
        isinstance(t.params[param], (int, float)) and not isinstance(t.params[param], bool)
        for t in trials
        if param in t.params
    )
