"""MedianPruner and PercentilePruner: argument checks, semantics, parity with Optuna, speed."""

from __future__ import annotations

import math
import re
import time
import warnings

import optuna
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pruner_fakes import FakeStudy

from pyhpo.pruners import MedianPruner, PercentilePruner
from pyhpo.study._study_direction import StudyDirection
from pyhpo.trial._state import TrialState


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        # Optuna's messages, word for word.
        ({"percentile": -0.1}, "Percentile must be between 0 and 100 inclusive, but got percentile=-0.1."),
        ({"percentile": 100.5}, "Percentile must be between 0 and 100 inclusive, but got percentile=100.5."),
        (
            {"percentile": 50, "n_startup_trials": -1},
            "Number of startup trials cannot be negative, but got n_startup_trials=-1.",
        ),
        (
            {"percentile": 50, "n_warmup_steps": -1},
            "Number of warmup steps cannot be negative, but got n_warmup_steps=-1.",
        ),
        (
            {"percentile": 50, "interval_steps": 0},
            "Pruning interval steps must be at least 1, but got interval_steps=0.",
        ),
        (
            {"percentile": 50, "n_min_trials": 0},
            "Number of trials for pruning must be at least 1, but got n_min_trials=0.",
        ),
    ],
)
def test_bad_arguments_name_the_argument_and_range(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        PercentilePruner(**kwargs)


def test_non_numeric_arguments_are_type_errors() -> None:
    with pytest.raises(TypeError, match="percentile must be a float"):
        PercentilePruner("high")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="n_startup_trials must be an int"):
        MedianPruner(n_startup_trials=2.5)  # type: ignore[arg-type]


def _study_with_completed(
    values_by_trial: list[dict[int, float]], direction=StudyDirection.MINIMIZE
) -> FakeStudy:
    study = FakeStudy(direction)
    for iv in values_by_trial:
        study.add(TrialState.COMPLETE, iv)
    return study


def test_median_prunes_a_trial_worse_than_the_median_at_its_step() -> None:
    study = _study_with_completed([{0: 1.0}, {0: 2.0}, {0: 3.0}])
    pruner = MedianPruner(n_startup_trials=0)
    assert pruner.prune(study, study.add(TrialState.RUNNING, {0: 2.5}))
    assert not pruner.prune(study, study.add(TrialState.RUNNING, {0: 1.5}))
    # Equal to the median is kept.
    assert not pruner.prune(study, study.add(TrialState.RUNNING, {0: 2.0}))


def test_best_value_over_steps_is_compared_not_the_latest() -> None:
    study = _study_with_completed([{0: 5.0, 1: 5.0}, {0: 5.0, 1: 5.0}])
    pruner = MedianPruner(n_startup_trials=0)
    # Latest value 9 is bad, but the best value so far (1.0) beats the median at step 1.
    assert not pruner.prune(study, study.add(TrialState.RUNNING, {0: 1.0, 1: 9.0}))


def test_maximize_flips_the_comparison() -> None:
    study = _study_with_completed([{0: 1.0}, {0: 2.0}, {0: 3.0}], StudyDirection.MAXIMIZE)
    pruner = PercentilePruner(25.0, n_startup_trials=0)
    # Top 25% of [1, 2, 3] for maximization is >= 2.5.
    assert pruner.prune(study, study.add(TrialState.RUNNING, {0: 2.4}))
    assert not pruner.prune(study, study.add(TrialState.RUNNING, {0: 2.6}))


def test_startup_warmup_and_min_trials_disable_pruning() -> None:
    study = _study_with_completed([{0: 1.0, 5: 1.0}, {0: 1.0}])
    trial = study.add(TrialState.RUNNING, {0: 10.0})
    assert not MedianPruner(n_startup_trials=3).prune(study, trial)
    assert MedianPruner(n_startup_trials=2).prune(study, trial)
    assert not MedianPruner(n_startup_trials=0, n_warmup_steps=1).prune(study, trial)
    late = study.add(TrialState.RUNNING, {5: 10.0})
    assert not MedianPruner(n_startup_trials=0, n_min_trials=2).prune(study, late)
    assert MedianPruner(n_startup_trials=0, n_min_trials=1).prune(study, late)


def test_interval_checks_happen_on_the_first_report_after_each_checkpoint() -> None:
    study = _study_with_completed([dict.fromkeys(range(20), 0.0)])
    pruner = MedianPruner(n_startup_trials=0, n_warmup_steps=2, interval_steps=3)
    # Checkpoints at 2, 5, 8, ...; reports at 0, 1, 3, 4, 6, 9.
    decisions = {}
    reported: dict[int, float] = {}
    for step in (0, 1, 3, 4, 6, 9):
        reported[step] = 1.0
        decisions[step] = pruner.prune(study, study.add(TrialState.RUNNING, dict(reported)))
    assert decisions == {0: False, 1: False, 3: True, 4: False, 6: True, 9: True}


