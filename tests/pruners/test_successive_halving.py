"""SuccessiveHalvingPruner: argument checks, rung bookkeeping, parity with Optuna."""

from __future__ import annotations

import math
import re

import optuna
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pruner_fakes import FakeStudy

from pyhpo.pruners import SuccessiveHalvingPruner
from pyhpo.study._study_direction import StudyDirection
from pyhpo.trial._state import TrialState


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        # Optuna's messages, word for word (its two min_resource texts differ in where a backquote closes).
        (
            {"min_resource": "fast"},
            "The value of `min_resource` is fast, but must be either `min_resource` >= 1 or 'auto'",
        ),
        (
            {"min_resource": 0},
            "The value of `min_resource` is 0, but must be either `min_resource >= 1` or 'auto'",
        ),
        (
            {"reduction_factor": 1},
            "The value of `reduction_factor` is 1, but must be `reduction_factor >= 2`",
        ),
        (
            {"min_early_stopping_rate": -1},
            "The value of `min_early_stopping_rate` is -1, but must be `min_early_stopping_rate >= 0`",
        ),
        ({"bootstrap_count": -1}, "The value of `bootstrap_count` is -1, but must be `bootstrap_count >= 0`"),
        (
            {"bootstrap_count": 2},
            "bootstrap_count > 0 and min_resource == 'auto' are mutually incompatible, bootstrap_count is 2",
        ),
    ],
)
def test_bad_arguments_name_the_argument_and_range(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        SuccessiveHalvingPruner(**kwargs)


def test_first_rung_promotes_only_the_top_fraction() -> None:
    study = FakeStudy()
    pruner = SuccessiveHalvingPruner(min_resource=1, reduction_factor=2)
    decisions = []
    for value in [5.0, 4.0, 6.0, 1.0]:
        trial = study.add(TrialState.RUNNING, {1: value})
        decisions.append(pruner.prune(study, trial))
        assert study.trials[-1].system_attrs["completed_rung_0"] == value
    # 5: alone, promoted. 4: best of 2, promoted. 6: worse than top-1 of 3, pruned.
    # 1: top-2 of 4 are [1, 4], promoted.
    assert decisions == [False, False, True, False]


def test_nothing_happens_before_the_first_rung_ends() -> None:
    study = FakeStudy()
    pruner = SuccessiveHalvingPruner(min_resource=4, reduction_factor=2, min_early_stopping_rate=1)
    trial = study.add(TrialState.RUNNING, {7: math.nan})
    assert not pruner.prune(study, trial)  # first rung ends at 4 * 2 ** 1 = 8
    assert trial.system_attrs == {}
    trial.intermediate_values[8] = math.nan
    assert pruner.prune(study, trial)  # NaN at a rung end is pruned


def test_auto_min_resource_waits_for_a_completed_trial() -> None:
    study = FakeStudy()
    pruner = SuccessiveHalvingPruner()
    assert not pruner.prune(study, study.add(TrialState.RUNNING, {0: 1.0}))
    study.add(TrialState.COMPLETE, dict.fromkeys(range(0, 400, 10), 1.0))
    # Longest completed trial: last step 390 -> min_resource = 3.
    assert not pruner.prune(study, study.add(TrialState.RUNNING, {2: 1.0}))
    pruner.prune(study, study.add(TrialState.RUNNING, {3: 1.0}))
    assert "completed_rung_0" in study.trials[-1].system_attrs


def test_bootstrap_count_prunes_until_enough_trials_finish_the_rung() -> None:
    study = FakeStudy()
    pruner = SuccessiveHalvingPruner(min_resource=1, reduction_factor=2, bootstrap_count=2)
    assert pruner.prune(study, study.add(TrialState.RUNNING, {1: 1.0}))
    assert pruner.prune(study, study.add(TrialState.RUNNING, {1: 1.0}))
    assert not pruner.prune(study, study.add(TrialState.RUNNING, {1: 0.0}))


_values = st.one_of(st.integers(0, 5).map(float), st.just(math.nan))


@settings(max_examples=150, deadline=None)
@given(
    curves=st.lists(st.lists(_values, min_size=1, max_size=12), min_size=1, max_size=10),
    min_resource=st.sampled_from(["auto", 1, 2]),
    reduction_factor=st.integers(2, 4),
    rate=st.integers(0, 2),
    maximize=st.booleans(),
)
def test_decisions_match_optuna_over_a_whole_study(
    curves, min_resource, reduction_factor, rate, maximize
) -> None:
    """Run the same trials one after another through both pruners; every decision must agree."""
    direction = StudyDirection.MAXIMIZE if maximize else StudyDirection.MINIMIZE
    ours = FakeStudy(direction)
    theirs = FakeStudy(optuna.study.StudyDirection(int(direction)))
    args = (min_resource, reduction_factor, rate)
    our_pruner = SuccessiveHalvingPruner(*args)
    their_pruner = optuna.pruners.SuccessiveHalvingPruner(*args)
    for curve in curves:
        ours.add(TrialState.RUNNING, {})
        theirs.add(TrialState.RUNNING, {}, optuna_kind=True)
        final = TrialState.COMPLETE
        for step, value in enumerate(curve):
            # A fresh snapshot per check, as Trial.should_prune hands the pruner.
            our_trial, their_trial = ours.trials[-1], theirs.trials[-1]
            our_trial.intermediate_values[step] = value
            their_trial.intermediate_values[step] = value
            got = our_pruner.prune(ours, our_trial)
            assert got == their_pruner.prune(theirs, their_trial), (step, value)
            assert ours.trials[-1].system_attrs == theirs.trials[-1].system_attrs
            if got:
                final = TrialState.PRUNED
                break
        ours.trials[-1].state = final
        theirs.trials[-1].state = optuna.trial.TrialState(int(final))
