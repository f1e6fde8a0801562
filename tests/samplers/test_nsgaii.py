"""NSGAIISampler: bookkeeping, selection, crossovers, constraints, and that it optimises."""

from __future__ import annotations

import math

import numpy as np
import optuna
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pyhpo
from pyhpo.samplers import NSGAIISampler
from pyhpo.samplers._nsgaii import (
    BLXAlphaCrossover,
    PolynomialMutation,
    SBXCrossover,
    SPXCrossover,
    UNDXCrossover,
    UniformCrossover,
    VSBXCrossover,
)
from pyhpo.samplers._nsgaii._selection import NSGAIIElitePopulationSelectionStrategy, _crowding_distance
from pyhpo.study import StudyDirection
from pyhpo.trial import TrialState, create_trial


@pytest.fixture(autouse=True)
def _quiet() -> None:
    pyhpo.logging.set_verbosity(pyhpo.logging.WARNING)


def _zdt1(trial) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    x = np.array([trial.suggest_float(f"x{i}", 0.0, 1.0) for i in range(5)])
    g = 1.0 + 9.0 * x[1:].mean()
    return float(x[0]), float(g * (1.0 - math.sqrt(x[0] / g)))


def _hypervolume_2d(points: np.ndarray, reference: tuple[float, float]) -> float:
    """Area dominated by ``points`` (minimisation) and bounded by ``reference``."""
    pts = points[(points[:, 0] < reference[0]) & (points[:, 1] < reference[1])]
    pts = pts[np.argsort(pts[:, 0])]
    area, best_y = 0.0, reference[1]
    for x, y in pts:
        if y < best_y:
            area += (reference[0] - x) * (best_y - y)
            best_y = y
    return area


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"population_size": 1}, ValueError, "population_size must be >= 2, got 1"),
        ({"population_size": 2.5}, TypeError, "population_size must be an int"),
        ({"population_size": 2, "crossover": SPXCrossover()}, ValueError, "needs 3 parents"),
        ({"crossover": "sbx"}, TypeError, "crossover must be a BaseCrossover"),
        ({"mutation_prob": 1.5}, ValueError, "mutation_prob must be in \\[0.0, 1.0\\], got 1.5"),
        ({"crossover_prob": -0.1}, ValueError, "crossover_prob must be in \\[0.0, 1.0\\]"),
        ({"swapping_prob": 2.0}, ValueError, "swapping_prob must be in \\[0.0, 1.0\\]"),
        ({"mutation": "poly"}, TypeError, "mutation must be a BaseMutation"),
    ],
)
def test_bad_arguments_are_rejected(kwargs: dict, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        NSGAIISampler(**kwargs)


def test_arguments_are_keyword_only_like_optuna() -> None:
    with pytest.raises(TypeError):
        NSGAIISampler(10)  # type: ignore[misc]


def test_generations_fill_up_and_parents_are_cached_in_the_study() -> None:
    study = pyhpo.create_study(
        directions=["minimize", "minimize"], sampler=NSGAIISampler(population_size=4, seed=1)
    )
    study.optimize(_zdt1, n_trials=14)
    generations = [t.system_attrs["NSGAIISampler:generation"] for t in study.trials]
    assert generations == [0] * 4 + [1] * 4 + [2] * 4 + [3] * 2
    attrs = study._storage.get_study_system_attrs(study._study_id)
    for g in (1, 2, 3):
        parents = attrs[f"NSGAIISampler:parent:{g}"]
        assert len(parents) == 4
    # Generation 1's parents are generation 0 (the only trials there were).
    assert set(attrs["NSGAIISampler:parent:1"]) == {t._trial_id for t in study.trials[:4]}


def test_bookkeeping_keys_are_optunas() -> None:
    assert optuna.samplers.NSGAIISampler._get_generation_key() == "NSGAIISampler:generation"
    assert optuna.samplers.NSGAIISampler._get_parent_cache_key_prefix() == "NSGAIISampler:parent:"


def test_same_seed_same_trials() -> None:
    def run(seed: int) -> list[dict]:
        study = pyhpo.create_study(
            directions=["minimize", "minimize"], sampler=NSGAIISampler(population_size=5, seed=seed)
        )
        study.optimize(_zdt1, n_trials=20)
        return [t.params for t in study.trials]

    assert run(3) == run(3)
    assert run(3) != run(4)


def test_beats_random_search_on_zdt1() -> None:
    def hv(sampler) -> float:  # type: ignore[no-untyped-def]
        study = pyhpo.create_study(directions=["minimize", "minimize"], sampler=sampler)
        study.optimize(_zdt1, n_trials=300)
        return _hypervolume_2d(np.array([t.values for t in study.best_trials]), (1.1, 11.0))

    nsga = hv(NSGAIISampler(population_size=20, seed=0))
    rand = hv(pyhpo.samplers.RandomSampler(seed=0))
    # The true front's hypervolume for this reference is about 11.1 - 2/3 = 10.43.
    assert nsga > rand
    assert nsga > 10.0


_CROSSOVERS = [
    UniformCrossover(),
    BLXAlphaCrossover(),
    SBXCrossover(),
    VSBXCrossover(),
    SPXCrossover(),
    UNDXCrossover(),
]


@pytest.mark.parametrize("crossover", _CROSSOVERS, ids=str)
def test_every_crossover_runs_a_mixed_search_space(crossover) -> None:  # type: ignore[no-untyped-def]
    def objective(trial) -> tuple[float, float]:  # type: ignore[no-untyped-def]
        x = trial.suggest_float("x", -5, 5)
        lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
        n = trial.suggest_int("n", 1, 9, step=2)
        k = trial.suggest_int("k", 1, 1000, log=True)
        q = trial.suggest_float("q", 0, 1, step=0.25)
        c = trial.suggest_categorical("c", ["a", "b", None])
        return x**2 + n + (c == "a"), (x - 2) ** 2 + math.log(lr) ** 2 + math.log(k) + q

    sampler = NSGAIISampler(population_size=6, crossover=crossover, mutation=PolynomialMutation(), seed=2)
    study = pyhpo.create_study(directions=["minimize", "minimize"], sampler=sampler)
    study.optimize(objective, n_trials=40)
    assert all(t.state == TrialState.COMPLETE for t in study.trials)
    for t in study.trials:
        for name, value in t.params.items():
            dist = t.distributions[name]
            assert dist._contains(dist.to_internal_repr(value)), (name, value)
    # Later generations exist, i.e. children were bred.
    assert max(t.system_attrs["NSGAIISampler:generation"] for t in study.trials) >= 5


@pytest.mark.parametrize("crossover", _CROSSOVERS, ids=str)
def test_crossover_children_have_the_right_shape(crossover) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.RandomState(0)
    study = pyhpo.create_study(directions=["minimize", "minimize"], sampler=pyhpo.samplers.RandomSampler())
    bounds = np.array([[0.0, 1.0]] * 4)
    parents = rng.rand(crossover.n_parents, 4)
    for _ in range(50):
        child = crossover.crossover(parents, rng, study, bounds)
        assert child.shape == (4,) and np.all(np.isfinite(child))


def test_uniform_and_blx_children_stay_near_their_parents() -> None:
    rng = np.random.RandomState(0)
    study = pyhpo.create_study(sampler=pyhpo.samplers.RandomSampler())
    bounds = np.array([[0.0, 10.0]] * 3)
    parents = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    for _ in range(100):
        child = UniformCrossover(0.3).crossover(parents, rng, study, bounds)
        assert np.all((child == parents[0]) | (child == parents[1]))
        blx = BLXAlphaCrossover(0.5).crossover(parents, rng, study, bounds)
        assert np.all((blx >= parents[0] - 1.5) & (blx <= parents[1] + 1.5))


def test_sbx_children_respect_the_bounds() -> None:
    rng = np.random.RandomState(1)
    study = pyhpo.create_study(sampler=pyhpo.samplers.RandomSampler())
    bounds = np.array([[0.0, 1.0]] * 5)
    for _ in range(300):
        parents = rng.rand(2, 5)
        child = SBXCrossover(eta=2.0).crossover(parents, rng, study, bounds)
        assert np.all(child >= -1e-9) and np.all(child <= 1 + 1e-9)


def test_polynomial_mutation_stays_in_bounds() -> None:
    rng = np.random.RandomState(0)
    study = pyhpo.create_study(sampler=pyhpo.samplers.RandomSampler())
    mutation = PolynomialMutation(eta=5.0)
    values = [mutation.mutation(x, rng, study, np.array([0.0, 1.0])) for x in rng.rand(500)]
    assert min(values) >= 0.0 and max(values) <= 1.0
    assert mutation.mutation(0.3, rng, study, np.array([1.0, 1.0])) == 0.3
    with pytest.raises(ValueError, match="eta must be >= 0"):
        PolynomialMutation(eta=-1)


def _optuna_trial(values: list[float], number: int) -> optuna.trial.FrozenTrial:
    t = optuna.trial.create_trial(values=values)
    t.number = number
    return t


_objective_value = st.one_of(st.integers(-3, 3).map(float), st.sampled_from([math.inf, -math.inf]))


@settings(max_examples=100, deadline=None)
@given(
    st.integers(1, 3).flatmap(
        lambda m: st.lists(st.lists(_objective_value, min_size=m, max_size=m), min_size=1, max_size=10)
    )
)
def test_crowding_distance_matches_optuna(rows: list[list[float]]) -> None:
    from optuna.samplers.nsgaii._elite_population_selection_strategy import _calc_crowding_distance

    population = [_optuna_trial(r, i) for i, r in enumerate(rows)]
    with np.errstate(invalid="ignore"):
        expected = _calc_crowding_distance(list(population))
    ours, _ = _crowding_distance(np.array(rows, dtype=float))
    np.testing.assert_allclose(ours, [expected[i] for i in range(len(rows))])


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 4).map(float), min_size=2, max_size=2), min_size=2, max_size=12),
    st.integers(2, 8),
)
def test_elite_selection_matches_optuna(rows: list[list[float]], population_size: int) -> None:
    from optuna.samplers.nsgaii._elite_population_selection_strategy import (
        NSGAIIElitePopulationSelectionStrategy as Theirs,
    )

    theirs = Theirs(population_size=population_size)(
        optuna.create_study(directions=["minimize", "maximize"]),
        [_optuna_trial(r, i) for i, r in enumerate(rows)],
    )

    class Study:
        directions = (StudyDirection.MINIMIZE, StudyDirection.MAXIMIZE)

    ours = NSGAIIElitePopulationSelectionStrategy(population_size=population_size)(
        Study(),
        [_frozen(r, i) for i, r in enumerate(rows)],  # type: ignore[arg-type]
    )
    assert [t.number for t in ours] == [t.number for t in theirs]


