"""plot_terminator_improvement (plotly and matplotlib) against Optuna's, on twin studies."""

from __future__ import annotations

import random
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import pyhpo
from pyhpo.terminator import (
    BestValueStagnationEvaluator,
    CrossValidationErrorEvaluator,
    RegretBoundEvaluator,
    StaticErrorEvaluator,
)
from pyhpo.visualization._terminator_improvement import get_improvement_info, plot_terminator_improvement
from pyhpo.visualization.matplotlib._terminator_improvement import (
    plot_terminator_improvement as mpl_plot_terminator_improvement,
)
from tests.study.helpers import pyhpo_records
from tests.visualization.param_plots_helpers import (
    assert_same_figure,
    axes_summary,
    optuna_call,
    save_png,
)

optuna = pytest.importorskip("optuna")

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning")


def _study(lib: Any, n: int, seed: int = 0, direction: str = "minimize") -> Any:
    """``n`` trials on x in [-2, 2] (every fourth one FAIL), each with three cross-validation scores."""
    rng = random.Random(seed)
    study = lib.create_study(direction=direction, study_name="term")
    dist = lib.distributions.FloatDistribution(-2.0, 2.0)
    for i in range(n):
        x = rng.uniform(-2, 2)
        if i % 4 == 3:
            study.add_trial(
                lib.trial.create_trial(
                    params={"x": x}, distributions={"x": dist}, state=lib.trial.TrialState.FAIL
                )
            )
            continue
        scores = [x * x + rng.gauss(0, 0.1) for _ in range(3)]
        study.add_trial(
            lib.trial.create_trial(
                params={"x": x},
                distributions={"x": dist},
                value=float(np.mean(scores)),
                system_attrs={"terminator:cv_scores": scores},
            )
        )
    return study


def _twins(n: int, **kwargs: Any) -> tuple[Any, Any]:
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    return _study(pyhpo, n, **kwargs), _study(optuna, n, **kwargs)


@pytest.mark.parametrize("plot_error", [False, True])
@pytest.mark.parametrize("min_n_trials", [5, 20, 40])
def test_stagnation_figure_is_optunas(plot_error: bool, min_n_trials: int) -> None:
    ours, theirs = _twins(30)
    mine = plot_terminator_improvement(
        ours, plot_error, BestValueStagnationEvaluator(max_stagnation_trials=6), min_n_trials=min_n_trials
    )
    other = optuna_call(
        optuna.visualization.plot_terminator_improvement,
        theirs,
        plot_error,
        optuna_call(optuna.terminator.BestValueStagnationEvaluator, max_stagnation_trials=6),
        min_n_trials=min_n_trials,
    )
    assert_same_figure(mine, other)


def test_cross_validation_error_is_optunas() -> None:
    ours, theirs = _twins(20)
    mine = plot_terminator_improvement(
        ours, True, BestValueStagnationEvaluator(), CrossValidationErrorEvaluator(), min_n_trials=5
    )
    other = optuna_call(
        optuna.visualization.plot_terminator_improvement,
        theirs,
        True,
        optuna_call(optuna.terminator.BestValueStagnationEvaluator),
        optuna_call(optuna.terminator.CrossValidationErrorEvaluator),
        min_n_trials=5,
    )
    assert_same_figure(mine, other)


def test_defaults_are_the_regret_bound_and_the_cross_validation_error() -> None:
    # The GP evaluators themselves are checked against Optuna's in tests/terminator.
    study = _study(pyhpo, 6)
    complete = [t for t in study.trials if t.state == pyhpo.trial.TrialState.COMPLETE]
    info = get_improvement_info(study, True, RegretBoundEvaluator(seed=1))
    again = RegretBoundEvaluator(seed=1)
    expected = [again.evaluate(complete[: i + 1 - (i + 1) // 4], study.direction) for i in range(6)]
    assert info.improvements == expected
    assert info.errors is not None
    assert info.errors[-1] == CrossValidationErrorEvaluator().evaluate(complete, study.direction)
    figure = plot_terminator_improvement(study, True, BestValueStagnationEvaluator(), min_n_trials=3)
    assert [trace.name for trace in figure.data] == [
        "Terminator Improvement",
        "Terminator Improvement",
        "Error",
    ]
    assert [trace.showlegend for trace in figure.data[:2]] == [False, True]
    assert all(np.isfinite(figure.data[1].y))


def test_matplotlib_axes_are_optunas(tmp_path: Path) -> None:
    ours, theirs = _twins(30, direction="maximize")
    kwargs = {"plot_error": True, "min_n_trials": 8}
    mine = mpl_plot_terminator_improvement(
        ours, improvement_evaluator=BestValueStagnationEvaluator(), **kwargs
    )
    other = optuna_call(
        optuna.visualization.matplotlib.plot_terminator_improvement,
        theirs,
        improvement_evaluator=optuna_call(optuna.terminator.BestValueStagnationEvaluator),
        **kwargs,
    )
    assert axes_summary(mine) == axes_summary(other)
    assert [line.get_ydata().tolist() for line in mine.get_lines()] == [
        line.get_ydata().tolist() for line in other.get_lines()
    ]
    assert [t.get_text() for t in mine.get_legend().get_texts()] == ["Terminator Improvement", "Error"]
    save_png(mine, tmp_path / "terminator.png")


def test_evaluators_see_the_complete_trials_known_after_each_trial() -> None:
    seen: list[list[int]] = []

    class Recorder(BestValueStagnationEvaluator):
        def evaluate(self, trials: list[Any], study_direction: Any) -> float:
            seen.append([t.number for t in trials])
            return float(len(trials))

    study = _study(pyhpo, 8)
    info = get_improvement_info(study, False, Recorder(), StaticErrorEvaluator(0))
    assert info.trial_numbers == list(range(8))
    assert seen[3] == [0, 1, 2] and seen[4] == [0, 1, 2, 4]
    assert info.errors is None


def test_multi_objective_study_is_refused() -> None:
    study = pyhpo.create_study(directions=["minimize", "minimize"])
    for fn in (plot_terminator_improvement, mpl_plot_terminator_improvement):
        with pytest.raises(ValueError, match="does not support multi-objective"):
            fn(study, improvement_evaluator=BestValueStagnationEvaluator())


def test_empty_study_warns_and_draws_nothing() -> None:
    study = pyhpo.create_study()
    with pyhpo_records() as log:
        figure = plot_terminator_improvement(study, improvement_evaluator=BestValueStagnationEvaluator())
        ax = mpl_plot_terminator_improvement(study, improvement_evaluator=BestValueStagnationEvaluator())
    assert log.messages.count("There are no complete trials.") == 2
    assert figure.data == ()
    assert not ax.get_lines()


def test_is_experimental_as_in_optuna() -> None:
    study = _study(pyhpo, 4)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        plot_terminator_improvement(study, improvement_evaluator=BestValueStagnationEvaluator())
    assert any("plot_terminator_improvement is experimental" in str(w.message) for w in caught)
