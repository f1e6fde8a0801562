"""Plots of a study, drawn with matplotlib (Optuna's ``optuna.visualization.matplotlib``).

The same functions as :mod:`pyhpo.visualization`, each returning a :class:`matplotlib.axes.Axes` drawn from the
same extracted data as the plotly figure. matplotlib is optional: ``pip install "pyhpo-opt[visualization]"``.
"""

from __future__ import annotations

from pyhpo.visualization.matplotlib._contour import plot_contour
from pyhpo.visualization.matplotlib._edf import plot_edf
from pyhpo.visualization.matplotlib._hypervolume_history import plot_hypervolume_history
from pyhpo.visualization.matplotlib._intermediate_values import plot_intermediate_values
from pyhpo.visualization.matplotlib._optimization_history import plot_optimization_history
from pyhpo.visualization.matplotlib._parallel_coordinate import plot_parallel_coordinate
from pyhpo.visualization.matplotlib._param_importances import plot_param_importances
from pyhpo.visualization.matplotlib._pareto_front import plot_pareto_front
from pyhpo.visualization.matplotlib._rank import plot_rank
from pyhpo.visualization.matplotlib._slice import plot_slice
from pyhpo.visualization.matplotlib._terminator_improvement import plot_terminator_improvement
from pyhpo.visualization.matplotlib._timeline import plot_timeline
from pyhpo.visualization.matplotlib._utils import is_available

__all__ = [
    "is_available",
    "plot_contour",
    "plot_edf",
    "plot_hypervolume_history",
    "plot_intermediate_values",
    "plot_optimization_history",
    "plot_parallel_coordinate",
    "plot_param_importances",
    "plot_pareto_front",
    "plot_rank",
    "plot_slice",
    "plot_terminator_improvement",
    "plot_timeline",
]
