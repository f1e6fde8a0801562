"""Plots of a study, drawn with plotly (Optuna's ``optuna.visualization``).

Each ``plot_*`` function returns a :class:`plotly.graph_objects.Figure`; :mod:`pyhpo.visualization.matplotlib`
has the same functions drawing with matplotlib. Both backends draw the same data, extracted once per plot.
plotly and matplotlib are optional: ``pip install "pyhpo-opt[visualization]"``.
"""

from __future__ import annotations

from pyhpo.visualization import matplotlib
from pyhpo.visualization._contour import plot_contour
from pyhpo.visualization._edf import plot_edf
from pyhpo.visualization._hypervolume_history import plot_hypervolume_history
from pyhpo.visualization._intermediate_values import plot_intermediate_values
from pyhpo.visualization._optimization_history import plot_optimization_history
from pyhpo.visualization._parallel_coordinate import plot_parallel_coordinate
from pyhpo.visualization._param_importances import plot_param_importances
from pyhpo.visualization._pareto_front import plot_pareto_front
from pyhpo.visualization._rank import plot_rank
from pyhpo.visualization._slice import plot_slice
from pyhpo.visualization._terminator_improvement import plot_terminator_improvement
from pyhpo.visualization._timeline import plot_timeline
from pyhpo.visualization._utils import is_available

__all__ = [
    "is_available",
    "matplotlib",
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
