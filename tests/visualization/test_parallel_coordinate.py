"""plot_parallel_coordinate (plotly and matplotlib) against Optuna's, on twin studies of every distribution kind."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import pyhpo
from pyhpo.visualization._parallel_coordinate import get_parallel_coordinate_info, plot_parallel_coordinate
from pyhpo.visualization.matplotlib._parallel_coordinate import (
    plot_parallel_coordinate as mpl_plot_parallel_coordinate,
)
from tests.study.helpers import pyhpo_records
from tests.visualization.param_plots_helpers import (
    DISTRIBUTIONS,
    assert_same_axes,
    assert_same_figure,
    build_study,
    figure_json,
    make_rows,
    optuna_call,
    save_png,
    twins,
)

optuna = pytest.importorskip("optuna")

PARAM_SETS = [None, *[[name] for name in DISTRIBUTIONS], ["c_num", "c_str", "i_log"]]


@pytest.fixture(scope="module")
def single() -> tuple[object, object]:
    return twins(make_rows(30, constraints=True))


@pytest.mark.parametrize("params", PARAM_SETS)
def test_plotly_figure_is_optunas(single: tuple[object, object], params: list[str] | None) -> None:
    ours, theirs = single
    assert_same_figure(
        plot_parallel_coordinate(ours, params),
        optuna_call(optuna.visualization.plot_parallel_coordinate, theirs, params),
    )


@pytest.mark.parametrize("direction", ["minimize", "maximize"])
def test_without_constraints_or_missing_values(direction: str) -> None:
    ours, theirs = twins(make_rows(25, missing=False), [direction])
    assert_same_figure(
        plot_parallel_coordinate(ours), optuna_call(optuna.visualization.plot_parallel_coordinate, theirs)
    )


@pytest.mark.parametrize("params", [None, ["c_num", "f_log"], ["c_mixed"]])
def test_matplotlib_axes_are_optunas(single: tuple[object, object], params: list[str] | None) -> None:
    ours, theirs = single
    assert_same_axes(
        mpl_plot_parallel_coordinate(ours, params),
        optuna_call(optuna.visualization.matplotlib.plot_parallel_coordinate, theirs, params),
    )


def test_multi_objective_colours_by_pareto_rank_as_optuna() -> None:
    ours, theirs = twins(
        make_rows(30, n_objectives=2, constraints=True), ["minimize", "maximize"], study_name="mo"
    )
    assert_same_figure(
        plot_parallel_coordinate(ours), optuna_call(optuna.visualization.plot_parallel_coordinate, theirs)
    )
    assert_same_axes(
        mpl_plot_parallel_coordinate(ours),
        optuna_call(optuna.visualization.matplotlib.plot_parallel_coordinate, theirs),
    )
    info = get_parallel_coordinate_info(ours, None, None, "Objective Value")
    assert [d.label for d in info.dims_objectives] == ["Objective 0", "Objective 1"]
    assert info.colorbar_title == "Pareto Rank"
    kwargs = {"target": lambda t: t.values[0], "target_name": "first"}
    assert_same_figure(
        plot_parallel_coordinate(ours, **kwargs),
        optuna_call(optuna.visualization.plot_parallel_coordinate, theirs, **kwargs),
    )


def test_target_without_its_name_warns() -> None:
    study = build_study(pyhpo, make_rows(6), ["minimize"])
    with pytest.warns(UserWarning, match="`target_name` is the default value"):
        plot_parallel_coordinate(study, target=lambda t: t.value)


def test_unknown_param_is_optunas_value_error(single: tuple[object, object]) -> None:
    ours, _ = single
    for fn in (plot_parallel_coordinate, mpl_plot_parallel_coordinate):
        with pytest.raises(ValueError, match="Parameter nope does not exist in your study."):
            fn(ours, params=["nope"])


def test_empty_study_warns_and_draws_nothing() -> None:
    ours, theirs = twins([{"params": {"f_lin": 1.0}, "state": "PRUNED"}])
    with pyhpo_records() as log:
        figure = plot_parallel_coordinate(ours)
        ax = mpl_plot_parallel_coordinate(ours)
    assert "Your study does not have any completed trials." in log.messages
    assert figure.data == ()
    assert_same_figure(figure, optuna_call(optuna.visualization.plot_parallel_coordinate, theirs))
    assert not ax.collections


def test_axes_of_each_kind() -> None:
    study = build_study(pyhpo, make_rows(30, seed=3), ["minimize"])
    info = get_parallel_coordinate_info(study, None, None, "Objective Value")
    dims = {d.label: d for d in info.dims_params}
    assert dims["f_log"].is_log and not dims["f_log"].is_cat
    assert dims["i_log"].is_log
    assert dims["c_str"].is_cat and dims["c_str"].ticktext[0] in ("a", "b", "c")
    # Numeric-looking categories are ordered by value.
    assert dims["c_num"].ticktext == ["2", "10", "30.5"]
    # c_mixed is missing in every fifth trial: a "None" tick below, the None choice renamed.
    assert dims["c_mixed"].has_missing and dims["c_mixed"].ticktext[0] == "None"
    assert "None (value)" in dims["c_mixed"].ticktext
    n_complete = len(study.get_trials(states=(pyhpo.trial.TrialState.COMPLETE,)))
    assert all(len(d.values) == n_complete for d in info.dims_params)


def test_renders(single: tuple[object, object], tmp_path: Path) -> None:
    ours, _ = single
    figure = plot_parallel_coordinate(ours)
    assert figure_json(figure)["data"]
    # The trace dicts skip validation at build time; later edits are validated again.
    with pytest.raises(ValueError):
        figure.update_layout(not_a_property=1)
    save_png(mpl_plot_parallel_coordinate(ours), tmp_path / "pc.png")


def test_many_trials_and_params_stay_linear() -> None:
    rng = np.random.default_rng(0)
    study = pyhpo.create_study()
    dists = {f"p{i}": pyhpo.distributions.FloatDistribution(0, 1) for i in range(20)}
    for value, row in zip(rng.random(2000), rng.random((2000, 20))):
        params = {f"p{i}": float(v) for i, v in enumerate(row)}
        study.add_trial(pyhpo.trial.create_trial(params=params, distributions=dists, value=float(value)))
    figure = plot_parallel_coordinate(study)
    assert len(figure.data) == 2001
    assert len(figure.data[0].y) == 21
