"""plot_intermediate_values draws what Optuna's draws, in both backends."""

from __future__ import annotations

import logging

import pytest

optuna = pytest.importorskip("optuna")
pytest.importorskip("plotly")
pytest.importorskip("matplotlib")

from pyhpo.visualization import matplotlib as mvis
from pyhpo.visualization import plot_intermediate_values
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


def test_figure_matches_optuna_with_pruned_running_and_infeasible_trials() -> None:
    trials = rich_trials(optuna)
    trials.append(trial_kwargs(optuna, len(trials), state="RUNNING", intermediate={0: 3.0, 2: 1.0, 1: 2.0}))
    o, p = twins(optuna, trials, ["minimize"])
    ours = plot_intermediate_values(p)
    assert_same_figure(ours, optuna.visualization.plot_intermediate_values(o))
    data = figure_dict(ours)["data"]
    names = [t["name"] for t in data]
    assert "Trial5" not in names  # FAIL trials are not drawn
    assert "Trial9" in names and f"Trial{len(trials) - 1}" in names  # PRUNED and RUNNING are
    running = data[-1]
    assert running["x"] == [0, 1, 2] and running["y"] == [3.0, 2.0, 1.0]  # sorted by step
    grey = [t["name"] for t in data if t["marker"].get("color") == "#CCCCCC"]
    assert grey == ["Trial3", "Trial17"]  # the infeasible trials (both reported values)


def test_multi_objective_study_is_plotted() -> None:
    o, p = twins(optuna, rich_trials(optuna, n_objectives=2), ["minimize", "maximize"])
    assert_same_figure(plot_intermediate_values(p), optuna.visualization.plot_intermediate_values(o))


@pytest.mark.parametrize(
    ("make_trials", "message"),
    [
        (lambda: [], "Study instance does not contain trials."),
        (lambda: [trial_kwargs(optuna, 0, values=[1.0])], "You need to set up the pruning feature"),
    ],
)
def test_nothing_to_draw_gives_an_empty_figure_and_says_why(
    make_trials: object, message: str, caplog: pytest.LogCaptureFixture
) -> None:
    o, p = twins(optuna, make_trials(), ["minimize"])  # type: ignore[operator]
    with caplog.at_level(logging.WARNING):
        ours = plot_intermediate_values(p)
    assert message in caplog.text
    assert figure_dict(ours)["data"] == []
    assert_same_figure(ours, optuna.visualization.plot_intermediate_values(o))
    assert mpl_summary(mvis.plot_intermediate_values(p))["lines"] == []


def test_matplotlib_draws_the_same_lines_as_optuna() -> None:
    o, p = twins(optuna, rich_trials(optuna), ["minimize"])
    ours = mvis.plot_intermediate_values(p)
    theirs = optuna.visualization.matplotlib.plot_intermediate_values(o)
    assert mpl_summary(ours) == mpl_summary(theirs)
    assert [line.get_color() for line in ours.get_lines()] == [
        line.get_color() for line in theirs.get_lines()
    ]
