"""plot_pareto_front draws what Optuna's draws, in both backends."""

from __future__ import annotations

import json
import logging

import pytest

optuna = pytest.importorskip("optuna")
pytest.importorskip("plotly")
pytest.importorskip("matplotlib")

import pyhpo
from pyhpo.visualization import matplotlib as mvis
from pyhpo.visualization import plot_pareto_front
from tests.visualization.twins import (
    assert_same_figure,
    figure_dict,
    mpl_summary,
    rich_trials,
    twins,
)

optuna.logging.set_verbosity(optuna.logging.ERROR)
pytestmark = pytest.mark.filterwarnings("ignore::optuna.exceptions.ExperimentalWarning")


def _unconstrained(n_objectives: int) -> list[object]:
    trials = rich_trials(optuna, n_objectives=n_objectives)
    for t in trials:
        t.system_attrs.pop("constraints", None)
    return trials


@pytest.mark.parametrize("n_objectives", [2, 3])
@pytest.mark.parametrize("include_dominated_trials", [True, False])
@pytest.mark.parametrize("constrained", [True, False])
def test_figure_matches_optuna(n_objectives: int, include_dominated_trials: bool, constrained: bool) -> None:
    trials = rich_trials(optuna, n_objectives=n_objectives) if constrained else _unconstrained(n_objectives)
    directions = ["minimize", "maximize", "minimize"][:n_objectives]
    o, p = twins(optuna, trials, directions)
    ours = plot_pareto_front(p, include_dominated_trials=include_dominated_trials)
    assert_same_figure(
        ours, optuna.visualization.plot_pareto_front(o, include_dominated_trials=include_dominated_trials)
    )
    data = figure_dict(ours)["data"]
    assert {t["type"] for t in data} == {"scatter" if n_objectives == 2 else "scatter3d"}
    assert len(data) == (3 if constrained else 2)
    best = data[-1]
    assert best["marker"]["colorscale"][-1] == [1.0, "rgb(103,0,13)"]  # plotly's "Reds"
    numbers = [json.loads(text.replace("<br>", "\n"))["number"] for text in best["text"]]
    assert numbers and best["marker"]["color"] == numbers  # coloured by trial number
    if constrained:
        assert sorted(data[0]["marker"].items()) == [("color", "#cccccc")]


def test_targets_target_names_and_metric_names_match_optuna() -> None:
    o, p = twins(optuna, _unconstrained(3), ["minimize"] * 3, metric_names=["a", "b", "c"])
    assert_same_figure(plot_pareto_front(p), optuna.visualization.plot_pareto_front(o))
    assert plot_pareto_front(p).layout.scene.zaxis.title.text == "c"

    def targets(t):
        return (t.values[2], t.values[0])

    ours = plot_pareto_front(p, targets=targets, target_names=["third", "first"])
    assert_same_figure(
        ours, optuna.visualization.plot_pareto_front(o, targets=targets, target_names=["third", "first"])
    )
    assert ours.layout.xaxis.title.text == "third"


def test_four_objectives_need_targets() -> None:
    o, p = twins(optuna, rich_trials(optuna, n_objectives=4), ["minimize"] * 4)
    with pytest.raises(ValueError, match="only supports 2 or 3 objective studies"):
        plot_pareto_front(p)
    with pytest.raises(ValueError, match="only supports 2 or 3 objective"):
        optuna.visualization.plot_pareto_front(o)
    ours = plot_pareto_front(p, targets=lambda t: (t.values[0], t.values[3]))
    assert_same_figure(
        ours, optuna.visualization.plot_pareto_front(o, targets=lambda t: (t.values[0], t.values[3]))
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"targets": lambda t: (t.values[0],)}, "only supports 2 or 3 targets. you used 1 targets"),
        ({"targets": lambda t: 1.0}, "should return a sequence of target values"),
        ({"target_names": ["only one"]}, "The length of `target_names` is supposed to be 2"),
    ],
)
def test_bad_arguments_are_refused_as_in_optuna(kwargs: dict[str, object], message: str) -> None:
    o, p = twins(optuna, _unconstrained(2), ["minimize", "minimize"])
    for plot in (plot_pareto_front, mvis.plot_pareto_front):
        with pytest.raises(ValueError, match=message):
            plot(p, **kwargs)
    with pytest.raises(ValueError):
        optuna.visualization.plot_pareto_front(o, **kwargs)


def test_targets_on_an_empty_study_need_target_names(caplog: pytest.LogCaptureFixture) -> None:
    o, p = twins(optuna, [], ["minimize", "minimize"])
    with pytest.raises(ValueError, match="`target_names` must be specified"):
        plot_pareto_front(p, targets=lambda t: t.values)
    with caplog.at_level(logging.WARNING):
        ours = plot_pareto_front(p)
    assert "Your study does not have any completed trials." in caplog.text
    assert_same_figure(ours, optuna.visualization.plot_pareto_front(o))
    assert mpl_summary(mvis.plot_pareto_front(p))["collections"] == []


def test_constraints_func_is_deprecated_and_classifies_trials() -> None:
    o, p = twins(optuna, _unconstrained(2), ["minimize", "maximize"])

    def constraints(t):
        return [t.number % 4 - 1.5]

    with pytest.warns(FutureWarning, match="`constraints_func` has been deprecated in v4.0.0"):
        ours = plot_pareto_front(p, constraints_func=constraints)
    with pytest.warns(FutureWarning):
        theirs = optuna.visualization.plot_pareto_front(o, constraints_func=constraints)
    assert_same_figure(ours, theirs)
    infeasible = [
        json.loads(text.replace("<br>", "\n"))["number"] for text in figure_dict(ours)["data"][0]["text"]
    ]
    assert infeasible == [n for n in range(24) if n % 4 >= 2 and n not in (5, 9, 13)]


def test_best_trials_are_the_studys_best_trials() -> None:
    study = pyhpo.create_study(directions=["minimize", "maximize"])
    study.optimize(lambda t: (t.suggest_float("x", 0, 1), t.suggest_float("y", 0, 1)), n_trials=30)
    best = plot_pareto_front(study).data[-1]
    assert sorted(best.marker.color) == sorted(t.number for t in study.best_trials)


@pytest.mark.parametrize("n_objectives", [2, 3])
def test_matplotlib_matches_optuna(n_objectives: int) -> None:
    o, p = twins(optuna, rich_trials(optuna, n_objectives=n_objectives), ["minimize"] * n_objectives)
    ours = mvis.plot_pareto_front(p)
    theirs = optuna.visualization.matplotlib.plot_pareto_front(o)
    assert mpl_summary(ours) == mpl_summary(theirs)
    assert mpl_summary(ours)["legend"] == ["Infeasible Trial", "Feasible Trial", "Best Trial"]
    if n_objectives == 3:
        assert ours.get_zlabel() == theirs.get_zlabel() == "Objective 2"
        assert [c._offsets3d for c in ours.collections].__repr__() == [
            c._offsets3d for c in theirs.collections
        ].__repr__()
