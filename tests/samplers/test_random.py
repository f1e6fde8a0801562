"""RandomSampler: reproducible, inside every kind of distribution, and uniform."""

from __future__ import annotations

import copy
import math
from collections import Counter
from typing import Any

import numpy as np
import pytest

import pyhpo
from pyhpo.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from pyhpo.samplers import RandomSampler

DISTRIBUTIONS: dict[str, BaseDistribution] = {
    "float": FloatDistribution(-3.5, 7.25),
    "float_log": FloatDistribution(1e-5, 1e3, log=True),
    "float_step": FloatDistribution(-1.0, 1.0, step=0.25),
    "float_odd_step": FloatDistribution(0.0, 0.9, step=0.3),  # as (0.0, 1.0, step=0.3) is moved to, silently
    "int": IntDistribution(-5, 5),
    "int_step": IntDistribution(0, 20, step=4),
    "int_log": IntDistribution(1, 1000, log=True),
    "cat": CategoricalDistribution(["a", 1, 2.5, None, True]),
    "single_float": FloatDistribution(2.0, 2.0),
    "single_int": IntDistribution(3, 3),
}


def _draw(sampler: RandomSampler, name: str, n: int) -> list[object]:
    study = pyhpo.create_study(sampler=sampler)
    trial = study._storage.get_trial(study.ask()._trial_id)
    return [sampler.sample_independent(study, trial, name, DISTRIBUTIONS[name]) for _ in range(n)]


@pytest.mark.parametrize("name", sorted(DISTRIBUTIONS))
def test_every_draw_is_a_valid_value_of_its_distribution(name: str) -> None:
    dist = DISTRIBUTIONS[name]
    for value in _draw(RandomSampler(seed=3), name, 500):
        internal = dist.to_internal_repr(value)
        assert dist._contains(internal), (name, value)
        if isinstance(dist, IntDistribution):
            assert type(value) is int
        elif isinstance(dist, FloatDistribution):
            assert type(value) is float


@pytest.mark.parametrize("name", sorted(DISTRIBUTIONS))
def test_same_seed_gives_same_values_and_different_seeds_differ(name: str) -> None:
    a = _draw(RandomSampler(seed=11), name, 50)
    assert a == _draw(RandomSampler(seed=11), name, 50)
    if not name.startswith("single"):
        assert a != _draw(RandomSampler(seed=12), name, 50)


def test_float_draws_stay_strictly_below_high() -> None:
    values = _draw(RandomSampler(seed=0), "float", 2000)
    assert max(values) < 7.25 and min(values) >= -3.5  # type: ignore[type-var,operator]


def test_grid_points_are_equally_likely_including_the_ends() -> None:
    counts = Counter(_draw(RandomSampler(seed=0), "int_step", 6000))
    assert sorted(counts) == [0, 4, 8, 12, 16, 20]
    assert min(counts.values()) > 850 and max(counts.values()) < 1150  # 1000 expected each


def test_categorical_choices_are_equally_likely() -> None:
    counts = Counter(repr(v) for v in _draw(RandomSampler(seed=1), "cat", 5000))
    assert len(counts) == 5
    assert min(counts.values()) > 850 and max(counts.values()) < 1150


def test_log_draws_are_uniform_in_log_space() -> None:
    logs = np.log10(np.array(_draw(RandomSampler(seed=2), "float_log", 4000), dtype=float))
    hist, _ = np.histogram(logs, bins=8, range=(-5, 3))
    assert hist.min() > 400 and hist.max() < 600  # 500 expected per decade


def test_int_log_draws_follow_the_log_scale() -> None:
    values = np.array(_draw(RandomSampler(seed=4), "int_log", 4000))
    # Each decade (1-9, 10-99, 100-999) holds roughly a third of the log-uniform mass.
    share = [np.mean((values >= lo) & (values < lo * 10)) for lo in (1, 10, 100)]
    assert all(0.25 < s < 0.42 for s in share), share


def test_reseed_rng_changes_the_sequence_of_a_copy() -> None:
    sampler = RandomSampler(seed=5)
    clone = copy.deepcopy(sampler)
    clone.reseed_rng()
    assert _draw(sampler, "float", 20) != _draw(clone, "float", 20)


def test_unknown_distribution_type_is_rejected_with_its_name() -> None:
    class Weird(BaseDistribution):
        def to_external_repr(self, v: float) -> float:
            return v

        def to_internal_repr(self, v: float) -> float:
            return v

        def single(self) -> bool:
            return False

        def _contains(self, v: float) -> bool:
            return True

    study = pyhpo.create_study()
    trial = study._storage.get_trial(study.ask()._trial_id)
    with pytest.raises(TypeError, match="Weird"):
        RandomSampler().sample_independent(study, trial, "w", Weird())


def test_optimize_with_a_seed_is_reproducible_end_to_end() -> None:
    def objective(trial: pyhpo.Trial) -> float:
        x = trial.suggest_float("x", -1, 1)
        n = trial.suggest_int("n", 0, 3)
        c = trial.suggest_categorical("c", ["u", "v"])
        return x * x + n + (c == "u")

    runs = []
    for _ in range(2):
        study = pyhpo.create_study(sampler=RandomSampler(seed=42))
        study.optimize(objective, n_trials=30)
        runs.append([t.params for t in study.trials])
    assert runs[0] == runs[1]
    assert not math.isnan(study.best_value)


def test_seeded_draws_equal_optunas_random_sampler() -> None:
    optuna = pytest.importorskip("optuna")

    def objective(trial: object) -> float:
        t: Any = trial
        t.suggest_float("f", -3.5, 7.25)
        t.suggest_float("fl", 1e-5, 1e3, log=True)
        t.suggest_float("fs", -1.0, 1.0, step=0.25)
        t.suggest_int("i", -5, 5)
        t.suggest_int("is", 0, 20, step=4)
        t.suggest_int("il", 1, 1000, log=True)
        t.suggest_categorical("c", ["a", 1, 2.5, None, True])
        return 0.0

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    theirs = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=9))
    theirs.optimize(objective, n_trials=60)
    ours = pyhpo.create_study(sampler=RandomSampler(seed=9))
    ours.optimize(objective, n_trials=60)
    for a, b in zip(ours.trials, theirs.trials):
        assert a.params.keys() == b.params.keys()
        for name, value in a.params.items():
            if isinstance(value, float):
                assert value == pytest.approx(b.params[name], rel=1e-12), name
            else:
                assert value == b.params[name] and type(value) is type(b.params[name]), name
