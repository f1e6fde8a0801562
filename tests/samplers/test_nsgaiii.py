"""NSGAIIISampler: reference points, normalisation, niching, and a many-objective run."""

from __future__ import annotations

import math

import numpy as np
import optuna
import pytest

import pyhpo
from pyhpo._hypervolume import compute_hypervolume
from pyhpo.samplers._lazy_random_state import LazyRandomState
from pyhpo.samplers._nsgaiii import (
    NSGAIIIElitePopulationSelectionStrategy,
    NSGAIIISampler,
    _associate,
    _clip_infinite,
    _normalize,
    _simplex_lattice,
)
from pyhpo.study import StudyDirection
from pyhpo.trial import create_trial


@pytest.fixture(autouse=True)
def _quiet() -> None:
    pyhpo.logging.set_verbosity(pyhpo.logging.WARNING)


def test_simplex_lattice_matches_optunas_default_reference_points() -> None:
    from optuna.samplers._nsgaiii._elite_population_selection_strategy import (
        _generate_default_reference_point,
    )

    for m, p in [(2, 3), (3, 3), (3, 4), (4, 2)]:
        ours = _simplex_lattice(m, p)
        theirs = _generate_default_reference_point(m, p) / p
        assert sorted(map(tuple, ours)) == sorted(map(tuple, theirs))
        assert len(ours) == math.comb(m + p - 1, p)
        np.testing.assert_allclose(ours.sum(axis=1), 1.0)


def test_association_uses_perpendicular_distance_to_each_direction() -> None:
    references = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    points = np.array([[2.0, 0.1], [0.1, 2.0], [1.0, 1.2], [3.0, 0.0]])
    closest, distance = _associate(points, references)
    assert closest.tolist() == [0, 1, 2, 0]
    np.testing.assert_allclose(distance, [0.1, 0.1, 0.2 / math.sqrt(2), 0.0])


def test_normalisation_maps_extreme_points_to_the_unit_intercepts() -> None:
    losses = np.array([[10.0, 20.0], [12.0, 10.0], [11.0, 14.0]])
    normalised = _normalize(losses)
    np.testing.assert_allclose(normalised.min(axis=0), [0.0, 0.0])
    np.testing.assert_allclose(normalised[0], [0.0, 1.0])
    np.testing.assert_allclose(normalised[1], [1.0, 0.0])


def test_infinite_losses_are_clipped_beyond_the_finite_range() -> None:
    clipped = _clip_infinite(np.array([[0.0, np.inf], [1.0, 2.0], [-np.inf, 4.0]]))
    np.testing.assert_allclose(clipped, [[0.0, 10.0], [1.0, 2.0], [-3.0, 4.0]])
    assert np.all(np.isfinite(_clip_infinite(np.array([[np.inf, 1.0], [np.inf, 2.0]]))))


def _trial(values: list[float], number: int):  # type: ignore[no-untyped-def]
    t = create_trial(values=values)
    t.number = number
    t._trial_id = number
    return t


class _Study:
    directions = (StudyDirection.MINIMIZE, StudyDirection.MINIMIZE)


def test_niching_spreads_the_cut_over_reference_directions() -> None:
    # One front: eight points crowded near the f1 axis and one near each other direction.
    crowded = [[0.02 * i, 1.0 - 0.02 * i] for i in range(8)]
    spread = [[0.5, 0.5], [1.0, 0.0]]
    population = [_trial(v, i) for i, v in enumerate(crowded + spread)]
    select = NSGAIIIElitePopulationSelectionStrategy(
        population_size=3,
        rng=LazyRandomState(0),
        reference_points=np.array([[0.0, 1.0], [0.5, 0.5], [1.0, 0.0]]),
    )
    chosen = select(_Study(), population)  # type: ignore[arg-type]
    numbers = {t.number for t in chosen}
    assert len(chosen) == 3
    assert {8, 9} <= numbers  # the lone points of the two other directions survive
    assert len(numbers & set(range(8))) == 1


def test_whole_fronts_are_kept_before_niching() -> None:
    population = [_trial([0.0, 1.0], 0), _trial([1.0, 0.0], 1), _trial([2.0, 2.0], 2), _trial([3.0, 3.0], 3)]
    select = NSGAIIIElitePopulationSelectionStrategy(population_size=3, rng=LazyRandomState(0))
    assert [t.number for t in select(_Study(), population)] == [0, 1, 2]  # type: ignore[arg-type]


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="dividing_parameter must be an int >= 1, got 0"):
        NSGAIIISampler(dividing_parameter=0)
    with pytest.raises(ValueError, match="reference_points must be non-negative"):
        NSGAIIISampler(reference_points=np.array([[1.0, -1.0]]))
    with pytest.raises(ValueError, match="population_size must be >= 2"):
        NSGAIIISampler(population_size=1)
    sampler = NSGAIIISampler(population_size=4, reference_points=np.array([[1.0, 0.0], [0.0, 1.0]]), seed=0)
    study = pyhpo.create_study(directions=["minimize"] * 3, sampler=sampler)
    with pytest.raises(
        ValueError, match="reference_points have 2 coordinates but the study has 3 objectives"
    ):
        study.optimize(_dtlz2, n_trials=12)


def _dtlz2(trial) -> tuple[float, float, float]:  # type: ignore[no-untyped-def]
    x = np.array([trial.suggest_float(f"x{i}", 0, 1) for i in range(6)])
    g = float(np.sum((x[2:] - 0.5) ** 2))
    a, b = x[0] * math.pi / 2, x[1] * math.pi / 2
    return (1 + g) * math.cos(a) * math.cos(b), (1 + g) * math.cos(a) * math.sin(b), (1 + g) * math.sin(a)


def test_three_objective_run_beats_random_search() -> None:
    def hv(sampler) -> float:  # type: ignore[no-untyped-def]
        study = pyhpo.create_study(directions=["minimize"] * 3, sampler=sampler)
        study.optimize(_dtlz2, n_trials=300)
        # Every DTLZ2 value is at most 1 + g <= 2, so 2.5 bounds them all.
        return compute_hypervolume(np.array([t.values for t in study.best_trials]), np.full(3, 2.5))

    nsga3 = NSGAIIISampler(population_size=20, seed=0)
    assert hv(nsga3) > hv(pyhpo.samplers.RandomSampler(seed=0))


def test_bookkeeping_keys_carry_the_class_name_like_optuna() -> None:
    study = pyhpo.create_study(directions=["minimize"] * 3, sampler=NSGAIIISampler(population_size=4, seed=0))
    study.optimize(_dtlz2, n_trials=9)
    assert [t.system_attrs["NSGAIIISampler:generation"] for t in study.trials] == [0] * 4 + [1] * 4 + [2]
    attrs = study._storage.get_study_system_attrs(study._study_id)
    assert "NSGAIIISampler:parent:1" in attrs and "NSGAIISampler:parent:1" not in attrs
    assert optuna.samplers.NSGAIIISampler._get_generation_key() == "NSGAIIISampler:generation"