def _frozen(values: list[float], number: int, constraints: list[float] | None = None):  # type: ignore[no-untyped-def]
    t = create_trial(values=values, system_attrs={} if constraints is None else {"constraints": constraints})
    t.number = number
    t._trial_id = number
    return t


class _Study:
    directions = (StudyDirection.MINIMIZE, StudyDirection.MINIMIZE)


def test_elite_selection_keeps_whole_fronts_then_the_most_isolated() -> None:
    front0 = [_frozen([0.0, 4.0], 0), _frozen([1.0, 3.0], 1), _frozen([2.0, 2.0], 2), _frozen([4.0, 0.0], 3)]
    front1 = [_frozen([5.0, 5.0], 4)]
    select = NSGAIIElitePopulationSelectionStrategy(population_size=3)
    chosen = select(_Study(), front1 + front0)  # type: ignore[arg-type]
    # Extremes 0 and 3 have infinite crowding distance; of 1 and 2, trial 2 is more isolated
    # (neighbours (1,3) and (4,0) vs (0,4) and (2,2)).
    assert {t.number for t in chosen} == {0, 2, 3}
    assert {
        t.number for t in NSGAIIElitePopulationSelectionStrategy(population_size=5)(_Study(), front1 + front0)
    } == {0, 1, 2, 3, 4}  # type: ignore[arg-type]


