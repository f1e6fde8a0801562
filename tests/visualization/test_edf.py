"""plot_edf draws what Optuna's draws, in both backends."""

from __future__ import annotations

import logging
import math

import numpy as np
import pytest

optuna = pytest.importorskip("optuna")
pytest.importorskip("plotly")
pytest.importorskip("matplotlib")

import pyhpo
from pyhpo.visualization import matplotlib as mvis
from pyhpo.visualization import plot_edf
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


def test_one_study_matches_optuna() -> None:
    o, p = twins(optuna, rich_trials(optuna), ["minimize"])
    ours = plot_edf(p)
    assert_same_figure(ours, optuna.visualization.plot_edf(o))
    (line,) = figure_dict(ours)["data"]
    assert len(line["x"]) == 100 and line["y"][-1] == 1.0
    assert ours.layout.yaxis.range == (0, 1)


def test_several_studies_and_non_finite_values_match_optuna(caplog: pytest.LogCaptureFixture) -> None:
    pairs = [twins(optuna, rich_trials(optuna, seed=s), ["maximize"], name=f"s{s}") for s in range(3)]
    extra = [trial_kwargs(optuna, 0, values=[math.inf]), trial_kwargs(optuna, 1, values=[2.0])]
    pairs.append(twins(optuna, extra, ["minimize"], name="with-inf"))
    pairs.append(twins(optuna, [], ["minimize"], name="empty"))
    with caplog.at_level(logging.WARNING):
        ours = plot_edf([p for _, p in pairs])
    assert "Trial 0 is omitted in visualization because its objective value is inf or nan." in caplog.text
    assert_same_figure(ours, optuna.visualization.plot_edf([o for o, _ in pairs]))
    assert [t["name"] for t in figure_dict(ours)["data"]] == ["s0", "s1", "s2", "with-inf"]


def test_edf_values_are_the_share_of_values_at_or_below_x() -> None:
    study = pyhpo.create_study()
    for v in [3.0, 1.0, 2.0, 2.0]:
        study.add_trial(pyhpo.create_trial(value=v))
    (line,) = plot_edf(study).data
    x, y = np.asarray(line.x), np.asarray(line.y)
    assert x[0] == 1.0 and x[-1] == 3.0
    assert np.array_equal(y, [(np.array([3.0, 1.0, 2.0, 2.0]) <= xi).mean() for xi in x])


def test_multi_objective_needs_a_target() -> None:
    o, p = twins(optuna, rich_trials(optuna, n_objectives=2), ["minimize", "minimize"])
    with pytest.raises(ValueError, match="specify the `target`"):
        plot_edf(p)
    with pytest.warns(UserWarning, match="target_name"):
        ours = plot_edf(p, target=lambda t: t.values[1])
    with pytest.warns(UserWarning):
        theirs = optuna.visualization.plot_edf(o, target=lambda t: t.values[1])
    assert_same_figure(ours, theirs)


@pytest.mark.parametrize("studies", [[], "empty"])
def test_no_studies_or_no_complete_trials_give_an_empty_figure(
    studies: object, caplog: pytest.LogCaptureFixture
) -> None:
    p_arg = [] if studies == [] else twins(optuna, [], ["minimize"])[1]
    o_arg = [] if studies == [] else twins(optuna, [], ["minimize"])[0]
    with caplog.at_level(logging.WARNING):
        ours = plot_edf(p_arg)
    assert "There are no" in caplog.text
    assert figure_dict(ours)["data"] == []
    assert_same_figure(ours, optuna.visualization.plot_edf(o_arg))
    assert mpl_summary(mvis.plot_edf(p_arg))["lines"] == []


def test_matplotlib_matches_optuna() -> None:
    pairs = [twins(optuna, rich_trials(optuna, seed=s), ["minimize"], name=f"s{s}") for s in range(2)]
    ours = mpl_summary(mvis.plot_edf([p for _, p in pairs]))
    assert ours == mpl_summary(optuna.visualization.matplotlib.plot_edf([o for o, _ in pairs]))
    assert ours["legend"] == ["s0", "s1"]


def test_a_target_that_is_not_a_number_is_named_and_refused() -> None:
    o, p = twins(optuna, rich_trials(optuna, n=4), ["minimize"])
    with pytest.warns(UserWarning, match="Trial0's target value 'x' could not be cast to float."):
        with pytest.raises(ValueError, match="could not convert string to float"):
            plot_edf(p, target=lambda t: "x", target_name="x")  # type: ignore[arg-type, return-value]
    with pytest.warns(UserWarning, match="Trial0's target value 'x' could not be cast to float."):
        with pytest.raises(ValueError):
            optuna.visualization.plot_edf(o, target=lambda t: "x", target_name="x")
