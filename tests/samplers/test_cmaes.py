"""CmaEsSampler and its numpy CMA-ES."""

from __future__ import annotations

import logging
import math

import numpy as np
import pytest

import pyhpo
from pyhpo.samplers import CmaEsSampler
from pyhpo.samplers._cmaes import _CMA
from pyhpo.trial import TrialState


@pytest.fixture(autouse=True)
def _quiet() -> None:
    pyhpo.logging.set_verbosity(pyhpo.logging.WARNING)


def _sphere(trial) -> float:  # type: ignore[no-untyped-def]
    x = np.array([trial.suggest_float(f"x{i}", -5.0, 5.0) for i in range(4)])
    return float(np.sum((x - 1.5) ** 2))


def _run_cma(f, dim: int, separable: bool, generations: int, seed: int = 0) -> float:  # type: ignore[no-untyped-def]
    bounds = np.array([[-10.0, 10.0]] * dim)
    cma = _CMA(np.full(dim, 3.0), 2.0, bounds, separable=separable)
    rng = np.random.RandomState(seed)
    for _ in range(generations):
        xs = [cma.ask(rng) for _ in range(cma.population_size)]
        cma.tell([(x, f(x)) for x in xs])
    return float(f(cma.mean))


def test_cma_learns_a_rotated_ill_conditioned_ellipsoid() -> None:
    dim = 6
    rotation, _ = np.linalg.qr(np.random.default_rng(1).normal(size=(dim, dim)))
    scales = 10.0 ** np.linspace(0, 3, dim)

    def ellipsoid(x: np.ndarray) -> float:
        return float(np.sum((scales * (rotation @ x)) ** 2))

    # Condition number 1e6: about 2600 evaluations for the full CMA-ES, in line with published runs.
    full = _run_cma(ellipsoid, dim, separable=False, generations=320)
    assert full < 1e-6
    # The diagonal variant cannot learn the rotation and lags far behind.
    assert _run_cma(ellipsoid, dim, separable=True, generations=320) > 1e4 * full


def test_separable_cma_solves_an_axis_aligned_problem() -> None:
    scales = 10.0 ** np.linspace(0, 2, 8)
    assert _run_cma(lambda x: float(np.sum((scales * x) ** 2)), 8, separable=True, generations=200) < 1e-6


def test_asked_points_stay_in_the_bounds() -> None:
    cma = _CMA(np.array([0.95, 0.05]), 0.5, np.array([[0.0, 1.0], [0.0, 1.0]]))
    rng = np.random.RandomState(0)
    points = np.array([cma.ask(rng) for _ in range(200)])
    assert np.all((points >= 0) & (points <= 1))


def test_state_round_trips_through_json() -> None:
    cma = _CMA(np.zeros(3), 0.3, np.array([[-1.0, 1.0]] * 3), population_size=6)
    rng = np.random.RandomState(0)
    cma.tell([(x, float(np.sum(x**2))) for x in (cma.ask(rng) for _ in range(6))])
    clone = _CMA.from_json(cma.to_json())
    for attr in ("mean", "C", "p_sigma", "p_c"):
        np.testing.assert_array_equal(getattr(clone, attr), getattr(cma, attr))
    assert (clone.sigma, clone.generation, clone.population_size) == (cma.sigma, 1, 6)
    np.testing.assert_array_equal(clone.ask(np.random.RandomState(5)), cma.ask(np.random.RandomState(5)))


def test_tell_needs_a_full_population() -> None:
    cma = _CMA(np.zeros(2), 0.3, np.array([[-1.0, 1.0]] * 2), population_size=4)
    with pytest.raises(ValueError, match="tell needs 4 solutions, got 1"):
        cma.tell([(np.zeros(2), 0.0)])


def test_sampler_beats_random_search_on_a_sphere() -> None:
    cma = pyhpo.create_study(sampler=CmaEsSampler(seed=0))
    cma.optimize(_sphere, n_trials=250)
    rand = pyhpo.create_study(sampler=pyhpo.samplers.RandomSampler(seed=0))
    rand.optimize(_sphere, n_trials=250)
    assert cma.best_value < 1e-2
    assert cma.best_value < rand.best_value / 100


def test_maximization_is_supported() -> None:
    study = pyhpo.create_study(direction="maximize", sampler=CmaEsSampler(seed=1))
    study.optimize(lambda t: -_sphere(t), n_trials=150)
    assert study.best_value > -0.1