def test_constrained_selection_prefers_feasible_then_small_violations() -> None:
    population = [
        _frozen([0.0, 0.0], 0, [1.0]),  # best values but infeasible
        _frozen([9.0, 9.0], 1, [-1.0]),  # feasible
        _frozen([1.0, 1.0], 2, [0.5, 0.1]),  # violation 0.6
        _frozen([1.0, 1.0], 3, [3.0]),
    ]
    chosen = NSGAIIElitePopulationSelectionStrategy(population_size=3)(_Study(), population)  # type: ignore[arg-type]
    assert [t.number for t in chosen] == [1, 2, 0]


def test_nan_constraints_are_rejected() -> None:
    population = [_frozen([0.0, 0.0], 0, [math.nan]), _frozen([1.0, 1.0], 1, [0.0])]
    with pytest.raises(ValueError, match="NaN constraint"):
        NSGAIIElitePopulationSelectionStrategy(population_size=2)(_Study(), population)  # type: ignore[arg-type]


def test_constraints_func_results_are_stored_and_favour_feasible_children() -> None:
    def objective(trial) -> tuple[float, float]:  # type: ignore[no-untyped-def]
        x = trial.suggest_float("x", -2, 2)
        y = trial.suggest_float("y", -2, 2)
        return x**2 + y**2, (x - 1) ** 2 + y**2

    def constraints(trial) -> list[float]:  # type: ignore[no-untyped-def]
        return [0.5 - trial.params["y"]]  # feasible iff y >= 0.5

    sampler = NSGAIISampler(population_size=10, constraints_func=constraints, seed=0)
    study = pyhpo.create_study(directions=["minimize", "minimize"], sampler=sampler)
    study.optimize(objective, n_trials=100)
    assert all(list(t.system_attrs["constraints"]) == [0.5 - t.params["y"]] for t in study.trials)
    first, last = study.trials[:10], study.trials[-20:]
    feasible = lambda ts: sum(t.params["y"] >= 0.5 for t in ts) / len(ts)
    assert feasible(last) > feasible(first)
    assert feasible(last) >= 0.7


