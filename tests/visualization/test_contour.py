"""plot_contour (plotly and matplotlib) against Optuna's, on twin studies of every distribution kind."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

import pyhpo
from pyhpo.visualization._contour import MAX_GRID_POSITIONS, get_contour_info, plot_contour
from pyhpo.visualization.matplotlib._contour import plot_contour as mpl_plot_contour
from tests.study.helpers import pyhpo_records
from tests.visualization.param_plots_helpers import (
    assert_same_axes,
    assert_same_figure,
    build_study,
    figure_json,
    flat_axes,
    make_rows,
    optuna_call,
    save_png,
    twins,
)

optuna = pytest.importorskip("optuna")

NAMES = ("f_lin", "f_log", "f_step", "i_lin", "i_log", "c_str", "c_num", "c_mixed")
PAIRS = [
    [NAMES[i], NAMES[j]] for i in range(len(NAMES)) for j in range(i + 1, len(NAMES)) if (i + j) % 3 == 0
]


@pytest.fixture(scope="module")
def single() -> tuple[object, object]:
    return twins(make_rows(30, constraints=True))


@pytest.mark.parametrize("params", [["c_str", "f_log", "i_lin"], *PAIRS])
def test_plotly_figure_is_optunas(single: tuple[object, object], params: list[str] | None) -> None:
    ours, theirs = single
    assert_same_figure(
        plot_contour(ours, params), optuna_call(optuna.visualization.plot_contour, theirs, params)
    )


def test_all_params_by_default_as_optuna() -> None:
    ours, theirs = twins(make_rows(20, ("f_lin", "f_log", "c_str", "c_mixed")))
    assert_same_figure(plot_contour(ours), optuna_call(optuna.visualization.plot_contour, theirs))


@pytest.mark.parametrize("direction", ["minimize", "maximize"])
def test_shared_cells_keep_the_best_value_as_optuna(direction: str) -> None:
    # f_step and i_lin take few values: many trials share a cell.
    ours, theirs = twins(make_rows(40, ("f_step", "i_lin"), missing=False), [direction])
    assert_same_figure(plot_contour(ours), optuna_call(optuna.visualization.plot_contour, theirs))


@pytest.mark.parametrize("params", [["f_log", "i_lin"], ["c_str", "c_num"], ["f_lin", "f_log", "c_mixed"]])
def test_matplotlib_axes_and_surface_are_optunas(params: list[str]) -> None:
    ours, theirs = twins(make_rows(30, constraints=True, missing=False))
    mine = mpl_plot_contour(ours, params)
    other = optuna_call(optuna.visualization.matplotlib.plot_contour, theirs, params)
    assert_same_axes(mine, other)
    for a, b in zip(flat_axes(mine), flat_axes(other)):
        # The filled contour's levels follow the interpolated surface.
        levels_a = [np.asarray(c.levels) for c in a.collections if hasattr(c, "levels")]
        levels_b = [np.asarray(c.levels) for c in b.collections if hasattr(c, "levels")]
        assert len(levels_a) == len(levels_b)
        for la, lb in zip(levels_a, levels_b):
            np.testing.assert_allclose(la, lb, rtol=1e-9, atol=1e-9)


def test_multi_objective_needs_a_target_and_then_matches_optuna() -> None:
    ours, theirs = twins(make_rows(24, n_objectives=2), ["minimize", "maximize"])
    for fn in (plot_contour, mpl_plot_contour):
        with pytest.raises(ValueError, match="please specify the `target`"):
            fn(ours)
    kwargs = {"target": lambda t: t.values[1], "target_name": "second"}
    assert_same_figure(
        plot_contour(ours, ["f_lin", "c_str"], **kwargs),
        optuna_call(optuna.visualization.plot_contour, theirs, ["f_lin", "c_str"], **kwargs),
    )


def test_unknown_param_is_optunas_value_error(single: tuple[object, object]) -> None:
    ours, _ = single
    for fn in (plot_contour, mpl_plot_contour):
        with pytest.raises(ValueError, match="Parameter nope does not exist in your study."):
            fn(ours, params=["f_lin", "nope"])


def test_empty_study_and_single_param_draw_nothing() -> None:
    ours, theirs = twins([{"params": {"f_lin": 1.0}, "state": "FAIL"}])
    with pyhpo_records() as log:
        figure = plot_contour(ours)
        mpl_plot_contour(ours)
    assert "Your study does not have any completed trials." in log.messages
    assert figure.data == ()
    assert_same_figure(figure, optuna_call(optuna.visualization.plot_contour, theirs))
    study = build_study(pyhpo, make_rows(10), ["minimize"])
    with pyhpo_records() as log:
        assert plot_contour(study, ["f_lin"]).data == ()
    assert "The length of params must be greater than 1." in log.messages


def test_params_that_never_meet_warn() -> None:
    study = pyhpo.create_study()
    for i in range(4):
        name = "a" if i % 2 else "b"
        study.add_trial(
            pyhpo.trial.create_trial(
                params={name: float(i)},
                distributions={name: pyhpo.distributions.FloatDistribution(0, 10)},
                value=float(i),
            )
        )
    with pytest.warns(UserWarning, match="`a` and `b` cannot co-exist"):
        figure = plot_contour(study)
    assert figure.data[0].z is None


def test_axis_kinds() -> None:
    study = build_study(pyhpo, make_rows(20, missing=False), ["minimize"])
    layout = plot_contour(study, ["c_str", "f_log"]).layout
    assert layout.xaxis.type == "category"
    assert layout.yaxis.type == "log"
    info = get_contour_info(study, ["c_num", "i_log"], None, "Objective Value")
    # Numeric-looking categories sit on a numeric axis, padded like a float one.
    assert not info.axes["c_num"].is_cat and info.axes["c_num"].range[0] < 2
    assert info.axes["i_log"].is_log


def test_a_large_study_is_gridded_on_bounded_positions() -> None:
    rng = np.random.default_rng(1)
    study = pyhpo.create_study()
    dists = {
        "x": pyhpo.distributions.FloatDistribution(1e-3, 1e3, log=True),
        "y": pyhpo.distributions.FloatDistribution(-1, 1),
    }
    n = 2 * MAX_GRID_POSITIONS
    xs, ys = 10 ** rng.uniform(-3, 3, n), rng.uniform(-1, 1, n)
    for x, y in zip(xs, ys):
        study.add_trial(
            pyhpo.trial.create_trial(
                params={"x": float(x), "y": float(y)}, distributions=dists, value=float(x * y)
            )
        )
    contour, points, _ = plot_contour(study).data
    assert len(contour.x) == len(contour.y) == MAX_GRID_POSITIONS + 2
    z = np.asarray(contour.z, dtype=float)
    assert z.shape == (MAX_GRID_POSITIONS + 2, MAX_GRID_POSITIONS + 2)
    # Every trial lands in one cell; the best (lowest) of a cell's trials is kept.
    assert np.count_nonzero(~np.isnan(z)) <= n
    assert np.nanmin(z) == pytest.approx(float(np.min(xs * ys)))
    assert len(points.x) == n


def test_renders(single: tuple[object, object], tmp_path: Path) -> None:
    ours, _ = single
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        assert figure_json(plot_contour(ours, ["f_lin", "c_str", "i_log"]))["data"]
    save_png(mpl_plot_contour(ours, ["f_log", "i_log"]), tmp_path / "contour2.png")
