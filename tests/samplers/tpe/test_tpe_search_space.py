"""Intersection and group-decomposed search spaces."""

from __future__ import annotations

import pytest

import pyhpo
from pyhpo.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from pyhpo.samplers import RandomSampler
from pyhpo.search_space import IntersectionSearchSpace, _GroupDecomposedSearchSpace, intersection_search_space
from pyhpo.trial import TrialState, create_trial

X = FloatDistribution(0, 1)
Y = IntDistribution(0, 5)
Z = CategoricalDistribution(["a", "b"])


def _study_with(*param_sets: dict, states: list[TrialState] | None = None) -> pyhpo.Study:
    study = pyhpo.create_study(sampler=RandomSampler(seed=0))
    for i, dists in enumerate(param_sets):
        state = states[i] if states else TrialState.COMPLETE
        params = {n: d.to_external_repr(0) for n, d in dists.items()}
        value = 0.0 if state == TrialState.COMPLETE else None
        study.add_trial(create_trial(params=params, distributions=dists, state=state, value=value))
    return study


def test_intersection_keeps_parameters_present_with_equal_distributions_sorted_by_name() -> None:
    study = _study_with({"y": Y, "x": X, "z": Z}, {"x": X, "y": Y}, {"x": X, "y": IntDistribution(0, 6)})
    assert list(IntersectionSearchSpace().calculate(study)) == ["x"]
    assert intersection_search_space(study.trials) == {"x": X}
    assert list(intersection_search_space(study.trials[:2])) == ["x", "y"]


def test_pruned_trials_count_only_when_asked() -> None:
    study = _study_with({"x": X, "y": Y}, {"x": X}, states=[TrialState.COMPLETE, TrialState.PRUNED])
    assert list(IntersectionSearchSpace().calculate(study)) == ["x", "y"]
    assert list(IntersectionSearchSpace(include_pruned=True).calculate(study)) == ["x"]


def test_incremental_calculation_matches_a_full_recomputation() -> None:
    study = pyhpo.create_study(sampler=RandomSampler(seed=0))
    space = IntersectionSearchSpace()
    running = study.ask()
    running.suggest_float("x", 0, 1)
    for i in range(6):
        trial = study.ask()
        trial.suggest_float("x", 0, 1)
        if i != 3:
            trial.suggest_int("y", 0, 5)
        study.tell(trial, 1.0)
        assert space.calculate(study) == intersection_search_space(study.trials)
    study.tell(running, 0.0)  # the oldest trial finishes last, without "y"
    assert space.calculate(study) == intersection_search_space(study.trials) == {"x": X}


def test_one_instance_serves_one_study() -> None:
    first = _study_with({"x": X})
    second = pyhpo.create_study(storage=first._storage, sampler=RandomSampler())
    space = IntersectionSearchSpace()
    space.calculate(first)
    with pytest.raises(ValueError, match="multiple studies"):
        space.calculate(second)


def test_groups_split_by_co_occurrence() -> None:
    study = _study_with({"k": Z, "a": X}, {"k": Z, "b": Y}, {"k": Z, "a": X})
    groups = _GroupDecomposedSearchSpace().calculate(study)
    assert sorted(sorted(g) for g in groups) == [["a"], ["b"], ["k"]]
    study2 = _study_with({"a": X, "b": Y}, {"a": X, "b": Y})
    assert [sorted(g) for g in _GroupDecomposedSearchSpace().calculate(study2)] == [["a", "b"]]
