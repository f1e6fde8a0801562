"""NopPruner, ThresholdPruner and PatientPruner."""

from __future__ import annotations

import math

import optuna
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pruner_fakes import FakeStudy

from pyhpo.pruners import BasePruner, MedianPruner, NopPruner, PatientPruner, ThresholdPruner
from pyhpo.study._study_direction import StudyDirection
from pyhpo.trial._state import TrialState


def test_nop_never_prunes() -> None:
    study = FakeStudy()
    assert not NopPruner().prune(study, study.add(TrialState.RUNNING, {0: math.nan}))


def test_threshold_needs_a_bound_and_ordered_bounds() -> None:
    # Optuna's messages.
    with pytest.raises(TypeError, match="^Either lower or upper must be specified.$"):
        ThresholdPruner()
    with pytest.raises(ValueError, match="^lower should be smaller than upper.$"):
        ThresholdPruner(lower=2, upper=1)
    with pytest.raises(
        TypeError, match="^The `value` argument is of type 'str' but supposed to be a float.$"
    ):
        ThresholdPruner(upper="high")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="^Pruning interval steps must be at least 1 but got 0.$"):
        ThresholdPruner(upper=1.0, interval_steps=0)
    with pytest.raises(ValueError, match="^Number of warmup steps cannot be negative but got -1.$"):
        ThresholdPruner(upper=1.0, n_warmup_steps=-1)


def test_threshold_prunes_outside_the_band_and_on_nan() -> None:
    study = FakeStudy()
    pruner = ThresholdPruner(lower=0.0, upper=1.0)
    for value, expected in [
        (0.5, False),
        (0.0, False),
        (1.0, False),
        (-0.1, True),
        (1.1, True),
        (math.nan, True),
    ]:
        assert pruner.prune(study, study.add(TrialState.RUNNING, {0: value})) is expected
    # Only the latest value counts.
    assert not pruner.prune(study, study.add(TrialState.RUNNING, {0: 5.0, 1: 0.5}))
    assert not ThresholdPruner(upper=1.0, n_warmup_steps=2).prune(
        study, study.add(TrialState.RUNNING, {1: 9.0})
    )


def test_patient_argument_checks() -> None:
    with pytest.raises(ValueError, match="^patience cannot be negative but got -1.$"):
        PatientPruner(None, patience=-1)
    with pytest.raises(ValueError, match="^min_delta cannot be negative but got -0.5.$"):
        PatientPruner(None, patience=1, min_delta=-0.5)
    with pytest.raises(TypeError, match="wrapped_pruner must be a BasePruner or None"):
        PatientPruner("median", patience=1)  # type: ignore[arg-type]


class _Always(BasePruner):
    def __init__(self, answer: bool) -> None:
        self.answer = answer
        self.calls = 0

    def prune(self, study, trial) -> bool:  # type: ignore[no-untyped-def]
        self.calls += 1
        return self.answer


def test_patient_defers_to_the_wrapped_pruner_only_after_stalling() -> None:
    study = FakeStudy()
    inner = _Always(False)
    pruner = PatientPruner(inner, patience=2)
    improving = study.add(TrialState.RUNNING, {0: 3.0, 1: 2.0, 2: 1.0, 3: 0.5})
    assert not pruner.prune(study, improving)
    assert inner.calls == 0
    stalled = study.add(TrialState.RUNNING, {0: 1.0, 1: 2.0, 2: 2.0, 3: 3.0})
    assert not pruner.prune(study, stalled)
    assert inner.calls == 1
    assert PatientPruner(None, patience=2).prune(study, stalled)
    # min_delta tolerates a recent best that is slightly worse than the earlier best.
    slightly_worse = study.add(TrialState.RUNNING, {0: 1.0, 1: 1.05, 2: 1.08})
    assert not PatientPruner(None, patience=1, min_delta=0.1).prune(study, slightly_worse)
    assert PatientPruner(None, patience=1).prune(study, slightly_worse)


def test_patient_with_median_pruner_wraps_its_decision() -> None:
    study = FakeStudy()
    for _ in range(5):
        study.add(TrialState.COMPLETE, {0: 0.0, 1: 0.0, 2: 0.0})
    trial = study.add(TrialState.RUNNING, {0: 1.0, 1: 2.0, 2: 3.0})
    assert PatientPruner(MedianPruner(), patience=1).prune(study, trial)


_value = st.one_of(st.integers(-3, 3).map(float), st.just(math.nan))


@settings(max_examples=200, deadline=None)
@given(
    curve=st.dictionaries(st.integers(0, 8), _value, min_size=1, max_size=8),
    patience=st.integers(0, 4),
    min_delta=st.sampled_from([0.0, 0.5, 2.0]),
    maximize=st.booleans(),
)
def test_patient_matches_optuna(curve, patience, min_delta, maximize) -> None:
    import warnings

    direction = StudyDirection.MAXIMIZE if maximize else StudyDirection.MINIMIZE
    ours, theirs = FakeStudy(direction), FakeStudy(optuna.study.StudyDirection(int(direction)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ExperimentalWarning and all-NaN RuntimeWarnings
        expected = optuna.pruners.PatientPruner(None, patience, min_delta).prune(
            theirs, theirs.add(TrialState.RUNNING, curve, optuna_kind=True)
        )
    assert (
        PatientPruner(None, patience, min_delta).prune(ours, ours.add(TrialState.RUNNING, curve)) == expected
    )


@settings(max_examples=200, deadline=None)
@given(
    curve=st.dictionaries(st.integers(0, 8), _value, min_size=0, max_size=8),
    lower=st.sampled_from([None, -1.0, 0.0]),
    upper=st.sampled_from([None, 1.0, 2.0]),
    warmup=st.integers(0, 3),
    interval=st.integers(1, 3),
)
def test_threshold_matches_optuna(curve, lower, upper, warmup, interval) -> None:
    if lower is None and upper is None:
        upper = 0.0
    ours, theirs = FakeStudy(), FakeStudy()
    expected = optuna.pruners.ThresholdPruner(lower, upper, warmup, interval).prune(
        theirs, theirs.add(TrialState.RUNNING, curve, optuna_kind=True)
    )
    got = ThresholdPruner(lower, upper, warmup, interval).prune(ours, ours.add(TrialState.RUNNING, curve))
    assert got == expected