def test_generations_and_optimizer_state_are_recorded() -> None:
    study = pyhpo.create_study(sampler=CmaEsSampler(seed=0, popsize=5, n_startup_trials=2))
    study.optimize(_sphere, n_trials=14)
    trials = study.trials
    assert all("pyhpo:cma:generation" not in t.system_attrs for t in trials[:2])
    generations = [t.system_attrs["pyhpo:cma:generation"] for t in trials[2:]]
    assert generations == [0] * 5 + [1] * 5 + [2] * 2
    # The trials that told a generation carry the optimizer state.
    holders = [t.number for t in trials if "pyhpo:cma:optimizer:0" in t.system_attrs]
    assert holders == [7, 12]


def test_large_states_are_split_into_chunks_and_restored() -> None:
    def objective(trial) -> float:  # type: ignore[no-untyped-def]
        return sum((trial.suggest_float(f"x{i:02d}", -1, 1) - 0.2) ** 2 for i in range(25))

    study = pyhpo.create_study(sampler=CmaEsSampler(seed=0, popsize=4))
    study.optimize(objective, n_trials=14)
    holder = next(t for t in study.trials if "pyhpo:cma:optimizer:0" in t.system_attrs)
    chunks = [k for k in holder.system_attrs if k.startswith("pyhpo:cma:optimizer:")]
    assert len(chunks) > 1
    assert all(len(holder.system_attrs[k]) <= 2045 for k in chunks)
    restored = CmaEsSampler()._restore_optimizer([holder])
    assert restored is not None and restored.dim == 25 and restored.generation == 1


def test_int_log_and_step_parameters_are_valid() -> None:
    def objective(trial) -> float:  # type: ignore[no-untyped-def]
        lr = trial.suggest_float("lr", 1e-5, 1.0, log=True)
        n = trial.suggest_int("n", 1, 64, log=True)
        k = trial.suggest_int("k", 0, 20, step=5)
        q = trial.suggest_float("q", 0.0, 1.0, step=0.1)
        return (math.log10(lr) + 3) ** 2 + (n - 8) ** 2 + (k - 10) ** 2 + (q - 0.3) ** 2

    study = pyhpo.create_study(sampler=CmaEsSampler(seed=0))
    study.optimize(objective, n_trials=120)
    for t in study.trials:
        for name, value in t.params.items():
            dist = t.distributions[name]
            assert dist._contains(dist.to_internal_repr(value))
    assert study.best_params["k"] == 10 and study.best_params["n"] in (7, 8, 9)


def test_categorical_parameters_fall_back_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    def objective(trial) -> float:  # type: ignore[no-untyped-def]
        return trial.suggest_float("x", 0, 1) + len(trial.suggest_categorical("c", ["a", "bb"]))

    study = pyhpo.create_study(sampler=CmaEsSampler(seed=0))
    with caplog.at_level(logging.WARNING):
        study.optimize(objective, n_trials=3)
    assert "The parameter `c` in Trial#1 is sampled independently" in caplog.text
    quiet = pyhpo.create_study(sampler=CmaEsSampler(seed=0, warn_independent_sampling=False))
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        quiet.optimize(objective, n_trials=3)
    assert "sampled independently" not in caplog.text


def test_x0_and_sigma0_place_the_first_generation() -> None:
    sampler = CmaEsSampler(x0={f"x{i}": -4.0 for i in range(4)}, sigma0=1e-3, seed=0, n_startup_trials=0)
    study = pyhpo.create_study(sampler=sampler)
    study.optimize(_sphere, n_trials=4)
    # Trial 0 defines the search space (nothing is known before it), so it is random.
    for t in study.trials[1:]:
        assert all(abs(v + 4.0) < 0.1 for v in t.params.values())


def test_warm_start_from_source_trials_starts_near_their_optimum() -> None:
    source = pyhpo.create_study(sampler=CmaEsSampler(seed=0))
    source.optimize(_sphere, n_trials=120)
    warm = pyhpo.create_study(sampler=CmaEsSampler(source_trials=source.trials, seed=1, n_startup_trials=0))
    warm.optimize(_sphere, n_trials=9)
    cold = pyhpo.create_study(sampler=CmaEsSampler(seed=1, n_startup_trials=0))
    cold.optimize(_sphere, n_trials=9)
    # Trial 0 of each is random; the first CMA-ES generation is much better when warm-started.
    warm_median = np.median([t.value for t in warm.trials[1:]])
    assert warm_median < np.median([t.value for t in cold.trials[1:]]) / 3
    with pytest.raises(ValueError, match="No compatible source_trials"):
        other = pyhpo.create_study(sampler=CmaEsSampler(source_trials=source.trials, n_startup_trials=0))
        other.optimize(lambda t: t.suggest_float("y", 0, 1), n_trials=2)


