"""plot_slice (plotly and matplotlib) against Optuna's, on twin studies of every distribution kind."""

from __future__ import annotations

from pathlib import Path

import pytest

import pyhpo
from pyhpo.visualization._slice import get_slice_info, plot_slice
from pyhpo.visualization.matplotlib._slice import plot_slice as mpl_plot_slice
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

PARAM_SETS = [None, *[[name] for name in DISTRIBUTIONS], ["c_str", "f_log", "i_lin"]]


@pytest.fixture(scope="module")
def single() -> tuple[object, object]:
    return twins(make_rows(36, constraints=True))


@pytest.mark.parametrize("params", PARAM_SETS)
def test_plotly_figure_is_optunas(single: tuple[object, object], params: list[str] | None) -> None:
    ours, theirs = single
    assert_same_figure(plot_slice(ours, params), optuna_call(optuna.visualization.plot_slice, theirs, params))


@pytest.mark.parametrize("params", [None, ["c_str", "f_log"], ["c_num"]])
def test_matplotlib_axes_are_optunas(single: tuple[object, object], params: list[str] | None) -> None:
    ours, theirs = single
    assert_same_axes(
        mpl_plot_slice(ours, params),
        optuna_call(optuna.visualization.matplotlib.plot_slice, theirs, params),
    )


def test_multi_objective_needs_a_target_and_then_matches_optuna() -> None:
    ours, theirs = twins(make_rows(24, n_objectives=2), ["minimize", "maximize"])
    for fn in (plot_slice, mpl_plot_slice):
        with pytest.raises(ValueError, match="please specify the `target`"):
            fn(ours)
    kwargs = {"target": lambda t: t.values[1], "target_name": "second"}
    assert_same_figure(
        plot_slice(ours, **kwargs), optuna_call(optuna.visualization.plot_slice, theirs, **kwargs)
    )


def test_target_without_its_name_warns() -> None:
    study = build_study(pyhpo, make_rows(6), ["minimize"])
    with pytest.warns(UserWarning, match="`target_name` is the default value"):
        plot_slice(study, target=lambda t: t.value)


def test_unknown_param_is_optunas_value_error(single: tuple[object, object]) -> None:
    ours, _ = single
    for fn in (plot_slice, mpl_plot_slice):
        with pytest.raises(ValueError, match="Parameter nope does not exist in your study."):
            fn(ours, params=["f_lin", "nope"])


def test_empty_study_warns_and_draws_nothing() -> None:
    rows = [{"params": {"f_lin": 1.0}, "state": "FAIL"}]
    ours, theirs = twins(rows)
    with pyhpo_records() as log:
        figure = plot_slice(ours)
        ax = mpl_plot_slice(ours)
    assert "Your study does not have any completed trials." in log.messages
    assert figure.data == ()
    assert_same_figure(figure, optuna_call(optuna.visualization.plot_slice, theirs))
    assert not ax.collections


def test_failed_pruned_and_nonfinite_trials_are_left_out() -> None:
    rows = make_rows(30)
    rows[0]["values"] = [float("inf")]
    study = build_study(pyhpo, rows, ["minimize"])
    n_complete = sum(1 for r in rows if r["state"] == "COMPLETE") - 1
    info = get_slice_info(study, ["f_lin"], None, "Objective Value")
    sub = info.subplots[0]
    assert len(sub.feasible.x) + len(sub.infeasible.x) == n_complete
    assert 0 not in sub.feasible.trial_numbers


def test_axis_kinds() -> None:
    study = build_study(pyhpo, make_rows(20, missing=False), ["minimize"])
    layout = plot_slice(study, ["c_mixed", "f_log", "i_log", "f_lin"]).layout
    # Subplots are sorted by name: c_mixed, f_lin, f_log, i_log.
    assert layout.xaxis.type == "category"
    assert list(layout.xaxis.categoryarray) == ["3", "2.5", "None", "True", "'s'"]
    assert layout.xaxis2.type is None
    assert layout.xaxis3.type == "log"
    assert layout.xaxis4.type == "log"
    assert layout.width == 1200


def test_equal_but_distinct_choices_stay_apart() -> None:
    # Optuna groups points by value, so choices 1 and True would each collect the other's trials.
    rows = [
        {"params": {"c": c}, "values": [float(i)], "state": "COMPLETE"} for i, c in enumerate([1, True, 1])
    ]
    study = pyhpo.create_study()
    for row in rows:
        study.add_trial(
            pyhpo.trial.create_trial(
                params=row["params"],
                distributions={"c": pyhpo.distributions.CategoricalDistribution([1, True])},
                value=row["values"][0],
            )
        )
    sub = get_slice_info(study, None, None, "Objective Value").subplots[0]
    assert sub.feasible.x == ["1", "1", "True"]
    assert sub.feasible.trial_numbers == [0, 2, 1]


def test_renders(single: tuple[object, object], tmp_path: Path) -> None:
    ours, _ = single
    assert figure_json(plot_slice(ours))["data"]
    save_png(mpl_plot_slice(ours), tmp_path / "slice.png")
    save_png(mpl_plot_slice(ours, ["f_log"]), tmp_path / "slice1.png")