def test_runs_with_threads() -> None:
    study = pyhpo.create_study(
        directions=["minimize", "minimize"], sampler=NSGAIISampler(population_size=6, seed=0)
    )
    study.optimize(_zdt1, n_trials=40, n_jobs=2)
    assert len(study.trials) == 40
    assert all(t.state == TrialState.COMPLETE for t in study.trials)


def test_single_objective_and_dynamic_parameters() -> None:
    def objective(trial) -> float:  # type: ignore[no-untyped-def]
        x = trial.suggest_float("x", -3, 3)
        if trial.number % 2:
            return x**2 + trial.suggest_float("extra", 0, 1)
        return x**2

    study = pyhpo.create_study(sampler=NSGAIISampler(population_size=5, seed=0))
    study.optimize(objective, n_trials=40)
    assert study.best_value < 0.5
    assert any("extra" in t.params for t in study.trials)


def test_public_operator_namespace_matches_optuna() -> None:
    import pyhpo.samplers.nsgaii as public

    assert sorted(public.__all__) == sorted(optuna.samplers.nsgaii.__all__)
    assert public.SBXCrossover is SBXCrossover


def test_a_study_started_by_optuna_continues_with_pyhpo_generations(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from optuna.storages import JournalStorage as OptunaJournal
    from optuna.storages.journal import JournalFileBackend as OptunaFile

    from pyhpo.storages import JournalStorage
    from pyhpo.storages.journal import JournalFileBackend

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    path = str(tmp_path / "journal.log")
    theirs = optuna.create_study(
        study_name="mo",
        directions=["minimize", "minimize"],
        storage=OptunaJournal(OptunaFile(path)),
        sampler=optuna.samplers.NSGAIISampler(population_size=4, seed=0),
    )
    theirs.optimize(_zdt1, n_trials=10)  # generations 0, 0, 0, 0, 1, 1, 1, 1, 2, 2

    ours = pyhpo.load_study(
        study_name="mo",
        storage=JournalStorage(JournalFileBackend(path)),
        sampler=NSGAIISampler(population_size=4, seed=0),
    )
    ours.optimize(_zdt1, n_trials=6)
    generations = [t.system_attrs["NSGAIISampler:generation"] for t in ours.trials]
    assert generations == [0] * 4 + [1] * 4 + [2] * 4 + [3] * 4
    attrs = ours._storage.get_study_system_attrs(ours._study_id)
    # Optuna cached the parents of generations 1 and 2; pyhpo reused them and added 3's.
    assert {k for k in attrs if k.startswith("NSGAIISampler:parent:")} == {
        "NSGAIISampler:parent:1",
        "NSGAIISampler:parent:2",
        "NSGAIISampler:parent:3",
    }


def test_sampler_survives_pickling_after_use() -> None:
    import copy
    import pickle

    sampler = NSGAIISampler(population_size=4, seed=0)
    study = pyhpo.create_study(directions=["minimize", "minimize"], sampler=sampler)
    study.optimize(_zdt1, n_trials=10)
    for clone in (pickle.loads(pickle.dumps(sampler)), copy.deepcopy(sampler)):
        other = pyhpo.create_study(directions=["minimize", "minimize"], sampler=clone)
        other.optimize(_zdt1, n_trials=10)
        assert [t.system_attrs["NSGAIISampler:generation"] for t in other.trials] == [0] * 4 + [1] * 4 + [
            2
        ] * 2