def test_pruned_trials_count_only_when_asked() -> None:
    def objective(trial) -> float:  # type: ignore[no-untyped-def]
        value = _sphere(trial)
        trial.report(value, 0)
        if trial.number % 2:
            raise pyhpo.TrialPruned()
        return value

    with_pruned = pyhpo.create_study(sampler=CmaEsSampler(seed=0, popsize=4, consider_pruned_trials=True))
    with_pruned.optimize(objective, n_trials=12)
    without = pyhpo.create_study(sampler=CmaEsSampler(seed=0, popsize=4))
    without.optimize(objective, n_trials=12)
    generation = lambda s: max(t.system_attrs.get("pyhpo:cma:generation", 0) for t in s.trials)
    assert generation(with_pruned) > generation(without)


def test_multi_objective_is_rejected() -> None:
    study = pyhpo.create_study(directions=["minimize", "minimize"], sampler=CmaEsSampler())
    with pytest.raises(ValueError, match="CmaEsSampler cannot be used"):
        study.optimize(lambda t: (t.suggest_float("x", 0, 1), 0.0), n_trials=2)


def test_separable_in_one_dimension_warns() -> None:
    study = pyhpo.create_study(sampler=CmaEsSampler(use_separable_cma=True, seed=0))
    with pytest.warns(UserWarning, match="Separable CMA-ES does not operate meaningfully"):
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"with_margin": True}, "with_margin=True.*not supported"),
        ({"lr_adapt": True}, "lr_adapt=True.*not supported"),
        ({"restart_strategy": "ipop"}, "restart_strategy and inc_popsize are not supported"),
        ({"sigma0": 0.0}, "sigma0 must be > 0, got 0.0"),
        ({"n_startup_trials": -1}, "n_startup_trials must be an int >= 0"),
        ({"popsize": 1}, "popsize must be an int >= 2"),
        ({"source_trials": [], "x0": {"x": 1.0}}, "source_trials cannot be combined with x0"),
    ],
)
def test_bad_arguments(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        CmaEsSampler(**kwargs)


def test_x0_missing_a_parameter_is_named() -> None:
    study = pyhpo.create_study(sampler=CmaEsSampler(x0={"x0": 0.0}, n_startup_trials=0))
    with pytest.raises(ValueError, match=r"x0 has no value for parameter\(s\) \['x1', 'x2', 'x3'\]"):
        study.optimize(_sphere, n_trials=2)


def test_threads_share_one_optimizer() -> None:
    study = pyhpo.create_study(sampler=CmaEsSampler(seed=0))
    study.optimize(_sphere, n_trials=120, n_jobs=2)
    assert len(study.trials) == 120 and all(t.state == TrialState.COMPLETE for t in study.trials)
    assert max(t.system_attrs.get("pyhpo:cma:generation", 0) for t in study.trials) >= 8
    rand = pyhpo.create_study(sampler=pyhpo.samplers.RandomSampler(seed=0))
    rand.optimize(_sphere, n_trials=120)
    assert study.best_value < rand.best_value


def test_a_changed_search_space_falls_back_to_independent_sampling(caplog: pytest.LogCaptureFixture) -> None:
    def objective(trial) -> float:  # type: ignore[no-untyped-def]
        x = trial.suggest_float("x", 0, 1)
        if trial.number < 6:
            x += trial.suggest_float("y", 0, 1)
        return x

    study = pyhpo.create_study(sampler=CmaEsSampler(seed=0, popsize=4))
    with caplog.at_level(logging.WARNING):
        study.optimize(objective, n_trials=10)
    # Once trial 6 (without "y") has completed, the intersection space is {x} while the stored
    # optimizer is two-dimensional.
    assert "`CmaEsSampler` does not support dynamic search space" in caplog.text
    assert all(t.state == TrialState.COMPLETE for t in study.trials)
