"""plot_timeline draws what Optuna's draws, in both backends."""

from __future__ import annotations

import datetime
import logging

import pytest

optuna = pytest.importorskip("optuna")
pytest.importorskip("plotly")
pytest.importorskip("matplotlib")

import pyhpo
from pyhpo.visualization import matplotlib as mvis
from pyhpo.visualization import plot_timeline
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


def _finished_trials() -> list[object]:
    trials = rich_trials(optuna)
    trials.append(trial_kwargs(optuna, len(trials), state="WAITING"))
    return trials


def test_figure_matches_optuna_for_every_finished_state_and_infeasible_trials() -> None:
    o, p = twins(optuna, _finished_trials(), ["minimize"])
    ours = plot_timeline(p)
    assert_same_figure(ours, optuna.visualization.plot_timeline(o))
    data = figure_dict(ours)["data"]
    assert [t["name"] for t in data] == ["INFEASIBLE", "COMPLETE", "FAIL", "PRUNED", "WAITING"]
    assert data[0]["y"] == [3, 17] and data[0]["marker"]["color"] == "#cccccc"
    assert ours.layout.xaxis.type == "date" and ours.layout.showlegend is True


def test_n_recent_trials_keeps_the_last_ones() -> None:
    o, p = twins(optuna, _finished_trials(), ["minimize"])
    ours = plot_timeline(p, n_recent_trials=4)
    assert_same_figure(ours, optuna.visualization.plot_timeline(o, n_recent_trials=4))
    assert sorted(n for t in figure_dict(ours)["data"] for n in t["y"]) == [21, 22, 23, 24]


@pytest.mark.parametrize("bad", [0, -3])
def test_n_recent_trials_must_be_positive(bad: int) -> None:
    study = pyhpo.create_study()
    for plot in (plot_timeline, mvis.plot_timeline):
        with pytest.raises(
            ValueError, match=f"n_recent_trials must be a positive integer or None, got {bad}"
        ):
            plot(study, n_recent_trials=bad)
    with pytest.raises(ValueError, match="n_recent_trials must be a positive integer or None"):
        optuna.visualization.plot_timeline(optuna.create_study(), n_recent_trials=bad)


def test_a_running_trial_reaches_to_now() -> None:
    study = pyhpo.create_study()
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    running = study.ask()
    before = datetime.datetime.now()
    bars = {t["name"]: t for t in figure_dict(plot_timeline(study))["data"]}
    (start,) = bars["RUNNING"]["base"]
    (width_ms,) = bars["RUNNING"]["x"]
    end = datetime.datetime.fromisoformat(start) + datetime.timedelta(milliseconds=width_ms)
    assert end >= before + datetime.timedelta(seconds=1) - datetime.timedelta(milliseconds=1)
    assert bars["RUNNING"]["y"] == [running.number]


def test_multi_objective_study_is_plotted() -> None:
    o, p = twins(optuna, rich_trials(optuna, n_objectives=2), ["minimize", "maximize"])
    assert_same_figure(plot_timeline(p), optuna.visualization.plot_timeline(o))


def test_empty_study_gives_an_empty_figure(caplog: pytest.LogCaptureFixture) -> None:
    o, p = twins(optuna, [], ["minimize"])
    with caplog.at_level(logging.WARNING):
        ours = plot_timeline(p)
    assert "Your study does not have any trials." in caplog.text
    assert figure_dict(ours)["data"] == []
    assert_same_figure(ours, optuna.visualization.plot_timeline(o))
    assert mpl_summary(mvis.plot_timeline(p))["patches"] == 0


def test_matplotlib_matches_optuna() -> None:
    o, p = twins(optuna, _finished_trials(), ["minimize"])
    ours, theirs = mvis.plot_timeline(p), optuna.visualization.matplotlib.plot_timeline(o)
    assert mpl_summary(ours) == mpl_summary(theirs)
    assert [b.get_facecolor() for b in ours.patches] == [b.get_facecolor() for b in theirs.patches]
    assert [(b.get_x(), b.get_width(), b.get_y()) for b in ours.patches] == [
        (b.get_x(), b.get_width(), b.get_y()) for b in theirs.patches
    ]
    assert ours.get_xlim() == theirs.get_xlim()
