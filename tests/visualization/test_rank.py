"""plot_rank (plotly and matplotlib) against Optuna's, on twin studies of every distribution kind."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import pyhpo
from pyhpo.visualization._rank import average_ranks, get_rank_info, plot_rank
from pyhpo.visualization.matplotlib._rank import plot_rank as mpl_plot_rank
from tests.study.helpers import pyhpo_records
from tests.visualization.param_plots_helpers import (
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

PARAM_SETS = [
    ["f_lin"],
    ["f_log", "i_log"],
    ["c_str", "f_step"],
    ["c_num", "c_mixed"],
    ["i_lin", "c_str", "f_log"],
    ["f_log", "c_str"],  # the caller's order is kept, as in Optuna
]


@pytest.fixture(scope="module")
def single() -> tuple[object, object]:
    return twins(make_rows(30, constraints=True))


@pytest.mark.parametrize("params", PARAM_SETS)
def test_plotly_figure_is_optunas(single: tuple[object, object], params: list[str]) -> None:
    ours, theirs = single
    assert_same_figure(plot_rank(ours, params), optuna_call(optuna.visualization.plot_rank, theirs, params))


def test_all_params_by_default_as_optuna() -> None:
    ours, theirs = twins(make_rows(20, ("f_lin", "c_mixed", "i_log")))
    assert_same_figure(plot_rank(ours), optuna_call(optuna.visualization.plot_rank, theirs))


@pytest.mark.parametrize("params", [["f_log", "i_lin"], ["c_str", "c_num"], ["f_lin", "f_log", "c_mixed"]])
def test_matplotlib_axes_are_optunas(single: tuple[object, object], params: list[str]) -> None:
    ours, theirs = single
    mine = mpl_plot_rank(ours, params)
    other = optuna_call(optuna.visualization.matplotlib.plot_rank, theirs, params)
    assert_same_axes(mine, other)
    colors = [c.get_facecolors() for a in np.ravel(mine) for c in a.collections]
    expected = [c.get_facecolors() for a in np.ravel(other) for c in a.collections]
    for a, b in zip(colors, expected):
        np.testing.assert_allclose(a, b)


def test_multi_objective_needs_a_target_and_then_matches_optuna() -> None:
    ours, theirs = twins(make_rows(24, n_objectives=2), ["minimize", "maximize"])
    for fn in (plot_rank, mpl_plot_rank):
        with pytest.raises(ValueError, match="please specify the `target`"):
            fn(ours)
    kwargs = {"target": lambda t: t.values[1], "target_name": "second"}
    assert_same_figure(
        plot_rank(ours, ["f_lin", "c_str"], **kwargs),
        optuna_call(optuna.visualization.plot_rank, theirs, ["f_lin", "c_str"], **kwargs),
    )


def test_unknown_param_is_optunas_value_error(single: tuple[object, object]) -> None:
    ours, _ = single
    for fn in (plot_rank, mpl_plot_rank):
        with pytest.raises(ValueError, match="Parameter nope does not exist in your study."):
            fn(ours, params=["f_lin", "nope"])


def test_empty_study_warns_and_draws_nothing() -> None:
    ours, theirs = twins([{"params": {"f_lin": 1.0}, "state": "FAIL"}])
    with pyhpo_records() as log:
        figure = plot_rank(ours)
        mpl_plot_rank(ours)
    assert "Your study does not have any completed trials." in log.messages
    assert "params is an empty list." in log.messages
    assert_same_figure(figure, optuna_call(optuna.visualization.plot_rank, theirs))


def test_nan_targets_are_left_out_and_infeasible_trials_are_grey() -> None:
    rows = make_rows(12, ("f_lin",), extra_states=False, constraints=True, missing=False)
    study = build_study(pyhpo, rows, ["minimize"])

    def target(t: pyhpo.trial.FrozenTrial) -> float:
        return float("nan") if t.number == 0 else float(t.value)  # type: ignore[arg-type]

    with pyhpo_records() as log:
        info = get_rank_info(study, None, target, "t")
    assert "Trial 0 is omitted in visualization because its objective value is nan." in log.messages
    sub = info.sub_plot_infos[0][0]
    assert [t.number for t in sub.trials] == list(range(1, 12))
    for t, color in zip(sub.trials, sub.colors):
        infeasible = any(c > 0 for c in t.constraints.values())
        assert (tuple(color) == (204, 204, 204)) == infeasible


def test_ties_share_their_average_rank() -> None:
    values = np.array([3.0, 1.0, 3.0, 2.0, 3.0, -np.inf])
    np.testing.assert_array_equal(average_ranks(values), [4.0, 1.0, 4.0, 2.0, 4.0, 0.0])


def test_renders(single: tuple[object, object], tmp_path: Path) -> None:
    ours, _ = single
    assert figure_json(plot_rank(ours, ["f_lin", "c_str", "i_log"]))["data"]
    save_png(mpl_plot_rank(ours, ["f_lin", "c_str", "i_log"]), tmp_path / "rank.png")
    save_png(mpl_plot_rank(ours, ["f_log", "i_log"]), tmp_path / "rank2.png")


def test_a_subplot_figure_still_takes_rows_and_columns(single: tuple[object, object]) -> None:
    import plotly.graph_objects as go

    ours, _ = single
    figure = plot_rank(ours, ["f_lin", "c_str", "i_log"])
    figure.add_trace(go.Scatter(x=[0.0], y=[1.0]), row=2, col=3)
    assert figure.data[-1].xaxis == "x6"
    with pytest.raises(ValueError):
        figure.update_layout(not_a_property=1)
