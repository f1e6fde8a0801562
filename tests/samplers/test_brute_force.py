"""BruteForceSampler: every combination once, conditional spaces, stopping, threads."""

from __future__ import annotations

import itertools
import warnings

import optuna
import pytest

import pyhpo
from pyhpo.samplers._brute_force import BruteForceSampler
from pyhpo.trial import TrialState


@pytest.fixture(autouse=True)
def _quiet() -> None:
    pyhpo.logging.set_verbosity(pyhpo.logging.WARNING)
    optuna.logging.set_verbosity(optuna.logging.WARNING)


def _flat(trial) -> float:  # type: ignore[no-untyped-def]
    x = trial.suggest_int("x", 0, 2)
    c = trial.suggest_categorical("c", ["a", "b", None])
    f = trial.suggest_float("f", 0.0, 0.3, step=0.1)
    return x + f + (c == "a")


def _conditional(trial) -> float:  # type: ignore[no-untyped-def]
    kind = trial.suggest_categorical("kind", ["svm", "tree"])
    if kind == "svm":
        return trial.suggest_float("c", 0.5, 2.0, step=0.5)
    depth = trial.suggest_int("depth", 1, 3)
    return depth + trial.suggest_int("leaves", 2, 4, step=2)


def _paths(study) -> list[tuple]:  # type: ignore[no-untyped-def]
    return [tuple(sorted(t.params.items(), key=lambda kv: kv[0])) for t in study.trials]


def test_every_combination_once_then_the_study_stops() -> None:
    study = pyhpo.create_study(sampler=BruteForceSampler(seed=0))
    study.optimize(_flat, n_trials=1000)
    expected = set(itertools.product(range(3), ["a", "b", None], [0.0, 0.1, 0.2, 0.3]))
    got = [(t.params["x"], t.params["c"], t.params["f"]) for t in study.trials]
    assert len(got) == len(expected) == 36
    assert set(got) == expected


def test_conditional_search_space_is_enumerated_like_optuna() -> None:
    ours = pyhpo.create_study(sampler=BruteForceSampler(seed=1))
    ours.optimize(_conditional, n_trials=100)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        theirs = optuna.create_study(sampler=optuna.samplers.BruteForceSampler(seed=1))
    theirs.optimize(_conditional, n_trials=100)
    assert len(ours.trials) == len(theirs.trials) == 4 + 3 * 2
    assert sorted(_paths(ours), key=repr) == sorted(_paths(theirs), key=repr)


def test_threads_cover_everything_with_few_repeats() -> None:
    study = pyhpo.create_study(sampler=BruteForceSampler(seed=0))
    study.optimize(_flat, n_trials=200, n_jobs=3)
    paths = _paths(study)
    assert len(set(paths)) == 36
    assert len(paths) <= 36 + 6


def test_failed_trials_count_as_explored() -> None:
    def objective(trial) -> float:  # type: ignore[no-untyped-def]
        x = trial.suggest_int("x", 0, 3)
        if x == 2:
            raise RuntimeError("boom")
        return x

    study = pyhpo.create_study(sampler=BruteForceSampler(seed=0))
    study.optimize(objective, n_trials=50, catch=(RuntimeError,))
    assert sorted(t.params["x"] for t in study.trials) == [0, 1, 2, 3]
    assert [t.state for t in study.trials].count(TrialState.FAIL) == 1


def test_a_float_without_step_is_rejected() -> None:
    study = pyhpo.create_study(sampler=BruteForceSampler())
    with pytest.raises(ValueError, match="FloatDistribution.step must be given for BruteForceSampler"):
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)


def test_inconsistent_conditional_spaces_are_reported() -> None:
    def objective(trial) -> float:  # type: ignore[no-untyped-def]
        x = trial.suggest_int("x", 0, 1)
        if trial.number >= 2:  # the same x now leads to another parameter
            trial.suggest_int("y", 0, 1)
        return x

    study = pyhpo.create_study(sampler=BruteForceSampler(seed=0))
    study.optimize(objective, n_trials=2)
    with pytest.raises(ValueError, match="BruteForceSampler needs"):
        study.optimize(objective, n_trials=1)
