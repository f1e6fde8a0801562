"""TPESampler end to end: reproducible, valid values, better than random, and every mode runs."""

from __future__ import annotations

import copy
import logging
import pickle

import numpy as np
import pytest

import pyhpo
from pyhpo.distributions import FloatDistribution
from pyhpo.samplers import RandomSampler, TPESampler
from pyhpo.samplers._tpe import _kernel
from pyhpo.samplers._tpe._history import _History
from pyhpo.samplers._tpe.sampler import default_gamma, default_weights
from pyhpo.study import StudyDirection
from pyhpo.trial import TrialState


@pytest.fixture(params=["c", "numpy"])
def tpe_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test on the compiled TPE kernel and on the numpy path (the fallback where it is not built)."""
    if request.param == "c" and _kernel.lib is None:
        pytest.skip("pyhpo._ctpe is not built (python csrc/ffi_build.py)")
    monkeypatch.setattr(_kernel, "enabled", request.param == "c")
    return str(request.param)


def _sphere(trial: pyhpo.Trial) -> float:
    return sum(trial.suggest_float(f"x{i}", -5.0, 5.0) ** 2 for i in range(5))


def _mixed(trial: pyhpo.Trial) -> float:
    x = trial.suggest_float("x", -3.0, 3.0)
    lr = trial.suggest_float("lr", 1e-5, 1.0, log=True)
    q = trial.suggest_float("q", 0.0, 1.0, step=0.25)
    n = trial.suggest_int("n", -4, 8, step=3)
    k = trial.suggest_int("k", 1, 512, log=True)
    c = trial.suggest_categorical("c", ["relu", None, 1.5])
    big = trial.suggest_int("big", 0, 10**6)  # a wide non-log range next to log ones
    return (
        big * 1e-9
        + (x - 1) ** 2
        + (np.log10(lr) + 2) ** 2
        + q
        + abs(n - 2)
        + abs(np.log2(k) - 4)
        + (c is not None)
    )


def _run(sampler: pyhpo.samplers.BaseSampler, objective=_mixed, n_trials: int = 40, **kw) -> pyhpo.Study:
    study = pyhpo.create_study(sampler=sampler, **kw)
    study.optimize(objective, n_trials=n_trials)
    return study


@pytest.mark.parametrize("multivariate", [True, False])
def test_same_seed_gives_the_same_trials(multivariate: bool) -> None:
    a = _run(TPESampler(seed=7, multivariate=multivariate), n_trials=30)
    b = _run(TPESampler(seed=7, multivariate=multivariate), n_trials=30)
    assert [t.params for t in a.trials] == [t.params for t in b.trials]
    c = _run(TPESampler(seed=8, multivariate=multivariate), n_trials=30)
    assert [t.params for t in a.trials] != [t.params for t in c.trials]


def test_startup_trials_are_the_random_samplers_draws() -> None:
    tpe = _run(TPESampler(seed=3, n_startup_trials=10), n_trials=12)
    rnd = _run(RandomSampler(seed=3), n_trials=10)
    assert [t.params for t in tpe.trials[:10]] == [t.params for t in rnd.trials]


@pytest.mark.parametrize("multivariate", [True, False])
def test_every_suggested_value_is_valid_for_its_distribution(multivariate: bool) -> None:
    study = _run(TPESampler(seed=0, n_startup_trials=5, multivariate=multivariate), n_trials=60)
    for trial in study.trials:
        for name, value in trial.params.items():
            dist = trial.distributions[name]
            assert dist._contains(dist.to_internal_repr(value)), (name, value)
        assert type(trial.params["n"]) is int and type(trial.params["k"]) is int
        assert type(trial.params["x"]) is float


def test_tpe_beats_random_search_on_a_5d_sphere() -> None:
    tpe = [_run(TPESampler(seed=s), _sphere, 100).best_value for s in range(5)]
    rnd = [_run(RandomSampler(seed=s), _sphere, 100).best_value for s in range(5)]
    # Random search's median best after 100 trials is around 6; TPE's is well below 1.
    assert np.median(tpe) < 0.25 * np.median(rnd), (tpe, rnd)


def test_maximization_is_followed() -> None:
    def objective(trial: pyhpo.Trial) -> float:
        return -((trial.suggest_float("x", -10, 10) - 3.0) ** 2)

    study = _run(TPESampler(seed=1), objective, 60, direction="maximize")
    assert study.best_params["x"] == pytest.approx(3.0, abs=0.5)


def test_constant_liar_shares_relative_samples_and_treats_running_trials_as_bad() -> None:
    sampler = TPESampler(seed=0, n_startup_trials=5, constant_liar=True)
    study = pyhpo.create_study(sampler=sampler)
    study.optimize(_sphere, n_trials=10)
    pending = [study.ask() for _ in range(3)]
    for trial in pending:
        trial.suggest_float("x0", -5.0, 5.0)  # triggers the relative sample
    stored = [study._storage.get_trial(t._trial_id) for t in pending]
    assert all("tpe:relative_params:0" in t.system_attrs for t in stored)
    # Another worker's view: the other two RUNNING trials enter g(x) with all five parameters. (A new trial's
    # view: the per-trial cache of the last ask is dropped, as the next ask would, since storages hand out
    # snapshots, not live trials.)
    study._thread_local.cached_all_trials = None
    space = sampler.infer_relative_search_space(study, stored[0])
    history = sampler._sync(study)
    assert sorted(t.number for t in history.running) == [10, 11, 12]
    rows = sampler._pending_observations(study, stored[0], space, history.running)
    assert rows.shape == (2, 5)
    # Finishing them works as usual.
    for trial in pending:
        study.tell(trial, 1.0)
    study.optimize(_sphere, n_trials=5)
    assert len(study.trials) == 18
    history = sampler._sync(study)
    assert len(history) == 18 and history.running == []


def test_without_constant_liar_no_system_attrs_are_written() -> None:
    study = _run(TPESampler(seed=0, n_startup_trials=3, constant_liar=False), _sphere, 6)
    assert not any(k.startswith("tpe:") for t in study.trials for k in t.system_attrs)


def test_group_decomposition_handles_conditional_spaces() -> None:
    def objective(trial: pyhpo.Trial) -> float:
        kind = trial.suggest_categorical("kind", ["a", "b"])
        if kind == "a":
            return trial.suggest_float("ax", -5, 5) ** 2
        return trial.suggest_int("bn", -5, 5) ** 2 + 1.0

    sampler = TPESampler(seed=0, multivariate=True, group=True, n_startup_trials=5)
    study = _run(sampler, objective, 40)
    assert study.best_value < 0.5
    groups = sampler._group_search_space.calculate(study)  # type: ignore[union-attr]
    assert sorted(sorted(g) for g in groups) == [["ax"], ["bn"], ["kind"]]


def test_dynamic_space_falls_back_to_independent_sampling_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def objective(trial: pyhpo.Trial) -> float:
        x = trial.suggest_float("x", -1, 1)
        if trial.number % 2:
            return x + trial.suggest_float("y", 0, 1)
        return x

    with caplog.at_level(logging.WARNING):
        _run(TPESampler(seed=0, n_startup_trials=2, warn_independent_sampling=True), objective, 8)
    assert any("is sampled independently" in r.getMessage() for r in caplog.records)


def test_multi_objective_tpe_runs_and_finds_a_spread_front() -> None:
    def objective(trial: pyhpo.Trial) -> tuple[float, float]:
        x = trial.suggest_float("x", 0, 1)
        y = trial.suggest_float("y", 0, 1)
        return x + y * 0.1, (1 - x) + y * 0.1

    study = _run(TPESampler(seed=0, n_startup_trials=10), objective, 60, directions=["minimize", "minimize"])
    front = study.best_trials
    assert len(front) >= 5
    xs = sorted(t.params["x"] for t in front)
    assert xs[-1] - xs[0] > 0.5


def test_infeasible_trials_never_enter_the_good_group() -> None:
    sampler = TPESampler(seed=0, n_startup_trials=5, constraints_func=lambda t: [t.params["x"] - 0.0])
    study = _run(sampler, lambda t: t.suggest_float("x", -5, 5) ** 2 * -1 + 30, 40)
    assert all("constraints" in t.system_attrs for t in study.trials)
    history = sampler._sync(study)
    below, _ = history.split(study.directions, default_gamma)
    xs = history.column("x", FloatDistribution(-5, 5))  # unit coordinates: x = 0 is 0.5
    assert np.all(xs[below] <= 0.5)
    feasible_late = [t.params["x"] <= 0 for t in study.trials[20:]]
    assert np.mean(feasible_late) > 0.7


def test_pruned_trials_are_used_and_rank_by_their_last_step() -> None:
    def objective(trial: pyhpo.Trial) -> float:
        x = trial.suggest_float("x", -2, 2)
        trial.report(x * x, step=0)
        if trial.number % 3 == 0:
            raise pyhpo.TrialPruned()
        return x * x

    study = _run(TPESampler(seed=0, n_startup_trials=4), objective, 30)
    assert sum(t.state == TrialState.PRUNED for t in study.trials) == 10
    assert study.best_value < 0.05


def test_split_orders_complete_then_pruned_then_infeasible() -> None:
    study = pyhpo.create_study(direction="maximize", sampler=RandomSampler(seed=0))
    dist = FloatDistribution(0, 1)
    study.add_trial(pyhpo.trial.create_trial(params={"x": 0.1}, distributions={"x": dist}, value=1.0))
    study.add_trial(pyhpo.trial.create_trial(params={"x": 0.2}, distributions={"x": dist}, value=5.0))
    study.add_trial(
        pyhpo.trial.create_trial(
            params={"x": 0.3}, distributions={"x": dist}, value=9.0, system_attrs={"constraints": [1.0]}
        )
    )
    study.add_trial(
        pyhpo.trial.create_trial(
            params={"x": 0.4},
            distributions={"x": dist},
            state=TrialState.PRUNED,
            intermediate_values={3: 7.0},
        )
    )
    history = _History()
    history.sync(study.get_trials(states=(TrialState.COMPLETE, TrialState.PRUNED)), [StudyDirection.MAXIMIZE])
    col = history.column("x", dist)
    for n_below, expected in [(1, {0.2}), (2, {0.2, 0.1}), (3, {0.2, 0.1, 0.4}), (4, {0.1, 0.2, 0.3, 0.4})]:
        below, _ = history.split([StudyDirection.MAXIMIZE], lambda n, k=n_below: k)
        assert set(np.round(col[below], 3)) == expected


def test_default_weights_ramp_older_observations() -> None:
    assert default_weights(0).size == 0
    assert np.all(default_weights(10) == 1.0)
    w = default_weights(100)
    assert (
        len(w) == 100 and w[0] == pytest.approx(0.01) and np.all(w[-25:] == 1.0) and np.all(np.diff(w) >= 0)
    )
    assert [default_gamma(n) for n in (1, 10, 11, 300)] == [1, 1, 2, 25]


def test_bad_weights_function_is_reported() -> None:
    sampler = TPESampler(seed=0, n_startup_trials=2, weights=lambda n: -np.ones(n))
    with pytest.raises(ValueError, match="negative"):
        _run(sampler, _sphere, 4)


def test_invalid_arguments_are_rejected() -> None:
    with pytest.raises(ValueError, match="multivariate"):
        TPESampler(group=True, multivariate=False)
    with pytest.raises(ValueError, match="n_ei_candidates"):
        TPESampler(n_ei_candidates=0)
    with pytest.raises(ValueError, match="n_startup_trials"):
        TPESampler(n_startup_trials=-1)


def test_sampler_copies_and_pickles_and_runs_in_threads() -> None:
    sampler = TPESampler(seed=0, n_startup_trials=3)
    _run(sampler, _sphere, 5)
    clone = copy.deepcopy(sampler)
    clone.reseed_rng()
    restored = pickle.loads(pickle.dumps(sampler))
    assert isinstance(restored, TPESampler)
    study = pyhpo.create_study(sampler=clone)
    study.optimize(_sphere, n_trials=16, n_jobs=2)
    assert len(study.trials) == 16


def test_hyperopt_parameters_construct_a_working_sampler() -> None:
    study = _run(TPESampler(seed=0, **TPESampler.hyperopt_parameters()), _sphere, 25)
    assert len(study.trials) == 25


def test_one_sampler_reused_across_fresh_studies_never_mixes_their_histories() -> None:
    # Fresh in-memory storages all number their first study 0 and may reuse a freed address.
    sampler = TPESampler(seed=0, n_startup_trials=2)
    for offset in (0.0, 3.0, -3.0):
        study = pyhpo.create_study(sampler=sampler)
        study.optimize(lambda t, o=offset: (t.suggest_float("x", -5, 5) - o) ** 2, n_trials=25)
        history = sampler._sync(study)
        assert len(history) == 25
        assert abs(study.best_params["x"] - offset) < 1.0
        del study


@pytest.mark.filterwarnings(
    "ignore:The distribution is specified by:UserWarning"
)  # the odd step moves `high`
def test_edge_distributions_are_handled() -> None:
    def objective(trial: pyhpo.Trial) -> float:
        only = trial.suggest_categorical("only", ["x"])  # one choice: never sampled by TPE
        fixed = trial.suggest_float("fixed", 2.0, 2.0)
        huge = trial.suggest_int("huge", 1, 10**9, log=True)
        odd = trial.suggest_float("odd", 0.0, 1.0, step=0.3)  # high moves down to 0.9
        flag = trial.suggest_categorical("flag", [True, False])
        assert only == "x" and fixed == 2.0
        return abs(np.log10(huge) - 4) + abs(odd - 0.6) + flag

    for multivariate in (True, False):
        study = _run(TPESampler(seed=0, n_startup_trials=5, multivariate=multivariate), objective, 40)
        for t in study.trials:
            assert 1 <= t.params["huge"] <= 10**9
            assert min(abs(t.params["odd"] - v) for v in (0.0, 0.3, 0.6, 0.9)) < 1e-9
        assert study.best_value < 1.0


def test_dynamic_ranges_in_history_are_tolerated() -> None:
    def objective(trial: pyhpo.Trial) -> float:
        high = 1.0 if trial.number < 15 else 10.0  # the range grows half-way
        return trial.suggest_float("x", 0.0, high) + trial.suggest_float("y", -1.0, 1.0) ** 2

    for multivariate in (True, False):
        study = _run(TPESampler(seed=0, n_startup_trials=5, multivariate=multivariate), objective, 30)
        assert all(0.0 <= t.params["x"] <= 10.0 for t in study.trials)


def test_values_outside_a_distribution_are_left_out_of_its_column() -> None:
    history = _History()
    study = pyhpo.create_study(sampler=RandomSampler(seed=0))
    old = pyhpo.distributions.CategoricalDistribution(["a", "b"])
    study.add_trial(pyhpo.trial.create_trial(params={"c": "a"}, distributions={"c": old}, value=1.0))
    study.add_trial(pyhpo.trial.create_trial(params={"c": "b"}, distributions={"c": old}, value=2.0))
    history.sync(study.get_trials(), [StudyDirection.MINIMIZE])
    col = history.column("c", pyhpo.distributions.CategoricalDistribution(["b", "z"]))
    assert np.isnan(col[0]) and col[1] == 0.0


def test_default_weights_and_gamma_equal_optunas() -> None:
    optuna_tpe = pytest.importorskip("optuna.samplers._tpe.sampler")
    for n in range(400):
        assert default_weights(n) == pytest.approx(optuna_tpe.default_weights(n), rel=1e-12, abs=1e-15)
        assert default_gamma(n) == optuna_tpe.default_gamma(n)


@pytest.mark.parametrize("n_objectives", [2, 3])
def test_multi_objective_good_group_is_the_one_optuna_picks(n_objectives: int) -> None:
    optuna = pytest.importorskip("optuna")
    optuna_tpe = pytest.importorskip("optuna.samplers._tpe.sampler")
    from pyhpo.samplers._tpe._history import _multi_objective_best

    rng = np.random.RandomState(n_objectives)
    directions = ["minimize", "maximize", "minimize"][:n_objectives]
    for trial_count in (12, 40, 90):
        values = np.round(rng.rand(trial_count, n_objectives), 2)  # rounding makes ties and duplicates
        study = optuna.create_study(directions=directions)
        dist = optuna.distributions.FloatDistribution(0, 1)
        for row in values:
            study.add_trial(
                optuna.trial.create_trial(params={"x": 0.5}, distributions={"x": dist}, values=list(row))
            )
        trials = study.get_trials()
        loss = values * np.array([1.0 if d == "minimize" else -1.0 for d in directions])
        for k in (1, 5, trial_count // 3):
            theirs, _ = optuna_tpe._split_complete_trials_multi_objective(trials, study, k)
            ours = np.flatnonzero(_multi_objective_best(loss, k))
            assert sorted(t.number for t in theirs) == ours.tolist(), (trial_count, k)


@pytest.mark.parametrize("objective", [_sphere, _mixed], ids=["sphere", "mixed"])
def test_seeded_tpe_follows_optunas_trial_by_trial(objective, tpe_path: str) -> None:
    """Same seed, same defaults: the same random numbers go through the same model (Optuna 5)."""
    optuna = pytest.importorskip("optuna")
    if int(optuna.__version__.split(".")[0]) < 5:
        pytest.skip("Optuna 5's TPE defaults (multivariate, constant liar) are the ones matched")
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    theirs = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=3))
    # 330 trials: past 256 bad-group rows, where kernel widths take their order from the history's sorted rows.
    theirs.optimize(objective, n_trials=330)
    ours = _run(TPESampler(seed=3), objective, 330)
    for a, b in zip(ours.trials, theirs.trials):
        for name, value in a.params.items():
            if isinstance(value, float):
                assert value == pytest.approx(b.params[name], rel=1e-6, abs=1e-6), (a.number, name)
            else:
                assert value == b.params[name], (a.number, name)


def test_scanning_only_unsettled_trials_equals_a_full_sync() -> None:
    """Trials finish out of order, fail, wait in the queue: the incremental scan sees what a full read sees."""
    study = pyhpo.create_study(sampler=RandomSampler(seed=0))
    history = _History()
    rng = np.random.RandomState(0)
    open_trials: list[pyhpo.Trial] = []
    for step in range(60):
        action = rng.randint(5)
        if action <= 1 or not open_trials:
            trial = study.ask()
            trial.suggest_float("x", 0, 1)
            open_trials.append(trial)
        elif action == 2:
            study.enqueue_trial({"x": 0.5})
        else:
            trial = open_trials.pop(rng.randint(len(open_trials)))
            state = [TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL][rng.randint(3)]
            study.tell(trial, 1.0 if state == TrialState.COMPLETE else None, state=state)
        history.scan(study.get_trials(deepcopy=False), study.directions)
        finished = study.get_trials(deepcopy=False, states=(TrialState.COMPLETE, TrialState.PRUNED))
        assert sorted(history.numbers) == [t.number for t in finished], step
        assert [t.number for t in history.running] == [
            t.number for t in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,))
        ]


def test_seeded_tpe_follows_optunas_when_trials_are_pruned_and_finish_out_of_order(tpe_path: str) -> None:
    """The split's general path (pruned rows, rows out of number order) and the kept good-group mixture."""
    optuna = pytest.importorskip("optuna")
    if int(optuna.__version__.split(".")[0]) < 5:
        pytest.skip("Optuna 5's TPE defaults (multivariate, constant liar) are the ones matched")
    optuna.logging.set_verbosity(optuna.logging.WARNING)

    def drive(lib) -> list[dict[str, float]]:
        study = lib.create_study(sampler=lib.samplers.TPESampler(seed=5, constant_liar=False))
        held = None
        for i in range(120):
            trial = study.ask()
            value = _sphere(trial)
            if i % 9 == 4 and held is None:
                held = (trial, value)  # finishes later, after higher-numbered trials
            elif i % 7 == 3:
                trial.report(value, step=1)
                study.tell(trial, state=lib.trial.TrialState.PRUNED)
            else:
                study.tell(trial, value)
            if held is not None and i % 9 == 6:
                study.tell(*held)
                held = None
        return [t.params for t in study.trials]

    for a, b in zip(drive(pyhpo), drive(optuna)):
        assert a.keys() == b.keys()
        for name, value in a.items():
            assert value == pytest.approx(b[name], rel=1e-6, abs=1e-6), name
