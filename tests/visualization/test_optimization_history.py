"""plot_optimization_history draws what Optuna's draws, in both backends."""

from __future__ import annotations

import logging

import pytest

optuna = pytest.importorskip("optuna")
pytest.importorskip("plotly")
pytest.importorskip("matplotlib")

import pyhpo
from pyhpo.visualization import matplotlib as mvis
from pyhpo.visualization import plot_optimization_history
from tests.visualization.twins import assert_same_figure, figure_dict, mpl_summary, rich_trials, twins

optuna.logging.set_verbosity(optuna.logging.ERROR)
pytestmark = pytest.mark.filterwarnings("ignore::optuna.exceptions.ExperimentalWarning")


@pytest.mark.parametrize("direction", ["minimize", "maximize"])
def test_single_objective_figure_matches_optuna(direction: str) -> None:
    o, p = twins(optuna, rich_trials(optuna), [direction])
    ours = plot_optimization_history(p)
    assert_same_figure(ours, optuna.visualization.plot_optimization_history(o))
    data = figure_dict(ours)["data"]
    assert [t["name"] for t in data] == ["Objective Value", "Best Value", "Infeasible Trial"]
    assert data[2]["x"] == [3, 17]  # the trials whose constraint is violated, drawn grey


def test_several_studies_and_error_bars_match_optuna() -> None:
    pairs = [twins(optuna, rich_trials(optuna, seed=s), ["minimize"], name=f"s{s}") for s in range(3)]
    o_studies, p_studies = [o for o, _ in pairs], [p for _, p in pairs]
    assert_same_figure(
        plot_optimization_history(p_studies), optuna.visualization.plot_optimization_history(o_studies)
    )
    ours = figure_dict(plot_optimization_history(p_studies, error_bar=True))["data"]
    theirs = figure_dict(optuna.visualization.plot_optimization_history(o_studies, error_bar=True))["data"]
    # Optuna's last (infeasible) trace pairs trial numbers with the wrong states and has no y values: nothing is
    # drawn either way; pyhpo leaves it empty.
    assert ours[:-1] == theirs[:-1]
    assert ours[-1]["x"] == [] and ours[-1]["y"] == theirs[-1]["y"] == []
    assert ours[0]["error_y"]["array"] == theirs[0]["error_y"]["array"]


def test_custom_target_on_multi_objective_study_matches_optuna() -> None:
    o, p = twins(optuna, rich_trials(optuna, n_objectives=2), ["minimize", "maximize"])
    with pytest.warns(UserWarning, match="target_name"):
        ours = plot_optimization_history(p, target=lambda t: t.values[1])
    with pytest.warns(UserWarning):
        theirs = optuna.visualization.plot_optimization_history(o, target=lambda t: t.values[1])
    assert_same_figure(ours, theirs)
    assert len(figure_dict(ours)["data"]) == 2  # no "best value" line for a custom target


def test_multi_objective_study_without_target_is_refused() -> None:
    study = pyhpo.create_study(directions=["minimize", "minimize"])
    with pytest.raises(ValueError, match="specify the `target`"):
        plot_optimization_history(study)
    with pytest.raises(ValueError, match="specify the `target`"):
        mvis.plot_optimization_history(study)


def test_empty_study_gives_an_empty_figure_and_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    o, p = twins(optuna, [], ["minimize"])
    with caplog.at_level(logging.WARNING):
        ours = plot_optimization_history(p)
    assert "There are no complete trials." in caplog.text
    assert_same_figure(ours, optuna.visualization.plot_optimization_history(o))
    assert figure_dict(ours)["data"] == []
    assert mvis.plot_optimization_history(p).get_title() == "Optimization History Plot"


def test_only_failed_and_running_trials_give_an_empty_figure() -> None:
    trials = [t for t in rich_trials(optuna, n=14) if t.state != optuna.trial.TrialState.COMPLETE]
    o, p = twins(optuna, trials, ["minimize"])
    assert figure_dict(plot_optimization_history(p))["data"] == []
    assert_same_figure(plot_optimization_history(p), optuna.visualization.plot_optimization_history(o))


def test_matplotlib_draws_the_same_points_as_optuna() -> None:
    o, p = twins(optuna, rich_trials(optuna), ["minimize"])
    ours = mpl_summary(mvis.plot_optimization_history(p))
    theirs = mpl_summary(optuna.visualization.matplotlib.plot_optimization_history(o))
    assert ours == theirs
    assert ours["title"][0] == "Optimization History Plot"


def test_matplotlib_error_bars_match_optuna() -> None:
    pairs = [twins(optuna, rich_trials(optuna, seed=s), ["maximize"], name=f"s{s}") for s in range(2)]
    ours = mvis.plot_optimization_history([p for _, p in pairs], error_bar=True)
    theirs = optuna.visualization.matplotlib.plot_optimization_history([o for o, _ in pairs], error_bar=True)
    assert mpl_summary(ours) == mpl_summary(theirs)
