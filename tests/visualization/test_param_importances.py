"""plot_param_importances draws what Optuna's draws, in both backends."""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pytest

optuna = pytest.importorskip("optuna")
pytest.importorskip("plotly")
pytest.importorskip("matplotlib")

import pyhpo
from pyhpo.importance import BaseImportanceEvaluator
from pyhpo.visualization import matplotlib as mvis
from pyhpo.visualization import plot_param_importances
from tests.visualization.twins import assert_same_figure, figure_dict, mpl_summary, rich_trials, twins

optuna.logging.set_verbosity(optuna.logging.ERROR)
pytestmark = pytest.mark.filterwarnings("ignore::optuna.exceptions.ExperimentalWarning")


def _scores(study: Any, params: list[str] | None, target: Any) -> dict[str, float]:
    """Deterministic scores that depend on the target, one of them tiny (labelled "<0.01")."""
    trials = [t for t in study.get_trials(deepcopy=False) if t.state.name == "COMPLETE"]
    get = target if target is not None else (lambda t: t.value)
    names = params if params is not None else sorted({n for t in trials for n in t.params})
    out = {n: abs(sum(get(t) for t in trials if n in t.params)) * (k + 1) for k, n in enumerate(names)}
    if "lr" in out:
        out["lr"] *= 1e-6
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


class _Ours(BaseImportanceEvaluator):
    def evaluate(
        self, study: Any, params: list[str] | None = None, *, target: Any = None
    ) -> dict[str, float]:
        return _scores(study, params, target)


class _Theirs(optuna.importance.BaseImportanceEvaluator):
    def evaluate(
        self, study: Any, params: list[str] | None = None, *, target: Any = None
    ) -> dict[str, float]:
        return _scores(study, params, target)


def test_figure_matches_optuna_for_every_distribution_kind() -> None:
    o, p = twins(optuna, rich_trials(optuna), ["minimize"])
    ours = plot_param_importances(p, evaluator=_Ours())
    assert_same_figure(ours, optuna.visualization.plot_param_importances(o, evaluator=_Theirs()))
    (bar,) = figure_dict(ours)["data"]
    assert bar["orientation"] == "h" and bar["name"] == "Objective Value"
    assert bar["y"][-1] == "x" and bar["y"][0] == "lr"  # least important at the bottom
    assert bar["text"][0] == "<0.01"
    assert "mixed (CategoricalDistribution)" in bar["hovertemplate"][bar["y"].index("mixed")]


def test_params_and_target_match_optuna() -> None:
    o, p = twins(optuna, rich_trials(optuna), ["minimize"])
    kwargs: dict[str, Any] = {"params": ["x", "step"], "target": lambda t: t.params["n"], "target_name": "n"}
    ours = plot_param_importances(p, _Ours(), **kwargs)
    assert_same_figure(ours, optuna.visualization.plot_param_importances(o, _Theirs(), **kwargs))
    assert sorted(ours.data[0].y) == ["step", "x"]


@pytest.mark.parametrize("metric_names", [None, ["loss", "accuracy"]])
def test_multi_objective_draws_one_set_of_bars_per_objective(metric_names: list[str] | None) -> None:
    o, p = twins(
        optuna, rich_trials(optuna, n_objectives=2), ["minimize", "maximize"], metric_names=metric_names
    )
    ours = plot_param_importances(p, _Ours())
    assert_same_figure(ours, optuna.visualization.plot_param_importances(o, _Theirs()))
    assert [b.name for b in ours.data] == (metric_names or ["Objective Value 0", "Objective Value 1"])


def test_default_evaluator_matches_optuna() -> None:
    o, p = twins(optuna, rich_trials(optuna, n=40), ["minimize"])
    ours = figure_dict(plot_param_importances(p))
    theirs = figure_dict(optuna.visualization.plot_param_importances(o))
    assert ours["layout"] == theirs["layout"]
    (a,), (b,) = ours["data"], theirs["data"]
    assert a["y"] == b["y"]
    np.testing.assert_allclose(a["x"], b["x"], rtol=1e-6, atol=1e-9)


def test_multi_objective_target_name_warning_and_refusal() -> None:
    study = pyhpo.create_study(directions=["minimize", "minimize"])
    with pytest.warns(UserWarning, match="target_name"):
        plot_param_importances(study, _Ours(), target=lambda t: t.values[0])


def test_study_without_completed_trials_gives_an_empty_figure(caplog: pytest.LogCaptureFixture) -> None:
    trials = [t for t in rich_trials(optuna, n=14) if t.state != optuna.trial.TrialState.COMPLETE]
    o, p = twins(optuna, trials, ["minimize"])
    with caplog.at_level(logging.WARNING):
        ours = plot_param_importances(p)
    assert "Study instance does not contain completed trials." in caplog.text
    assert figure_dict(ours)["data"] == []
    assert_same_figure(ours, optuna.visualization.plot_param_importances(o))
    assert len(mvis.plot_param_importances(p).patches) == 0


def test_an_evaluator_of_another_kind_is_refused() -> None:
    _, p = twins(optuna, rich_trials(optuna), ["minimize"])
    with pytest.raises(TypeError, match="BaseImportanceEvaluator"):
        plot_param_importances(p, evaluator=object())  # type: ignore[arg-type]


@pytest.mark.parametrize("n_objectives", [1, 2])
def test_matplotlib_matches_optuna(n_objectives: int) -> None:
    directions = ["minimize", "maximize"][:n_objectives]
    o, p = twins(optuna, rich_trials(optuna, n_objectives=n_objectives), directions)
    ours = mvis.plot_param_importances(p, _Ours())
    theirs = optuna.visualization.matplotlib.plot_param_importances(o, _Theirs())
    assert mpl_summary(ours) == mpl_summary(theirs)
    assert [(b.get_y(), b.get_width()) for b in ours.patches] == [
        (b.get_y(), b.get_width()) for b in theirs.patches
    ]
    assert [t.get_text() for t in ours.texts] == [t.get_text() for t in theirs.texts]
    assert ours.get_xlim() == theirs.get_xlim()