def test_nan_handling() -> None:
    study = _study_with_completed([{0: math.nan}, {0: 1.0}, {0: 3.0}])
    pruner = MedianPruner(n_startup_trials=0)
    # Peers' NaN is ignored: median of [1, 3] is 2.
    assert pruner.prune(study, study.add(TrialState.RUNNING, {0: 2.5}))
    assert not pruner.prune(study, study.add(TrialState.RUNNING, {0: 1.5}))
    # A trial with only NaN values is pruned.
    assert pruner.prune(study, study.add(TrialState.RUNNING, {0: math.nan}))
    all_nan = _study_with_completed([{0: math.nan}])
    assert not pruner.prune(all_nan, all_nan.add(TrialState.RUNNING, {0: 5.0}))


def test_cache_sees_trials_completed_after_the_first_call() -> None:
    study = _study_with_completed([{0: 10.0}])
    pruner = MedianPruner(n_startup_trials=0)
    assert not pruner.prune(study, study.add(TrialState.RUNNING, {0: 5.0}))
    study.add(TrialState.COMPLETE, {0: 1.0})
    study.add(TrialState.COMPLETE, {0: 2.0})
    # Median now is 2.0.
    assert pruner.prune(study, study.add(TrialState.RUNNING, {0: 5.0}))
    # A different study is not mixed into the cache.
    other = _study_with_completed([{0: 100.0}])
    other._study_id = 1
    assert not pruner.prune(other, other.add(TrialState.RUNNING, {0: 5.0}))


def test_pruner_survives_pickling() -> None:
    import pickle

    pruner = pickle.loads(pickle.dumps(MedianPruner(n_startup_trials=0)))
    study = _study_with_completed([{0: 1.0}])
    assert pruner.prune(study, study.add(TrialState.RUNNING, {0: 2.0}))


_value = st.one_of(st.integers(-3, 3).map(float), st.just(math.nan))
_curve = st.dictionaries(st.integers(0, 6), _value, max_size=5)


@settings(max_examples=200, deadline=None)
@given(
    completed=st.lists(_curve, max_size=8),
    current=_curve.filter(bool),
    percentile=st.sampled_from([0.0, 25.0, 50.0, 90.0, 100.0]),
    n_startup=st.integers(0, 3),
    n_warmup=st.integers(0, 3),
    interval=st.integers(1, 3),
    n_min=st.integers(1, 3),
    maximize=st.booleans(),
)
def test_decisions_match_optuna(
    completed, current, percentile, n_startup, n_warmup, interval, n_min, maximize
) -> None:
    direction = StudyDirection.MAXIMIZE if maximize else StudyDirection.MINIMIZE
    ours, theirs = FakeStudy(direction), FakeStudy(optuna.study.StudyDirection(int(direction)))
    for iv in completed:
        ours.add(TrialState.COMPLETE, iv)
        theirs.add(TrialState.COMPLETE, iv, optuna_kind=True)
    args = (percentile, n_startup, n_warmup, interval)
    expected_trial = theirs.add(TrialState.RUNNING, current, optuna_kind=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Optuna's nanpercentile warns on all-NaN slices
        expected = optuna.pruners.PercentilePruner(*args, n_min_trials=n_min).prune(theirs, expected_trial)
    got = PercentilePruner(*args, n_min_trials=n_min).prune(ours, ours.add(TrialState.RUNNING, current))
    assert got == expected


def test_median_over_thousands_of_trials_is_fast() -> None:
    study = FakeStudy()
    n_steps = 50
    for i in range(3000):
        study.add(TrialState.COMPLETE, {s: float((i * 7919 + s) % 101) for s in range(n_steps)})
    pruner = MedianPruner(n_startup_trials=0)
    pruner.prune(study, study.add(TrialState.RUNNING, {0: 0.0}))  # builds the cache once
    start = time.perf_counter()
    reported: dict[int, float] = {}
    for step in range(n_steps):
        reported[step] = 50.0
        study.trials[-1].intermediate_values[step] = 50.0
        pruner.prune(study, study.trials[-1])
    per_call = (time.perf_counter() - start) / n_steps
    # The FakeStudy itself filters 3000 trials per call; the pruner must add little on top.
    assert per_call < 5e-3, per_call


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=30),
    st.floats(0.0, 100.0),
)
def test_percentile_of_sorted_equals_numpy(values: list[float], q: float) -> None:
    import numpy as np

    from pyhpo.pruners._percentile import _percentile_of_sorted

    array = np.sort(np.asarray(values))
    assert _percentile_of_sorted(array, q) == pytest.approx(
        float(np.percentile(array, q)), rel=1e-12, abs=1e-9
    )
