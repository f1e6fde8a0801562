"""plot_hypervolume_history draws what Optuna's draws, in both backends."""

from __future__ import annotations

import logging

import numpy as np
import pytest

optuna = pytest.importorskip("optuna")
pytest.importorskip("plotly")
pytest.importorskip("matplotlib")

import pyhpo
from pyhpo.exceptions import ExperimentalWarning
from pyhpo.visualization import matplotlib as mvis
from pyhpo.visualization import plot_hypervolume_history
from tests.visualization.twins import (
    assert_same_figure,
    figure_dict,
    mpl_summary,
    rich_trials,
    trial_kwargs,
    twins,
)

optuna.logging.set_verbosity(optuna.logging.ERROR)
pytestmark = pytest.mark.filterwarnings("ignore::optuna.exceptions.ExperimentalWarning")


@pytest.mark.parametrize(
    ("directions", "reference"),
    [
        (["minimize", "maximize"], [40.0, 0.0]),
        (["maximize", "minimize"], [-10.0, 30.0]),
        (["minimize", "minimize", "minimize"], [60.0, 30.0, 60.0]),
    ],
)
def test_figure_matches_optuna(directions: list[str], reference: list[float]) -> None:
    o, p = twins(optuna, rich_trials(optuna, n_objectives=len(directions), n=40), directions)
    ours = plot_hypervolume_history(p, reference)
    theirs = optuna.visualization.plot_hypervolume_history(o, reference)
    a, b = figure_dict(ours), figure_dict(theirs)
    assert a["layout"] == b["layout"]
    (trace_a,), (trace_b,) = a["data"], b["data"]
    assert trace_a["x"] == trace_b["x"] and trace_a["mode"] == trace_b["mode"] == "lines+markers"
    np.testing.assert_allclose(trace_a["y"], trace_b["y"], rtol=1e-12)
    assert trace_a["y"][-1] > 0 and all(u <= v for u, v in zip(trace_a["y"], trace_a["y"][1:]))


def test_hypervolume_of_a_known_front() -> None:
    study = pyhpo.create_study(directions=["minimize", "minimize"])
    for values in ([1.0, 3.0], [2.0, 2.0], [3.0, 3.0], [3.0, 1.0], [5.0, 0.0]):  # the last is outside the box
        study.add_trial(pyhpo.create_trial(values=values))
    (trace,) = plot_hypervolume_history(study, [4.0, 4.0]).data
    assert list(trace.x) == [0, 1, 2, 3, 4]
    assert list(trace.y) == [3.0, 5.0, 5.0, 6.0, 6.0]


def test_arguments_are_checked() -> None:
    single = pyhpo.create_study()
    double = pyhpo.create_study(directions=["minimize", "minimize"])
    for plot in (plot_hypervolume_history, mvis.plot_hypervolume_history):
        with pytest.raises(ValueError, match="Study must be multi-objective"):
            plot(single, [1.0])
        with pytest.raises(ValueError, match="got 3 coordinates for 2 objectives"):
            plot(double, [1.0, 2.0, 3.0])


def test_it_is_experimental_as_in_optuna() -> None:
    study = pyhpo.create_study(directions=["minimize", "minimize"])
    with pytest.warns(
        ExperimentalWarning, match=r"plot_hypervolume_history is experimental \(supported from v3.3.0\)"
    ):
        plot_hypervolume_history(study, [1.0, 1.0])


def test_no_feasible_trials_give_a_flat_history(caplog: pytest.LogCaptureFixture) -> None:
    trials = [trial_kwargs(optuna, i, values=[1.0, 1.0], constraints=[1.0]) for i in range(3)]
    o, p = twins(optuna, trials, ["minimize", "minimize"])
    with caplog.at_level(logging.WARNING):
        ours = plot_hypervolume_history(p, [2.0, 2.0])
    assert "Your study does not have any feasible trials." in caplog.text
    assert_same_figure(ours, optuna.visualization.plot_hypervolume_history(o, [2.0, 2.0]))


def test_empty_study(caplog: pytest.LogCaptureFixture) -> None:
    o, p = twins(optuna, [], ["minimize", "minimize"])
    with caplog.at_level(logging.WARNING):
        ours = plot_hypervolume_history(p, [2.0, 2.0])
    assert "Your study does not have any completed trials." in caplog.text
    assert_same_figure(ours, optuna.visualization.plot_hypervolume_history(o, [2.0, 2.0]))


def test_matplotlib_matches_optuna() -> None:
    o, p = twins(optuna, rich_trials(optuna, n_objectives=2, n=30), ["minimize", "maximize"])
    ours = mpl_summary(mvis.plot_hypervolume_history(p, [40.0, 0.0]))
    theirs = mpl_summary(optuna.visualization.matplotlib.plot_hypervolume_history(o, [40.0, 0.0]))
    assert ours["title"] == theirs["title"] and ours["lines"][0][0] == theirs["lines"][0][0]
    np.testing.assert_allclose(ours["lines"][0][1], theirs["lines"][0][1], rtol=1e-12)
