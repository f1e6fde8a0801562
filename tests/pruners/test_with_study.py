"""Pruners inside real studies: the same objective run in pyhpo and in Optuna prunes the same trials."""

from __future__ import annotations

import warnings

import numpy as np
import optuna
import pytest

import pyhpo
from pyhpo import pruners

_N_TRIALS = 40
_N_STEPS = 30
# Learning curves fixed in advance, indexed by trial number, so both libraries see the same data.
_CURVES = np.cumsum(np.random.default_rng(7).normal(size=(_N_TRIALS, _N_STEPS)), axis=1)


def _pyhpo_study(name: str | None, pruner: pruners.BasePruner) -> pyhpo.study.Study:
    return pyhpo.create_study(study_name=name, pruner=pruner, sampler=pyhpo.samplers.RandomSampler(seed=1))


def _run(lib, pruner, direction: str) -> list[tuple[str, int]]:
    def objective(trial) -> float:  # type: ignore[no-untyped-def]
        trial.suggest_float("x", 0.0, 1.0)
        curve = _CURVES[trial.number]
        for step in range(_N_STEPS):
            trial.report(float(curve[step]), step)
            if trial.should_prune():
                raise lib.TrialPruned()
        return float(curve[-1])

    lib.logging.set_verbosity(lib.logging.WARNING)
    study = lib.create_study(
        study_name="pruning-parity",
        direction=direction,
        pruner=pruner,
        sampler=lib.samplers.RandomSampler(seed=0),
    )
    study.optimize(objective, n_trials=_N_TRIALS)
    return [(t.state.name, max(t.intermediate_values)) for t in study.trials]


_CONFIGS = [
    ("MedianPruner", {}),
    ("MedianPruner", {"n_startup_trials": 2, "n_warmup_steps": 5, "interval_steps": 3, "n_min_trials": 2}),
    ("PercentilePruner", {"percentile": 30.0, "n_startup_trials": 3}),
    ("SuccessiveHalvingPruner", {}),
    ("SuccessiveHalvingPruner", {"min_resource": 2, "reduction_factor": 3, "min_early_stopping_rate": 1}),
    ("HyperbandPruner", {"max_resource": _N_STEPS}),
    ("HyperbandPruner", {"min_resource": 2, "reduction_factor": 2}),
    ("ThresholdPruner", {"upper": 3.0, "n_warmup_steps": 2}),
    ("NopPruner", {}),
]


@pytest.mark.parametrize("direction", ["minimize", "maximize"])
@pytest.mark.parametrize(("name", "kwargs"), _CONFIGS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(_CONFIGS)])
def test_same_trials_are_pruned_at_the_same_steps_as_optuna(name: str, kwargs: dict, direction: str) -> None:
    ours = _run(pyhpo, getattr(pruners, name)(**kwargs), direction)
    theirs = _run(optuna, getattr(optuna.pruners, name)(**kwargs), direction)
    assert ours == theirs
    if name != "NopPruner":
        assert any(state == "PRUNED" for state, _ in ours), "scenario should exercise pruning"


def test_patient_pruner_in_a_study_matches_optuna() -> None:
    ours = _run(pyhpo, pruners.PatientPruner(pruners.MedianPruner(), patience=3), "minimize")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        theirs_pruner = optuna.pruners.PatientPruner(optuna.pruners.MedianPruner(), patience=3)
    assert ours == _run(optuna, theirs_pruner, "minimize")


def test_hyperband_brackets_match_optuna_for_the_same_study_name() -> None:
    ours = pruners.HyperbandPruner(max_resource=80)
    theirs = optuna.pruners.HyperbandPruner(max_resource=80)
    ours_study = _pyhpo_study("brackets", ours)
    theirs_study = optuna.create_study(study_name="brackets", pruner=theirs)
    ours._try_initialization(ours_study)
    theirs._try_initialization(theirs_study)
    assert ours._n_brackets == theirs._n_brackets == 4
    seen = set()
    for number in range(200):
        frozen = pyhpo.trial.create_trial(value=0.0)
        frozen.number = number
        their_frozen = optuna.trial.create_trial(value=0.0)
        their_frozen.number = number
        bracket = ours._get_bracket_id(ours_study, frozen)
        assert bracket == theirs._get_bracket_id(theirs_study, their_frozen)
        seen.add(bracket)
    assert seen == {0, 1, 2, 3}


def test_hyperband_counts_brackets_exactly_at_powers_of_the_reduction_factor() -> None:
    pruner = pruners.HyperbandPruner(min_resource=1, max_resource=243, reduction_factor=3)
    pruner._try_initialization(_pyhpo_study(None, pruner))
    assert pruner._n_brackets == 6  # log_3(243) = 5 exactly; floating-point log gives 4.999...


def test_filter_study_lists_only_the_trials_of_the_bracket() -> None:
    pruner = pruners.HyperbandPruner(max_resource=27)
    study = _pyhpo_study("filtered", pruner)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=30)
    last = study.trials[-1]
    view = pruners._filter_study(study, last)
    bracket = pruner._get_bracket_id(study, last)
    seen = view.get_trials(deepcopy=False)
    assert 0 < len(seen) < 30
    assert all(pruner._get_bracket_id(study, t) == bracket for t in seen)
    # Samplers' private listing is not filtered, as in Optuna.
    assert len(view._get_trials(deepcopy=False)) == 30
    assert view.direction == study.direction and view._study_id == study._study_id
    plain = _pyhpo_study(None, pruners.MedianPruner())
    assert pruners._filter_study(plain, last) is plain


def test_median_pruner_with_threads_does_not_corrupt_its_cache() -> None:
    study = pyhpo.create_study(
        pruner=pruners.MedianPruner(n_startup_trials=3), sampler=pyhpo.samplers.RandomSampler(0)
    )

    def objective(trial) -> float:  # type: ignore[no-untyped-def]
        x = trial.suggest_float("x", 0, 1)
        for step in range(20):
            trial.report(x + step, step)
            if trial.should_prune():
                raise pyhpo.TrialPruned()
        return x + 19

    study.optimize(objective, n_trials=40, n_jobs=4)
    states = [t.state for t in study.trials]
    assert states.count(pyhpo.trial.TrialState.PRUNED) > 0
    assert states.count(pyhpo.trial.TrialState.COMPLETE) >= 3


def test_hyperband_with_max_below_min_resource_never_prunes() -> None:
    pruner = pruners.HyperbandPruner(min_resource=10, max_resource=5)
    study = _pyhpo_study("tiny", pruner)
    trial = pyhpo.trial.create_trial(state=pyhpo.trial.TrialState.RUNNING, intermediate_values={20: 1.0})
    assert not pruner.prune(study, trial)
    assert pruner._n_brackets == 0


def test_bracket_view_lists_its_trials_and_stops_the_real_study() -> None:
    pruner = pruners.HyperbandPruner(max_resource=27)
    study = _pyhpo_study("view", pruner)
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=12)
    view = pruners._filter_study(study, study.trials[0])
    assert [t.number for t in view.trials] == [t.number for t in view.get_trials()]
    stopped = []
    study.stop = lambda: stopped.append(True)  # type: ignore[method-assign]
    view.stop()
    assert stopped == [True]
