"""QMCSampler and its numpy Sobol / Halton engines."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pytest

import pyhpo
from pyhpo.samplers import QMCSampler
from pyhpo.samplers._qmc import _HaltonEngine, _SobolEngine
from pyhpo.trial import TrialState

# First 64 points of scipy's unscrambled Sobol (21-d) and Halton (10-d), the engines Optuna uses.
_REFERENCE = json.loads((Path(__file__).parent / "assets" / "qmc_scipy_reference.json").read_text())


@pytest.fixture(autouse=True)
def _quiet() -> None:
    pyhpo.logging.set_verbosity(pyhpo.logging.WARNING)


def _star_discrepancy_proxy(points: np.ndarray) -> float:
    """Largest gap between the empirical and uniform measure over anchored boxes on a grid."""
    grid = np.linspace(0.1, 1.0, 10)
    worst = 0.0
    for a in grid:
        for b in grid:
            inside = np.mean((points[:, 0] < a) & (points[:, 1] < b))
            worst = max(worst, abs(inside - a * b))
    return worst


def test_unscrambled_sobol_equals_scipy_bit_for_bit() -> None:
    engine = _SobolEngine(21, scramble=False, seed=0)
    ours = np.array([engine.point(i) for i in range(64)])
    np.testing.assert_array_equal(ours, np.array(_REFERENCE["sobol_21d"]))


def test_unscrambled_halton_equals_scipy() -> None:
    engine = _HaltonEngine(10, scramble=False, seed=0)
    ours = np.array([engine.point(i) for i in range(64)])
    np.testing.assert_allclose(ours, np.array(_REFERENCE["halton_10d"]), rtol=0, atol=1e-15)


@pytest.mark.parametrize("engine_type", [_SobolEngine, _HaltonEngine])
def test_scrambled_engines_are_seeded_and_stay_low_discrepancy(engine_type) -> None:  # type: ignore[no-untyped-def]
    a = engine_type(3, scramble=True, seed=1)
    b = engine_type(3, scramble=True, seed=1)
    c = engine_type(3, scramble=True, seed=2)
    points = np.array([a.point(i) for i in range(512)])
    assert np.array_equal(points[:10], np.array([b.point(i) for i in range(10)]))
    assert not np.array_equal(points[:10], np.array([c.point(i) for i in range(10)]))
    assert np.all((points >= 0) & (points < 1))
    assert not np.all(points[0] == 0)  # scrambling moves the origin
    random = np.random.default_rng(0).random((512, 3))
    assert _star_discrepancy_proxy(points[:, :2]) < _star_discrepancy_proxy(random)


def test_sobol_points_of_a_power_of_two_fill_every_elementary_interval() -> None:
    engine = _SobolEngine(2, scramble=True, seed=3)
    points = np.array([engine.point(i) for i in range(256)])
    # (0, m, 2)-net property in base 2 for the first two dimensions: 16 x 16 cells, one point each.
    cells = (points * 16).astype(int)
    assert len({(int(x), int(y)) for x, y in cells}) == 256


def test_sobol_dimension_limit_is_explained() -> None:
    with pytest.raises(ValueError, match="supports 1 to 21 dimensions.*qmc_type='halton'"):
        _SobolEngine(22, scramble=False, seed=0)


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="`qmc_type='lattice'` is invalid"):
        QMCSampler(qmc_type="lattice")
    with pytest.raises(TypeError, match="independent_sampler must be a BaseSampler"):
        QMCSampler(independent_sampler="random")  # type: ignore[arg-type]


def _objective(trial) -> float:  # type: ignore[no-untyped-def]
    x = trial.suggest_float("x", -1.0, 1.0)
    lr = trial.suggest_float("lr", 1e-4, 1.0, log=True)
    n = trial.suggest_int("n", 0, 10, step=2)
    c = trial.suggest_categorical("c", ["a", "b", "c"])
    return x**2 + lr + n + "abc".index(c)


def test_study_walks_the_sobol_sequence_after_the_first_trial() -> None:
    study = pyhpo.create_study(sampler=QMCSampler(seed=0))
    study.optimize(_objective, n_trials=33)
    # Trial 0 is random and fixes the space (x, lr, n, c in suggestion order); trials 1..
    # take Sobol points 0.. with one coordinate per parameter in that order.
    assert list(study.trials[0].distributions) == ["x", "lr", "n", "c"]
    reference = np.array(_REFERENCE["sobol_21d"])[:32, :4]
    xs = np.array([t.params["x"] for t in study.trials[1:]])
    np.testing.assert_allclose(xs, -1.0 + 2.0 * reference[:, 0])
    lrs = np.array([t.params["lr"] for t in study.trials[1:]])
    np.testing.assert_allclose(np.log(lrs), np.log(1e-4) + reference[:, 1] * (np.log(1.0) - np.log(1e-4)))
    cs = [t.params["c"] for t in study.trials[1:]]
    assert cs == [["a", "b", "c"][int(3 * u)] for u in reference[:, 3]]
    ns = [t.params["n"] for t in study.trials[1:]]
    # The int's box is widened by half a step each side, [-1, 11], then rounded to the grid.
    assert ns == [min(max(2 * round((-1 + 12 * u) / 2), 0), 10) for u in reference[:, 2]]
    assert set(ns) == {0, 2, 4, 6, 8, 10}
    # One counter per search space, in Optuna's key format.
    attrs = study._storage.get_study_system_attrs(study._study_id)
    (key,) = [k for k in attrs if k.startswith("qmc:")]
    assert attrs[key] == 31


def test_halton_study_and_scrambled_seeds() -> None:
    def params(seed: int, scramble: bool) -> list[dict]:
        study = pyhpo.create_study(sampler=QMCSampler(qmc_type="halton", scramble=scramble, seed=seed))
        study.optimize(_objective, n_trials=10)
        return [t.params for t in study.trials]

    assert params(1, True) == params(1, True)
    assert params(1, True)[1:] != params(2, True)[1:]
    assert params(1, False)[2:] == params(2, False)[2:]  # unscrambled: seed only moves trial 0


def test_threads_never_share_a_sequence_position() -> None:
    study = pyhpo.create_study(sampler=QMCSampler(seed=0))
    study.enqueue_trial({"x": 0.0, "lr": 0.1, "n": 2, "c": "a"})
    study.optimize(_objective, n_trials=1)
    study.optimize(_objective, n_trials=64, n_jobs=4)
    xs = [t.params["x"] for t in study.trials[1:]]
    assert len(set(xs)) == 64


def test_parameters_outside_the_first_space_fall_back_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def objective(trial) -> float:  # type: ignore[no-untyped-def]
        x = trial.suggest_float("x", 0, 1)
        if trial.number > 0:
            x += trial.suggest_float("y", 0, 1)
        return x

    study = pyhpo.create_study(sampler=QMCSampler(seed=0))
    with caplog.at_level(logging.WARNING):
        study.optimize(objective, n_trials=3)
    assert "The parameter `y` in Trial#1 is sampled independently" in caplog.text
    assert all(t.state == TrialState.COMPLETE for t in study.trials)


def test_scramble_without_seed_warns(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        QMCSampler(scramble=True)
    assert "No seed is provided for `QMCSampler`" in caplog.text


def test_halton_handles_many_dimensions() -> None:
    def objective(trial) -> float:  # type: ignore[no-untyped-def]
        return sum(trial.suggest_float(f"x{i:02d}", 0, 1) for i in range(30))

    study = pyhpo.create_study(sampler=QMCSampler(qmc_type="halton", seed=0))
    study.optimize(objective, n_trials=5)
    assert len(study.trials) == 5
    sobol = pyhpo.create_study(sampler=QMCSampler(seed=0))
    sobol.optimize(objective, n_trials=1)
    with pytest.raises(ValueError, match="supports 1 to 21 dimensions"):
        sobol.optimize(objective, n_trials=1)
